import { type Digest, isDigest } from '../oci/digest.js'
import type { ByteRange } from './blob-store.js'
import { findBlob } from './content.js'
import { type RegistryContext, requestSignal } from './context.js'
import { blobUnknown, digestInvalid, OciError, OciErrorCode, unsupported } from './errors.js'
import { RegistryAction } from './identity.js'
import { type RegistryServices, repositoryFor } from './services.js'

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-blobs

/** Serves `/v2/<name>/blobs/<digest>` for every method. */
export async function handleBlob(
  c: RegistryContext,
  svc: RegistryServices,
  name: string,
  rawDigest: string
): Promise<Response> {
  const method = c.req.method
  if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') throw unsupported()
  const action = method === 'DELETE' ? RegistryAction.Delete : RegistryAction.Pull
  const repo = await repositoryFor(c, svc, name, [action])
  if (!isDigest(rawDigest)) {
    throw digestInvalid(`invalid digest ${JSON.stringify(rawDigest.slice(0, 200))}`)
  }
  const digest: Digest = rawDigest
  if (method === 'DELETE') {
    // The content stays until pruning: other repositories may hold it too.
    if (!(await svc.manifests.unlinkBlob(repo, digest))) throw blobUnknown(digest)
    return new Response(null, { status: 202, headers: { 'content-length': '0' } })
  }

  const location = await findBlob(svc, repo, digest)
  if (location === undefined) throw blobUnknown(digest)
  const signal = requestSignal(c)
  const rangeHeader = c.req.header('range')
  let size: number
  if (location.kind === 'remote') {
    // Whole GETs stream while the blob arrives; HEAD and ranges wait until it is stored and verified.
    if (method === 'GET' && rangeHeader === undefined) {
      const got = await svc.pullThrough.blob(repo, digest, location.sources, signal)
      const headers = blobHeaders(digest)
      if (got.size !== undefined) headers['content-length'] = String(got.size)
      return new Response(got.stream, { status: 200, headers })
    }
    size = (await svc.pullThrough.fetch(repo, digest, location.sources, signal)).size
  } else {
    size = location.info.size
  }

  const range = parseRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    throw new OciError({
      status: 416,
      code: OciErrorCode.SizeInvalid,
      message: 'requested range not satisfiable',
      detail: { range: rangeHeader ?? '', size },
      headers: { 'content-range': `bytes */${size}` },
    })
  }
  const headers = blobHeaders(digest)
  const status = range === undefined ? 200 : 206
  const length = range === undefined ? size : range.end - range.start + 1
  headers['content-length'] = String(length)
  if (range !== undefined) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`
  if (method === 'HEAD') return new Response(null, { status, headers })
  const reader = await svc.blobStore.open(digest, range)
  if (reader === undefined) throw blobUnknown(digest)
  return new Response(reader.stream, { status, headers })
}

function blobHeaders(digest: Digest): Record<string, string> {
  return {
    'content-type': 'application/octet-stream',
    'docker-content-digest': digest,
    'accept-ranges': 'bytes',
    etag: `"${digest}"`,
  }
}

/**
 * Parses a `Range` header (RFC 9110 §14.1.2) for a blob of `size` bytes: undefined means the whole blob (no
 * header, another unit, or several ranges, which a server may ignore); `bytes=a-b`, `bytes=a-` and
 * `bytes=-n` give an inclusive range with the end clamped to the blob; a range starting past the end, an
 * empty suffix, `a-b` with b < a, or a malformed `bytes=` value are unsatisfiable (416).
 */
export function parseRange(
  header: string | undefined,
  size: number
): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const value = header.trim()
  if (!value.toLowerCase().startsWith('bytes=')) return undefined
  const spec = value.slice('bytes='.length).trim()
  if (spec.includes(',')) return undefined
  const m = /^(\d*)-(\d*)$/.exec(spec)
  if (m === null) return 'unsatisfiable'
  const [, a = '', b = ''] = m
  if (a === '' && b === '') return 'unsatisfiable'
  if (a === '') {
    const suffix = Number(b)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(a)
  if (start >= size) return 'unsatisfiable'
  if (b === '') return { start, end: size - 1 }
  const end = Number(b)
  if (end < start) return 'unsatisfiable'
  return { start, end: Math.min(end, size - 1) }
}
