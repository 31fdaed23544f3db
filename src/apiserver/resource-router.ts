import type { ResourceInfo } from '../api/scheme.js'
import { AppError, Reason } from '../shared/errors.js'
import type { Identity } from './authn.js'
import { authorize } from './authz.js'
import { namespaceStrategy, secretStrategy, serviceAccountStrategy } from './core-strategies.js'
import type { ApiDeps } from './deps.js'
import { imageStrategy } from './image-strategy.js'
import { imageStreamStrategy } from './imagestream-strategy.js'
import { imageStreamImageHandlers } from './imagestreamimages.js'
import { createImageStreamImport } from './imagestreamimports.js'
import { imageStreamTagHandlers } from './imagestreamtags.js'
import { namespaceHooks } from './namespace-lifecycle.js'
import { negotiateFormat, parseIncludeObject } from './negotiation.js'
import type { ApiResult, Handler, RequestContext, ResourceHandlers } from './request-context.js'
import { parseRequestInfo } from './request-info.js'
import { jsonResponse, listBody } from './response.js'
import { methodNotAllowed } from './status-error.js'
import { storedResourceHandlers } from './stored-resource.js'
import { buildTable } from './table.js'
import { createTokenRequest } from './token-request.js'

// Routes a resource URL to the handler of its resource, verb and subresource, after authorization, and
// renders the result as JSON or as a Table.

const HANDLERS: Readonly<Record<string, ResourceHandlers>> = {
  imagestreams: storedResourceHandlers(imageStreamStrategy),
  images: storedResourceHandlers(imageStrategy),
  namespaces: storedResourceHandlers(namespaceStrategy, namespaceHooks),
  secrets: storedResourceHandlers(secretStrategy),
  serviceaccounts: {
    ...storedResourceHandlers(serviceAccountStrategy),
    subresources: { token: { create: createTokenRequest } },
  },
  imagestreamtags: imageStreamTagHandlers,
  imagestreamimages: imageStreamImageHandlers,
  imagestreamimports: { verbs: { create: createImageStreamImport } },
}

/** The 404 of a path that names nothing this API serves. */
export function pathNotFound(): AppError {
  return new AppError(Reason.NotFound, 'the server could not find the requested resource')
}

function handlerFor(
  resource: ResourceInfo,
  verb: string,
  subresource: string | undefined
): Handler {
  const handlers = HANDLERS[resource.plural]
  if (handlers === undefined) throw pathNotFound()
  if (subresource !== undefined) {
    const sub = handlers.subresources?.[subresource]
    if (sub === undefined) throw pathNotFound()
    const h = sub[verb]
    if (h === undefined) throw methodNotAllowed()
    return h
  }
  const h = handlers.verbs[verb]
  if (h === undefined || !resource.verbs.includes(verb)) throw methodNotAllowed()
  return h
}

/** Serves one request under /api or /apis for an authenticated caller. */
export async function serveResource(
  request: Request,
  deps: ApiDeps,
  identity: Identity
): Promise<Response> {
  const url = new URL(request.url)
  const parsed = parseRequestInfo(request.method, url.pathname, url.searchParams)
  if (parsed.methodMismatch === true) throw methodNotAllowed()
  const info = parsed.info
  if (info === undefined) throw pathNotFound()
  authorize(identity, {
    verb: info.verb,
    resource: info.resource,
    subresource: info.subresource,
    // A namespace object is in its own namespace, for authorization.
    namespace: info.resource.plural === 'namespaces' ? info.name : info.namespace,
    name: info.name,
  })
  const handler = handlerFor(info.resource, info.verb, info.subresource)
  const ctx: RequestContext = {
    deps,
    identity,
    request,
    query: url.searchParams,
    info,
    signal: request.signal,
    warnings: [],
  }
  const result = await handler(ctx)
  return render(ctx, result)
}

function render(ctx: RequestContext, result: ApiResult): Response {
  if (result.type === 'response') return result.response
  const format =
    ctx.info.verb === 'get' || ctx.info.verb === 'list'
      ? negotiateFormat(ctx.request.headers.get('accept'))
      : ({ kind: 'json' } as const)
  const o = { warnings: ctx.warnings }
  if (result.type === 'object') {
    if (format.kind === 'table' && result.object.kind !== 'Status') {
      const table = buildTable({
        plural: ctx.info.resource.plural,
        items: [result.object],
        nowMs: ctx.deps.clock.now(),
        includeObject: parseIncludeObject(ctx.query),
        version: format.version,
      })
      return jsonResponse(result.code, table, {
        ...o,
        contentType: tableContentType(format.version),
      })
    }
    return jsonResponse(result.code, result.object, o)
  }
  const listMeta = {
    resourceVersion: result.resourceVersion,
    ...(result.continue === undefined ? {} : { continue: result.continue }),
  }
  if (format.kind === 'table') {
    const table = buildTable({
      plural: ctx.info.resource.plural,
      items: result.items,
      nowMs: ctx.deps.clock.now(),
      includeObject: parseIncludeObject(ctx.query),
      version: format.version,
      listMeta,
    })
    return jsonResponse(200, table, { ...o, contentType: tableContentType(format.version) })
  }
  return jsonResponse(200, listBody(ctx.info.resource, result.items, listMeta), o)
}

function tableContentType(version: string): string {
  return `application/json;as=Table;v=${version};g=meta.k8s.io`
}
