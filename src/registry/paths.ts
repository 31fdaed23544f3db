/**
 * An endpoint of the Distribution API as named by a request path (the v1.1.1 table, registry-protocol §1.3).
 * Names and references are the raw path text; handlers validate them.
 */
export type Endpoint =
  | { readonly kind: 'base' }
  | { readonly kind: 'catalog' }
  | { readonly kind: 'tags'; readonly name: string }
  | { readonly kind: 'manifest'; readonly name: string; readonly reference: string }
  | { readonly kind: 'blob'; readonly name: string; readonly digest: string }
  | { readonly kind: 'uploads'; readonly name: string }
  | { readonly kind: 'upload'; readonly name: string; readonly id: string }
  | { readonly kind: 'referrers'; readonly name: string; readonly digest: string }
  | { readonly kind: 'unknown' }

// Tried in order; `(.+)` is greedy, so the endpoint is always the last matching suffix of the path.
const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/
const UPLOADS = /^\/v2\/(.+)\/blobs\/uploads\/?$/
const LEAF = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/
const TAGS = /^\/v2\/(.+)\/tags\/list$/

/**
 * Maps a raw request path (without query) to the endpoint it names, like distribution's router but without
 * cleaning the path first (so `/v2/a/../b/...` is a name `a/../b` that fails validation, never `b`).
 */
export function parseEndpoint(path: string): Endpoint {
  if (path === '/v2' || path === '/v2/') return { kind: 'base' }
  if (path === '/v2/_catalog') return { kind: 'catalog' }
  let m = UPLOAD.exec(path)
  if (m !== null) return { kind: 'upload', name: m[1] ?? '', id: m[2] ?? '' }
  m = UPLOADS.exec(path)
  if (m !== null) return { kind: 'uploads', name: m[1] ?? '' }
  m = TAGS.exec(path)
  if (m !== null) return { kind: 'tags', name: m[1] ?? '' }
  m = LEAF.exec(path)
  if (m !== null) {
    const name = m[1] ?? ''
    const leaf = m[3] ?? ''
    if (m[2] === 'manifests') return { kind: 'manifest', name, reference: leaf }
    if (m[2] === 'blobs') return { kind: 'blob', name, digest: leaf }
    return { kind: 'referrers', name, digest: leaf }
  }
  return { kind: 'unknown' }
}
