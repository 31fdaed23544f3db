import { pipeline, type Readable, Transform } from 'node:stream'
import {
  computeDigest,
  type Digest,
  DigestHasher,
  digestAlgorithm,
  isDigest,
} from '../oci/digest.js'
import { computeManifestDigest } from '../oci/manifest-digest.js'
import { baseMediaType, MANIFEST_ACCEPT, MediaType } from '../oci/media-types.js'
import { isAppError, Reason } from '../shared/errors.js'
import { linkSignals } from './abort.js'
import { type OperationContext, sendAuthorized } from './auth.js'
import type { ClientContext, RepositoryTarget } from './context.js'
import {
  errorFromResponse,
  isRegistryError,
  RegistryError,
  RegistryErrorCode,
  scrubSecrets,
} from './errors.js'
import { allHeaders, firstHeader } from './headers.js'
import type { HttpResponse } from './http-transport.js'
import { checkContentLength, contentLength, readErrorBody, readLimited } from './limited-body.js'
import { parseNextLink } from './link-header.js'
import { isGenericContentType, resolveManifestMediaType } from './manifest-media-type.js'
import { parseRetryAfter } from './retry-after.js'

/** What a manifest HEAD tells: digest, media type and size. */
export type ManifestDescriptor = {
  readonly digest: Digest
  readonly mediaType: string
  readonly size: number
}

/** A fetched, digest-checked manifest: the exact bytes the registry served. */
export type FetchedManifest = {
  readonly digest: Digest
  readonly mediaType: string
  readonly bytes: Uint8Array
}

/** Options of blobGet. */
export type BlobGetOptions = {
  readonly signal?: AbortSignal
  /** Cap on the blob; default `limits.configBytes` (blobs are read into memory: configs, not layers). */
  readonly maxBytes?: number
  /** The descriptor's size: the blob must have exactly this many bytes. */
  readonly expectedSize?: number
}

/** Options of tagList. */
export type TagListOptions = {
  readonly signal?: AbortSignal
  /** `n` per page; registries may ignore it (distribution 2.8). */
  readonly pageSize?: number
}

/**
 * RemoteRepository reads one repository of a remote registry over the Distribution API v2. Every method
 * authenticates as needed, retries temporary failures, caps what it reads and verifies digests; failures are
 * RegistryErrors (see errors.ts) that never carry credentials or tokens.
 */
export type RemoteRepository = {
  /** Pings `GET /v2/` again (scheme and challenge), refreshing the cached endpoint. */
  ping(o: { signal?: AbortSignal }): Promise<void>
  /** HEADs a manifest by tag or digest; falls back to GET when HEAD is refused or says too little. */
  manifestHead(ref: string, o: { signal?: AbortSignal }): Promise<ManifestDescriptor>
  /** GETs a manifest by tag or digest, capped and digest-checked. */
  manifestGet(ref: string, o: { signal?: AbortSignal }): Promise<FetchedManifest>
  /** GETs a blob into memory, following redirects, verifying size and digest. */
  blobGet(digest: Digest, o: BlobGetOptions): Promise<Uint8Array>
  /** Lists all tags, following same-origin `Link` pages. */
  tagList(o: TagListOptions): Promise<string[]>
  /**
   * GETs a blob as a stream (layers of any size), following redirects. Resolves once the registry answered;
   * the body verifies size and digest as it flows and fails at its end (or as soon as it runs over the
   * expected size) instead of ending normally, so a reader that sees `end` has verified bytes. The caller
   * must read or destroy the body: the connection is held until then (within the client's timeout).
   */
  blobStream(digest: Digest, o: BlobStreamOptions): Promise<BlobStream>
}

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/
const MAX_TAG_PAGES = 10_000
const MANIFEST_ACCEPT_HEADER = MANIFEST_ACCEPT.join(', ')

/** Creates the RemoteRepository for a target over the client's shared context. */
export function createRemoteRepository(
  ctx: ClientContext,
  target: RepositoryTarget
): RemoteRepository {
  const repo = target.repository

  // Runs one operation: links the caller's signal to the client's, scrubs secrets from escaping errors.
  const run = async <T>(
    signal: AbortSignal | undefined,
    fn: (op: OperationContext) => Promise<T>
  ): Promise<T> => {
    const linked = linkSignals(signal, ctx.closeSignal)
    const op: OperationContext = { signal: linked.signal, secrets: new Set() }
    try {
      return await fn(op)
    } catch (err) {
      throw scrubSecrets(err, op.secrets)
    } finally {
      linked.dispose()
    }
  }

  const manifestPath = (ref: string): string => {
    if (!isDigest(ref) && !TAG.test(ref)) {
      throw new RegistryError({
        code: RegistryErrorCode.InvalidRequest,
        reason: Reason.BadRequest,
        message: `invalid manifest reference ${JSON.stringify(ref.slice(0, 200))}: not a tag or a sha256/sha512 digest`,
      })
    }
    return `/v2/${repo}/manifests/${ref}`
  }

  const blobPath = (digest: Digest): string => `/v2/${repo}/blobs/${digest}`

  const statusError = async (method: string, res: HttpResponse): Promise<RegistryError> => {
    const body =
      method === 'HEAD' ? undefined : await readErrorBody(res.body, ctx.limits.errorBodyBytes)
    const retryAfterMs = parseRetryAfter(firstHeader(res.headers, 'retry-after'), ctx.clock.now())
    return errorFromResponse({
      method,
      url: res.url,
      status: res.status,
      ...(body === undefined ? {} : { body }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    })
  }

  // A GET must succeed and come unencoded (we ask for identity).
  const checkGetResponse = async (res: HttpResponse): Promise<void> => {
    if (res.status < 200 || res.status > 299) throw await statusError('GET', res)
    const encoding = firstHeader(res.headers, 'content-encoding')?.trim().toLowerCase()
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      throw new RegistryError({
        code: RegistryErrorCode.InvalidResponse,
        message: `unexpected Content-Encoding ${JSON.stringify(encoding)} (asked for identity)`,
        method: 'GET',
        url: res.url,
      })
    }
  }

  // Reads a GET body into memory under a cap, refusing early on a Content-Length over it.
  const readCapped = async (
    res: HttpResponse,
    limit: number,
    what: string
  ): Promise<Uint8Array> => {
    const o = { limit, what, method: 'GET', url: res.url }
    checkContentLength(res.headers, o)
    return await readLimited(res.body, o)
  }

  const manifestGet = (ref: string, op: OperationContext): Promise<FetchedManifest> => {
    const path = manifestPath(ref)
    return sendAuthorized(
      ctx,
      target,
      { method: 'GET', url: path, headers: { accept: MANIFEST_ACCEPT_HEADER } },
      async (res) => {
        await checkGetResponse(res)
        const bytes = await readCapped(res, ctx.limits.manifestBytes, 'manifest')
        const mediaType = resolveManifestMediaType({
          contentType: firstHeader(res.headers, 'content-type'),
          bytes,
          method: 'GET',
          url: res.url,
        })
        const digest = verifyManifestDigest({
          ref,
          bytes,
          mediaType,
          header: firstHeader(res.headers, 'docker-content-digest'),
          url: res.url,
        })
        return { digest, mediaType, bytes }
      },
      op
    )
  }

  const verifyManifestDigest = (o: {
    ref: string
    bytes: Uint8Array
    mediaType: string
    header: string | undefined
    url: URL
  }): Digest => {
    const integrity = (message: string): RegistryError => integrityError(message, o.url)
    const digestAs = (algorithm: string): Digest => {
      if (algorithm !== 'sha256') return computeDigest(o.bytes, algorithm)
      try {
        return computeManifestDigest(o.bytes, o.mediaType)
      } catch (err) {
        if (!isAppError(err)) throw err
        throw new RegistryError({
          code: RegistryErrorCode.InvalidResponse,
          message: err.message,
          method: 'GET',
          url: o.url,
          cause: err,
        })
      }
    }
    // By digest: the body must hash to what we asked for, whatever the headers say.
    if (isDigest(o.ref)) {
      const computed = digestAs(digestAlgorithm(o.ref))
      if (computed !== o.ref) {
        throw integrity(
          `the manifest retrieved with digest ${o.ref} does not match the digest calculated from the content ${computed}`
        )
      }
      return o.ref
    }
    // By tag: the digest is ours to compute; a well-formed header that disagrees is an error (schema 1
    // excepted: registries disagree on what its digest covers). A malformed header is never used.
    const computed = digestAs('sha256')
    const header = o.header?.trim()
    if (header === undefined || header === '') return computed
    if (!isDigest(header)) {
      ctx.logger.debug('ignoring malformed Docker-Content-Digest', { registry: target.registry })
      return computed
    }
    const schema1 =
      o.mediaType === MediaType.DockerSchema1 || o.mediaType === MediaType.DockerSchema1Signed
    if (schema1) return computed
    const algorithm = digestAlgorithm(header)
    const comparable = algorithm === 'sha256' ? computed : digestAs(algorithm)
    if (comparable !== header) {
      throw integrity(
        `the manifest retrieved for tag ${o.ref} has Docker-Content-Digest ${header} but the digest calculated from the content is ${comparable}`
      )
    }
    return computed
  }

  const manifestHead = async (ref: string, op: OperationContext): Promise<ManifestDescriptor> => {
    const path = manifestPath(ref)
    const head = await sendAuthorized(
      ctx,
      target,
      { method: 'HEAD', url: path, headers: { accept: MANIFEST_ACCEPT_HEADER } },
      async (res): Promise<ManifestDescriptor | undefined> => {
        // containerd: 405 means the registry has no HEAD; fall back to GET.
        if (res.status === 405) return undefined
        if (res.status < 200 || res.status > 299) throw await statusError('HEAD', res)
        const header = firstHeader(res.headers, 'docker-content-digest')?.trim()
        const size = contentLength(res.headers)
        const contentType = firstHeader(res.headers, 'content-type')
        // Too little to go on (or nothing trustworthy): GET and compute it ourselves.
        if (header === undefined || !isDigest(header) || size === undefined) return undefined
        if (isGenericContentType(contentType)) return undefined
        if (isDigest(ref) && header !== ref) {
          throw integrityError(
            `HEAD for digest ${ref} answered with Docker-Content-Digest ${header}`,
            res.url,
            'HEAD'
          )
        }
        if (size > ctx.limits.manifestBytes) {
          throw new RegistryError({
            code: RegistryErrorCode.TooLarge,
            message: `manifest too large: Content-Length ${size} exceeds the limit of ${ctx.limits.manifestBytes} bytes`,
            method: 'HEAD',
            url: res.url,
          })
        }
        return { digest: header, mediaType: baseMediaType(contentType), size }
      },
      op
    )
    if (head !== undefined) return head
    const m = await manifestGet(ref, op)
    return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.byteLength }
  }

  const blobGet = (
    digest: Digest,
    o: BlobGetOptions,
    op: OperationContext
  ): Promise<Uint8Array> => {
    checkBlobRequest(digest, o.expectedSize)
    const limit = o.maxBytes ?? ctx.limits.configBytes
    const expected = o.expectedSize
    if (expected !== undefined && expected > limit) {
      throw new RegistryError({
        code: RegistryErrorCode.TooLarge,
        message: `blob ${digest} too large: ${expected} bytes exceeds the limit of ${limit} bytes`,
      })
    }
    return sendAuthorized(
      ctx,
      target,
      { method: 'GET', url: blobPath(digest), followRedirects: true },
      async (res) => {
        await checkGetResponse(res)
        const integrity = (message: string): RegistryError => integrityError(message, res.url)
        checkBlobLength(res, digest, expected)
        const cap = expected ?? limit
        checkContentLength(res.headers, { limit: cap, what: 'blob', method: 'GET', url: res.url })
        const hasher = new DigestHasher(digestAlgorithm(digest))
        let bytes: Uint8Array
        try {
          bytes = await readLimited(res.body, {
            limit: cap,
            what: 'blob',
            method: 'GET',
            url: res.url,
            onChunk: (c) => hasher.update(c),
          })
        } catch (err) {
          if (expected !== undefined && isRegistryError(err, RegistryErrorCode.TooLarge)) {
            throw integrity(`the blob ${digest} is larger than its expected size ${expected}`)
          }
          throw err
        }
        if (expected !== undefined && bytes.byteLength !== expected) {
          throw integrity(
            `the blob ${digest} has ${bytes.byteLength} bytes, expected size ${expected}`
          )
        }
        const computed = hasher.digest()
        if (computed !== digest) {
          throw integrity(
            `the blob retrieved with digest ${digest} does not match the digest calculated from the content ${computed}`
          )
        }
        return bytes
      },
      op
    )
  }

  const tagList = async (o: TagListOptions, op: OperationContext): Promise<string[]> => {
    const pageSize = o.pageSize
    if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize <= 0)) {
      throw new RegistryError({
        code: RegistryErrorCode.InvalidRequest,
        reason: Reason.BadRequest,
        message: `invalid page size ${pageSize}`,
      })
    }
    const endpoint = await ctx.endpoint(target, op.signal)
    let url = new URL(`/v2/${repo}/tags/list`, endpoint.base)
    if (pageSize !== undefined) url.searchParams.set('n', String(pageSize))
    const seen = new Set<string>()
    const tags: string[] = []
    const known = new Set<string>()
    for (let page = 0; page < MAX_TAG_PAGES; page++) {
      seen.add(url.href)
      const pageUrl = url
      const { pageTags, next } = await sendAuthorized(
        ctx,
        target,
        { method: 'GET', url: pageUrl, headers: { accept: 'application/json' } },
        async (res) => {
          await checkGetResponse(res)
          const bytes = await readCapped(res, ctx.limits.tagListBytes, 'tag list')
          return {
            pageTags: parseTagList(bytes, res.url),
            next: parseNextLink(allHeaders(res.headers, 'link')),
          }
        },
        op
      )
      for (const t of pageTags) {
        if (!known.has(t)) {
          known.add(t)
          tags.push(t)
        }
      }
      if (next === undefined) return tags
      let nextUrl: URL
      try {
        nextUrl = new URL(next, pageUrl)
      } catch {
        ctx.logger.warn('ignoring malformed tag list Link', {
          registry: target.registry,
          repository: repo,
        })
        return tags
      }
      // Credentials and requests stay on the registry origin (registry-protocol §5.1).
      if (nextUrl.origin !== endpoint.base.origin) {
        ctx.logger.warn('ignoring tag list Link to another origin', {
          registry: target.registry,
          repository: repo,
          origin: nextUrl.origin,
        })
        return tags
      }
      if (seen.has(nextUrl.href)) {
        ctx.logger.warn('tag list Link loops; stopping', {
          registry: target.registry,
          repository: repo,
        })
        return tags
      }
      url = nextUrl
    }
    ctx.logger.warn('tag list has too many pages; stopping', {
      registry: target.registry,
      repository: repo,
    })
    return tags
  }

  const blobStream = (digest: Digest, o: BlobStreamOptions): Promise<BlobStream> => {
    try {
      checkBlobRequest(digest, o.expectedSize)
    } catch (err) {
      return Promise.reject(err)
    }
    const expected = o.expectedSize
    return new Promise<BlobStream>((resolve, reject) => {
      let handedOver = false
      run(o.signal, (op) =>
        sendAuthorized(
          ctx,
          target,
          { method: 'GET', url: blobPath(digest), followRedirects: true },
          async (res) => {
            await checkGetResponse(res)
            const length = checkBlobLength(res, digest, expected)
            const size = expected ?? length
            const body = blobVerifier({
              digest,
              expectedSize: size,
              url: res.url,
              verifyDigest: o.verify !== false,
            })
            handedOver = true
            resolve(size === undefined ? { body } : { size, body })
            // NB: never throw from here on: a retry would fetch the blob again for nobody. Failures reach the
            // caller through the body; the exchange ends when the body is consumed or destroyed.
            await new Promise<void>((done) => {
              pipeline(res.body, body, () => done())
            })
          },
          op
        )
      ).then(
        () => undefined,
        (err: unknown) => {
          if (!handedOver) reject(err)
        }
      )
    })
  }

  return {
    ping: (o) =>
      run(o.signal, async (op) => {
        await ctx.endpoint(target, op.signal, true)
      }),
    manifestHead: (ref, o) => run(o.signal, (op) => manifestHead(ref, op)),
    manifestGet: (ref, o) => run(o.signal, (op) => manifestGet(ref, op)),
    blobGet: (digest, o) => run(o.signal, (op) => blobGet(digest, o, op)),
    tagList: (o) => run(o.signal, (op) => tagList(o, op)),
    blobStream,
  }
}

function integrityError(message: string, url: URL, method = 'GET'): RegistryError {
  return new RegistryError({
    code: RegistryErrorCode.DigestMismatch,
    message: `content integrity error: ${message}`,
    method,
    url,
  })
}

// Refuses a malformed blob digest or expected size before any request.
function checkBlobRequest(digest: Digest, expected: number | undefined): void {
  if (!isDigest(digest)) {
    throw new RegistryError({
      code: RegistryErrorCode.InvalidRequest,
      reason: Reason.BadRequest,
      message: `invalid blob digest ${JSON.stringify(String(digest).slice(0, 200))}`,
    })
  }
  if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new RegistryError({
      code: RegistryErrorCode.InvalidRequest,
      reason: Reason.BadRequest,
      message: `invalid expected size ${expected} for blob ${digest}`,
    })
  }
}

// Returns a blob response's Content-Length, failing when it contradicts the expected size.
function checkBlobLength(
  res: HttpResponse,
  digest: Digest,
  expected: number | undefined
): number | undefined {
  const length = contentLength(res.headers)
  if (expected !== undefined && length !== undefined && length !== expected) {
    throw integrityError(
      `the blob ${digest} has Content-Length ${length}, expected size ${expected}`,
      res.url
    )
  }
  return length
}

function parseTagList(bytes: Uint8Array, url: URL): string[] {
  const invalid = (message: string): RegistryError =>
    new RegistryError({ code: RegistryErrorCode.InvalidResponse, message, method: 'GET', url })
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    throw invalid('tag list is not JSON')
  }
  if (typeof doc !== 'object' || doc === null) throw invalid('tag list is not a JSON object')
  const tags = (doc as { tags?: unknown }).tags
  // NB: distribution answers `"tags": null` for a repository without tags.
  if (tags === undefined || tags === null) return []
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw invalid('tag list "tags" is not an array of strings')
  }
  return tags
}

/** Options of blobStream. */
export type BlobStreamOptions = {
  readonly signal?: AbortSignal
  /** The descriptor's size: the blob must have exactly this many bytes. */
  readonly expectedSize?: number
  /**
   * Hash the body and fail it on a digest mismatch (default true). Set false only when the caller verifies
   * the digest itself before using the bytes (the registry's pull-through writes into a blob store that
   * verifies on commit): hashing a layer twice costs about a second per GiB. Sizes are checked either way.
   */
  readonly verify?: boolean
}

/** A blob being streamed: its size (from the descriptor or Content-Length) and the verifying body. */
export type BlobStream = {
  readonly size?: number
  readonly body: Readable
}

// Passes bytes through while counting (and, unless told not to, hashing) them; fails past the expected size
// and, at the end, on a size or digest mismatch.
function blobVerifier(o: {
  digest: Digest
  expectedSize: number | undefined
  url: URL
  verifyDigest: boolean
}): Transform {
  const hasher = new DigestHasher(digestAlgorithm(o.digest))
  let size = 0
  const integrity = (message: string): RegistryError => integrityError(message, o.url)
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength
      if (o.verifyDigest) hasher.update(chunk)
      if (o.expectedSize !== undefined && size > o.expectedSize) {
        callback(
          integrity(`the blob ${o.digest} is larger than its expected size ${o.expectedSize}`)
        )
        return
      }
      callback(null, chunk)
    },
    flush(callback) {
      if (o.expectedSize !== undefined && size !== o.expectedSize) {
        callback(
          integrity(`the blob ${o.digest} has ${size} bytes, expected size ${o.expectedSize}`)
        )
        return
      }
      if (!o.verifyDigest) {
        callback()
        return
      }
      const computed = hasher.digest()
      if (computed !== o.digest) {
        callback(
          integrity(
            `the blob retrieved with digest ${o.digest} does not match the digest calculated from the content ${computed}`
          )
        )
        return
      }
      callback()
    },
  })
}
