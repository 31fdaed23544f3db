import { RESOURCES, type ResourceInfo } from '../api/scheme.js'

// Request attributes as Kubernetes' RequestInfoFactory derives them from a URL:
//   /api/v1/<resource>[/<name>[/<subresource>]]
//   /api/v1/namespaces/<ns>/<resource>[/<name>[/<subresource>]]
//   /apis/<group>/<version>/... (the same two forms)
// A namespaced resource addressed without a namespace is the all-namespaces list (or watch).

/** The verbs of the authorization attributes. */
export type Verb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'

/** What a resource request is about. */
export type RequestInfo = {
  readonly resource: ResourceInfo
  /** The namespace of the URL; undefined for cluster-scoped kinds and all-namespaces requests. */
  readonly namespace: string | undefined
  readonly name: string | undefined
  readonly subresource: string | undefined
  readonly verb: Verb
}

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s)
  } catch {
    // Malformed percent-encoding names nothing we serve.
    return undefined
  }
}

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch')
  return w === 'true' || w === '1'
}

function verbFor(method: string, hasName: boolean, query: URLSearchParams): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (!hasName) return isWatch(query) ? 'watch' : 'list'
      return 'get'
    case 'POST':
      return 'create'
    case 'PUT':
      return hasName ? 'update' : undefined
    case 'PATCH':
      return hasName ? 'patch' : undefined
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection'
    default:
      return undefined
  }
}

/**
 * Parses the path of a resource request. Returns undefined for paths that name no resource of this API
 * (the caller answers 404) and for methods that make no sense on the path (the caller answers 405 when
 * `methodMismatch` is set).
 */
export function parseRequestInfo(
  method: string,
  pathname: string,
  query: URLSearchParams
): { info?: RequestInfo; methodMismatch?: boolean } {
  const raw = pathname.split('/').filter((s) => s !== '')
  const segments: string[] = []
  for (const s of raw) {
    const d = decodeSegment(s)
    if (d === undefined) return {}
    segments.push(d)
  }
  let group: string
  let version: string
  let rest: string[]
  if (segments[0] === 'api' && segments.length >= 2) {
    group = ''
    version = segments[1] ?? ''
    rest = segments.slice(2)
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1] ?? ''
    version = segments[2] ?? ''
    rest = segments.slice(3)
  } else {
    return {}
  }
  const find = (plural: string | undefined) =>
    RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural)

  let namespace: string | undefined
  let resource: ResourceInfo | undefined
  let tail: string[]
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3 ? find(rest[2]) : undefined
  if (namespaced?.namespaced === true) {
    namespace = rest[1]
    resource = namespaced
    tail = rest.slice(3)
  } else {
    resource = find(rest[0])
    tail = rest.slice(1)
  }
  if (resource === undefined || tail.length > 2) return {}
  const name = tail[0]
  const subresource = tail[1]
  // A namespaced kind named without its namespace does not exist as a URL.
  if (resource.namespaced && namespace === undefined && name !== undefined) return {}
  const verb = verbFor(method, name !== undefined, query)
  if (verb === undefined) return { methodMismatch: true }
  // Across all namespaces one may only read.
  if (resource.namespaced && namespace === undefined && verb !== 'list' && verb !== 'watch') {
    return { methodMismatch: true }
  }
  return { info: { resource, namespace, name, subresource, verb } }
}
