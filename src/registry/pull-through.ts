import { type FileHandle, open } from 'node:fs/promises'
import { namespaceKeyring } from '../importer/namespace-keyring.js'
import { type Digest, digestAlgorithm } from '../oci/digest.js'
import { parseManifest } from '../oci/manifest.js'
import { raceSignal } from '../registry-client/abort.js'
import type { RegistryClient } from '../registry-client/client.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import { isRegistryError } from '../registry-client/errors.js'
import type { BlobStream } from '../registry-client/repository.js'
import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import type { BlobInfo, BlobStore, BlobWriter } from './blob-store.js'
import { OciError, OciErrorCode } from './errors.js'
import type { ManifestStore, StoredManifest } from './manifest-store.js'
import type { RepositoryName } from './names.js'
import type { UpstreamSource } from './upstream-sources.js'

/** What pull-through needs. */
export type PullThroughDeps = {
  readonly store: Store
  readonly client: RegistryClient
  readonly blobStore: BlobStore
  readonly manifests: ManifestStore
  readonly clock: Clock
  readonly logger: Logger
  readonly maxManifestBytes: number
  /** Evict least-recently-used cached blobs above this many bytes. */
  readonly cacheMaxBytes?: number | undefined
  /** Credentials tried after the namespace's pull secrets. */
  readonly nodeKeyring?: Keyring | undefined
}

const READ_CHUNK = 1024 * 1024
const WRITE_CHUNK = 1024 * 1024
// OpenShift's blobrepositorycachettl: which upstream repository a blob came from is remembered this long.
const SOURCE_MEMO_TTL_MS = 10 * 60_000
const SOURCE_MEMO_MAX = 10_000

type Deferred<T> = {
  readonly promise: Promise<T>
  readonly resolve: (v: T) => void
  readonly reject: (err: unknown) => void
}

function deferred<T>(): Deferred<T> {
  let resolve: (v: T) => void = () => undefined
  let reject: (err: unknown) => void = () => undefined
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  // Nobody may be waiting when it fails: keep the rejection handled.
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

type Flight = {
  readonly digest: Digest
  readonly abort: AbortController
  /** Settles once an upstream answered and the temporary file exists, or the fetch failed before that. */
  readonly started: Deferred<void>
  /** Settles once the blob is committed (verified) to the blob store, or the fetch failed. */
  readonly done: Deferred<BlobInfo>
  state: 'starting' | 'running' | 'done' | 'failed'
  /** The digest matched: every written byte may go to readers (the fsync and rename may still be running). */
  verified: boolean
  size: number | undefined
  writer: BlobWriter | undefined
  written: number
  error: unknown
  readers: number
  wake: (() => void)[]
}

/**
 * PullThrough fetches what a stream references but the registry does not hold yet, from the upstream
 * recorded in the stream's status, with the namespace's pull secrets (OpenShift's pullthrough manifest and
 * blob stores).
 *
 * Blobs, the miss path:
 *  1. Single flight: one upstream GET per digest, whoever asks; later readers join the running fetch.
 *  2. The upstream body goes to a temporary file of the blob store at the upstream's pace (back-pressure:
 *     each 1 MiB is written before more is read), hashed as it arrives; nothing more is held in memory.
 *  3. Readers follow the temporary file at their own pace, one chunk at a time, always one byte behind the
 *     writer: the last byte is only sent once the digest is verified (not waiting for the fsync), so no
 *     reader ever receives a complete body of wrong content. A mismatch (or an upstream failure) errors
 *     every reader's response and stores nothing.
 *  4. When every reader has gone before the end, the upstream fetch is aborted and the file discarded.
 *  5. After commit the blob is linked to the repository as cached content, and the cache is trimmed to its
 *     size bound (least recently used, never content only this registry has).
 */
export class PullThrough {
  readonly #deps: PullThroughDeps
  readonly #flights = new Map<Digest, Flight>()
  readonly #manifestFlights = new Map<Digest, Promise<StoredManifest>>()
  readonly #keyrings = new Map<string, { keyring: Promise<Keyring>; expires: number }>()
  readonly #memo = new Map<string, { source: UpstreamSource; expires: number }>()
  #evicting: Promise<void> | undefined

  constructor(deps: PullThroughDeps) {
    this.#deps = deps
  }

  /** The number of blob fetches in flight (for tests and metrics). */
  get inFlight(): number {
    return this.#flights.size
  }

  /**
   * Waits for the background work in progress: blob fetches (a verified blob's commit and link may outlive
   * its last reader), manifest fetches and a cache trim. For shutdown, before the store is closed.
   */
  async drain(): Promise<void> {
    for (;;) {
      const pending: Promise<unknown>[] = [
        ...[...this.#flights.values()].map((f) => f.done.promise),
        ...this.#manifestFlights.values(),
        ...(this.#evicting === undefined ? [] : [this.#evicting]),
      ]
      if (pending.length === 0) return
      await Promise.allSettled(pending)
    }
  }

  /**
   * Where a blob of a repository came from, when a manifest fetched through this registry named it lately
   * (so a blob request needs no scan of the stream's images).
   */
  rememberedSource(repo: RepositoryName, digest: Digest): UpstreamSource | undefined {
    const key = `${repo.name}@${digest}`
    const hit = this.#memo.get(key)
    if (hit === undefined) return undefined
    if (hit.expires < this.#deps.clock.now()) {
      this.#memo.delete(key)
      return undefined
    }
    return hit.source
  }

  /**
   * Fetches a manifest by digest from the first source that has it (verified by the client), stores its
   * exact bytes as cached content of the repository and remembers where its blobs come from.
   */
  async manifest(
    repo: RepositoryName,
    digest: Digest,
    sources: readonly UpstreamSource[],
    signal: AbortSignal
  ): Promise<StoredManifest> {
    let flight = this.#manifestFlights.get(digest)
    if (flight === undefined) {
      flight = this.#fetchManifest(repo, digest, sources)
      this.#manifestFlights.set(digest, flight)
      const forget = (): void => {
        this.#manifestFlights.delete(digest)
      }
      flight.then(forget, forget)
    }
    return raceSignal(flight, signal)
  }

  async #fetchManifest(
    repo: RepositoryName,
    digest: Digest,
    sources: readonly UpstreamSource[]
  ): Promise<StoredManifest> {
    const errors: unknown[] = []
    for (const source of sources) {
      try {
        const remote = await this.#remote(repo, source)
        const got = await remote.manifestGet(digest, {})
        const stored: StoredManifest = { digest, mediaType: got.mediaType, bytes: got.bytes }
        await this.#deps.manifests.putManifest(repo, stored, 'cache')
        this.#rememberBlobs(repo, stored, source)
        return stored
      } catch (err) {
        this.#deps.logger.debug('pull-through manifest fetch failed', {
          repository: repo.name,
          digest,
          upstream: `${source.registry}/${source.repository}`,
          error: err instanceof Error ? err.message : String(err),
        })
        errors.push(err)
      }
    }
    throw upstreamFailure('manifest', digest, errors)
  }

  #rememberBlobs(repo: RepositoryName, m: StoredManifest, source: UpstreamSource): void {
    let digests: Digest[]
    try {
      const parsed = parseManifest(m.bytes, m.mediaType)
      digests =
        parsed.kind === 'image'
          ? [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]
          : parsed.kind === 'index'
            ? parsed.manifests.map((c) => c.digest)
            : [...parsed.fsLayers]
    } catch {
      // Unparseable content is still served as it is; it just names no blobs.
      return
    }
    const expires = this.#deps.clock.now() + SOURCE_MEMO_TTL_MS
    for (const d of digests) {
      if (this.#memo.size >= SOURCE_MEMO_MAX) {
        const oldest = this.#memo.keys().next().value
        if (oldest !== undefined) this.#memo.delete(oldest)
      }
      this.#memo.set(`${repo.name}@${d}`, { source, expires })
    }
  }

  /**
   * Streams a blob that is not stored yet: starts (or joins) the single upstream fetch and returns once an
   * upstream answered, with the size when known. Throws OciError when no source has it.
   */
  async blob(
    repo: RepositoryName,
    digest: Digest,
    sources: readonly UpstreamSource[],
    signal: AbortSignal
  ): Promise<{ readonly size: number | undefined; readonly stream: ReadableStream<Uint8Array> }> {
    const flight = this.#join(repo, digest, sources)
    flight.readers++
    try {
      await raceSignal(flight.started.promise, signal)
    } catch (err) {
      this.#leave(flight)
      throw err
    }
    return { size: flight.size, stream: this.#follow(flight) }
  }

  /** Fetches a blob into the store (for HEAD and Range requests) and returns it once verified. */
  async fetch(
    repo: RepositoryName,
    digest: Digest,
    sources: readonly UpstreamSource[],
    signal: AbortSignal
  ): Promise<BlobInfo> {
    const flight = this.#join(repo, digest, sources)
    flight.readers++
    try {
      return await raceSignal(flight.done.promise, signal)
    } finally {
      this.#leave(flight)
    }
  }

  #join(repo: RepositoryName, digest: Digest, sources: readonly UpstreamSource[]): Flight {
    const existing = this.#flights.get(digest)
    if (existing !== undefined) return existing
    const flight: Flight = {
      digest,
      abort: new AbortController(),
      started: deferred<void>(),
      done: deferred<BlobInfo>(),
      state: 'starting',
      verified: false,
      size: undefined,
      writer: undefined,
      written: 0,
      error: undefined,
      readers: 0,
      wake: [],
    }
    this.#flights.set(digest, flight)
    this.#run(repo, flight, sources).then(flight.done.resolve, (err: unknown) => {
      flight.started.reject(err)
      flight.done.reject(err)
    })
    return flight
  }

  async #run(
    repo: RepositoryName,
    flight: Flight,
    sources: readonly UpstreamSource[]
  ): Promise<BlobInfo> {
    const digest = flight.digest
    let upstream: BlobStream | undefined
    try {
      // 1. The first source that answers.
      const errors: unknown[] = []
      for (const source of sources) {
        if (flight.abort.signal.aborted) break
        try {
          const remote = await this.#remote(repo, source)
          // NB: the blob store verifies the digest on commit, and readers get the last byte only after
          // that: hashing here as well would only double the CPU cost.
          upstream = await remote.blobStream(digest, { signal: flight.abort.signal, verify: false })
          break
        } catch (err) {
          errors.push(err)
        }
      }
      if (upstream === undefined) {
        if (flight.abort.signal.aborted) throw flight.abort.signal.reason
        throw upstreamFailure('blob', digest, errors)
      }
      // 2. Into a temporary file, hashed on the way.
      const writer = await this.#deps.blobStore.createWriter({ algorithm: digestAlgorithm(digest) })
      flight.writer = writer
      flight.size = upstream.size
      flight.state = 'running'
      flight.started.resolve()
      // Chunks are gathered to WRITE_CHUNK and handed to the file in one writev; the next MiB is read from
      // the upstream while the previous one is being written (at most one write in flight).
      let pending: Uint8Array[] = []
      let pendingBytes = 0
      let assigned = 0
      let writing: Promise<void> = Promise.resolve()
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return
        const chunks = pending
        pending = []
        pendingBytes = 0
        await writing
        assigned += chunks.reduce((n, c) => n + c.byteLength, 0)
        const end = assigned
        writing = writer.write(chunks).then(() => {
          flight.written = end
          wakeAll(flight)
        })
        // Awaited by the next flush; until then a failure must not count as unhandled.
        writing.catch(() => undefined)
      }
      for await (const chunk of upstream.body) {
        pending.push(chunk as Uint8Array)
        pendingBytes += (chunk as Uint8Array).byteLength
        if (pendingBytes >= WRITE_CHUNK) await flush()
      }
      await flush()
      await writing
      // 3. The body ended normally (the client checked its size); the store verifies the digest, and the
      //    held-back byte goes out as soon as it matches.
      const info = await writer.commit(digest, {
        ...(upstream.size === undefined ? {} : { expectedSize: upstream.size }),
        onVerified: () => {
          flight.verified = true
          wakeAll(flight)
        },
      })
      flight.size = info.size
      flight.state = 'done'
      wakeAll(flight)
      // 5. Link and trim.
      await this.#deps.manifests.linkBlob(repo, digest, 'cache')
      this.#trimCache()
      return info
    } catch (err) {
      flight.state = 'failed'
      flight.error = err
      wakeAll(flight)
      upstream?.body.destroy()
      await flight.writer?.abort()
      this.#deps.logger.warn('pull-through blob fetch failed', {
        repository: repo.name,
        digest,
        error: err instanceof Error ? err.message : String(err),
      })
      throw err
    } finally {
      this.#flights.delete(digest)
    }
  }

  #leave(flight: Flight): void {
    flight.readers--
    // 4. Nobody is waiting any more: stop fetching what nobody will read.
    const fetching = flight.state === 'starting' || flight.state === 'running'
    if (flight.readers <= 0 && fetching && !flight.verified) {
      flight.abort.abort(
        new OciError({
          status: 499,
          code: OciErrorCode.Unknown,
          message: 'every client went away before the blob was fetched',
        })
      )
    }
  }

  // A reader following the temporary file (or the committed blob) one chunk per pull.
  #follow(flight: Flight): ReadableStream<Uint8Array> {
    let fh: FileHandle | undefined
    let committed: ReadableStreamDefaultReader<Uint8Array> | undefined
    let position = 0
    let left = false
    const leave = async (): Promise<void> => {
      if (left) return
      left = true
      await fh?.close().catch(() => undefined)
      fh = undefined
      this.#leave(flight)
    }
    const openFile = async (): Promise<void> => {
      if (fh !== undefined || committed !== undefined) return
      const path = flight.writer?.path
      if (flight.state === 'running' && path !== undefined) {
        try {
          fh = await open(path, 'r')
          return
        } catch (err) {
          // Renamed by the commit a moment ago: read the committed blob instead.
          if ((err as { code?: unknown }).code !== 'ENOENT') throw err
        }
      }
      await flight.done.promise
      const reader = await this.#deps.blobStore.open(flight.digest, {
        start: position,
        end: Number.MAX_SAFE_INTEGER,
      })
      if (reader === undefined) throw new Error('pulled-through blob vanished from the store')
      committed = reader.stream.getReader()
    }
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            await openFile()
            for (;;) {
              if (committed !== undefined) {
                const next = await committed.read()
                if (next.done) {
                  await leave()
                  controller.close()
                } else controller.enqueue(next.value)
                return
              }
              // Verified bytes are good whatever happens to the store afterwards (a failed fsync).
              if (flight.state === 'failed' && !flight.verified) throw flight.error
              // NB: one byte is held back until the digest is verified.
              const limit = flight.verified ? flight.written : flight.written - 1
              if (position < limit && fh !== undefined) {
                const want = Math.min(READ_CHUNK, limit - position)
                const buf = new Uint8Array(want)
                const { bytesRead } = await fh.read(buf, 0, want, position)
                if (bytesRead > 0) {
                  position += bytesRead
                  controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead))
                  return
                }
              }
              if (flight.verified && position >= limit) {
                await leave()
                controller.close()
                return
              }
              await new Promise<void>((resolve) => flight.wake.push(resolve))
            }
          } catch (err) {
            await leave()
            controller.error(err)
          }
        },
        cancel: async () => {
          await committed?.cancel().catch(() => undefined)
          await leave()
        },
      },
      { highWaterMark: 0 }
    )
  }

  async #remote(repo: RepositoryName, source: UpstreamSource) {
    const keyring = await this.#keyring(repo.namespace)
    return this.#deps.client.repository({
      registry: source.registry,
      repository: source.repository,
      insecure: source.insecure,
      keyring,
    })
  }

  // The namespace's pull secrets (plus node credentials), rebuilt at most every 30 s.
  #keyring(namespace: string): Promise<Keyring> {
    const now = this.#deps.clock.now()
    const hit = this.#keyrings.get(namespace)
    if (hit !== undefined && hit.expires > now) return hit.keyring
    const keyring = namespaceKeyring({
      store: this.#deps.store,
      logger: this.#deps.logger,
      namespace,
      ...(this.#deps.nodeKeyring === undefined ? {} : { nodeKeyring: this.#deps.nodeKeyring }),
    })
    this.#keyrings.set(namespace, { keyring, expires: now + 30_000 })
    keyring.catch(() => this.#keyrings.delete(namespace))
    return keyring
  }

  #trimCache(): void {
    const max = this.#deps.cacheMaxBytes
    if (max === undefined || this.#evicting !== undefined) return
    if (this.#deps.blobStore.usage().bytes <= max) return
    this.#evicting = (async () => {
      try {
        const isPinned = await this.#deps.manifests.pinned()
        const { removed, freedBytes } = await this.#deps.blobStore.evict({
          maxBytes: max,
          isPinned,
        })
        if (removed.length > 0) {
          this.#deps.logger.info('evicted cached blobs', { count: removed.length, freedBytes })
        }
      } catch (err) {
        this.#deps.logger.warn('cache eviction failed', {
          error: err instanceof Error ? err.message : String(err),
        })
      } finally {
        this.#evicting = undefined
      }
    })()
  }
}

function wakeAll(flight: Flight): void {
  for (const w of flight.wake.splice(0)) w()
}

/**
 * The error for a fetch no source could serve: 429 TOOMANYREQUESTS when an upstream rate-limited us, 503
 * UNAVAILABLE when upstreams failed temporarily (down, timing out, 5xx), else 404 (unknown upstream too).
 */
export function upstreamFailure(
  what: 'manifest' | 'blob',
  digest: string,
  errors: readonly unknown[]
): OciError {
  const detail = errors.map((e) => (e instanceof Error ? e.message : String(e))).slice(0, 5)
  const limited = errors.find((e) => isRegistryError(e) && e.code === 'TOOMANYREQUESTS')
  if (limited !== undefined && isRegistryError(limited)) {
    const retryAfter = limited.retryAfterMs
    return new OciError({
      status: 429,
      code: OciErrorCode.TooManyRequests,
      message: `unable to pullthrough ${what}`,
      detail,
      ...(retryAfter === undefined
        ? {}
        : { headers: { 'retry-after': String(Math.ceil(retryAfter / 1000)) } }),
    })
  }
  if (errors.length > 0 && errors.every((e) => isRegistryError(e) && e.temporary)) {
    return new OciError({
      status: 503,
      code: OciErrorCode.Unavailable,
      message: `unable to pullthrough ${what}: upstream unavailable`,
      detail,
    })
  }
  return new OciError({
    status: 404,
    code: what === 'blob' ? OciErrorCode.BlobUnknown : OciErrorCode.ManifestUnknown,
    message: what === 'blob' ? 'blob unknown to registry' : 'manifest unknown',
    detail: { digest, upstream: detail },
  })
}
