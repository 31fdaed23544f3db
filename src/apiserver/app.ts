/**
 * @module
 * The Kubernetes-style REST API of image streams as a Hono app: discovery, OpenAPI v3, and the
 * resources of src/api/scheme.ts, with bearer-token authentication and per-namespace authorization.
 */

import type { Context } from 'hono'
import { Hono } from 'hono'
import { logRequest, requestIdFrom } from '../observability/request-log.js'
import { noopLogger } from '../shared/log.js'
import { authenticate, type Identity } from './authn.js'
import type { ApiDeps } from './deps.js'
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  servesGroupVersion,
  versionInfo,
} from './discovery.js'
import { openApiDocument, openApiIndex } from './openapi.js'
import { pathNotFound, serveResource } from './resource-router.js'
import { jsonResponse } from './response.js'
import { renderStatus } from './status-error.js'

/** Paths this app answers; a parent app that mounts it should send its own 404s elsewhere. */
export const API_PATH_PREFIXES = ['/api', '/apis', '/openapi', '/version'] as const

/** Renders an error as the Status response the API sends; unexpected errors are logged, not shown. */
export function errorResponse(
  err: unknown,
  deps: Pick<ApiDeps, 'logger'>,
  request?: Request
): Response {
  const { code, status } = renderStatus(err)
  if (code >= 500) {
    deps.logger.error('request failed', {
      method: request?.method,
      path: request === undefined ? undefined : new URL(request.url).pathname,
      error: err instanceof Error ? err.message : String(err),
    })
  }
  return jsonResponse(code, status)
}

/** The Status 404 of a path outside the API, for a parent app's notFound handler. */
export function apiNotFound(): Response {
  return errorResponse(pathNotFound(), { logger: noopLogger })
}

/**
 * Creates the API app. Every route but /version requires `Authorization: Bearer <token>` (the admin
 * token or a service-account token); failures are metav1.Status documents.
 */
export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono()
  const users = new WeakMap<Request, string>()

  const identify = async (c: Context): Promise<Identity> => {
    const identity = await authenticate(c.req.raw.headers, deps, c.req.raw.signal)
    users.set(c.req.raw, identity.user)
    return identity
  }

  // One access-log line per request; never headers or bodies (tokens and secret data live there).
  // The request id (the client's X-Request-Id when well-formed, else a new one) is echoed back, so a
  // user's report can be matched with the server's line.
  const log = async (c: Context, next: () => Promise<void>): Promise<void> => {
    const started = deps.clock.now()
    const requestId = requestIdFrom(c.req.header('x-request-id'))
    await next()
    c.res.headers.set('x-request-id', requestId)
    logRequest(deps.logger, {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      user: users.get(c.req.raw) ?? '',
      durationMs: deps.clock.now() - started,
    })
  }
  // NB: `/api/*` also matches `/api` itself.
  for (const prefix of API_PATH_PREFIXES) app.use(`${prefix}/*`, log)

  app.onError((err, c) => errorResponse(err, deps, c.req.raw))
  app.notFound(async (c) => {
    await identify(c)
    return errorResponse(pathNotFound(), deps, c.req.raw)
  })

  app.get('/version', () => jsonResponse(200, versionInfo()))

  app.get('/api', async (c) => {
    await identify(c)
    return jsonResponse(200, apiVersions(new URL(c.req.url).host))
  })
  app.get('/apis', async (c) => {
    await identify(c)
    return jsonResponse(200, apiGroupList())
  })
  app.get('/api/v1', async (c) => {
    await identify(c)
    return jsonResponse(200, apiResourceList('', 'v1'))
  })
  app.get('/apis/:group/:version', async (c) => {
    await identify(c)
    const { group, version } = c.req.param()
    if (!servesGroupVersion(group, version)) throw pathNotFound()
    return jsonResponse(200, apiResourceList(group, version))
  })

  app.get('/openapi/v3', async (c) => {
    await identify(c)
    return jsonResponse(200, openApiIndex())
  })
  app.get('/openapi/v3/*', async (c) => {
    await identify(c)
    const path = c.req.path.slice('/openapi/v3/'.length)
    const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path)
    const group = m?.[2] ?? ''
    const version = m?.[1] ?? m?.[3] ?? ''
    const doc = m === null ? undefined : openApiDocument(group, version)
    if (doc === undefined) throw pathNotFound()
    return jsonResponse(200, doc)
  })
  // kubectl is content with v3; v2 is not served.
  app.get('/openapi/v2', async (c) => {
    await identify(c)
    throw pathNotFound()
  })

  const resources = async (c: Context): Promise<Response> => {
    const identity = await identify(c)
    return serveResource(c.req.raw, deps, identity)
  }
  app.all('/openapi/*', async (c) => {
    await identify(c)
    throw pathNotFound()
  })
  app.all('/api/*', resources)
  app.all('/apis/*', resources)
  return app
}
