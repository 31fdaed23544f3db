import { createHash, type Hash, randomUUID } from 'node:crypto'
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
} from 'node:fs/promises'
import { join } from 'node:path'
import { type Digest, digestAlgorithm, isDigest } from '../oci/digest.js'
import { type Clock, systemClock } from '../shared/clock.js'
import { AppError, Reason } from '../shared/errors.js'

/** A stored blob. */
export type BlobInfo = {
  readonly digest: Digest
  readonly size: number
}

/** An inclusive byte range (`Range: bytes=start-end`). */
export type ByteRange = {
  readonly start: number
  readonly end: number
}

/** A blob opened for reading: its size and a stream of the requested bytes. */
export type BlobReader = {
  readonly size: number
  readonly stream: ReadableStream<Uint8Array>
}

/** A point of a BlobWriter to roll back to (a failed PATCH of a chunked upload). */
export type WriterMark = {
  readonly size: number
  readonly hash: Hash
}

/**
 * BlobWriter writes one blob into a temporary file while hashing it; nothing is visible in the store until
 * commit has verified the digest. Writes must not overlap (await each one).
 */
export type BlobWriter = {
  /** The temporary file; readers may follow it while it grows (pull-through). */
  readonly path: string
  /** Bytes written so far (counting writes still in progress). */
  readonly size: number
  /**
   * Appends chunks; resolves once the file has them (this is the back-pressure). The position and the hash
   * are taken when called, so a caller may start the next write before the previous one resolved (writes
   * land in call order); several chunks go down in one `writev`, with no copy.
   */
  write(chunk: Uint8Array | readonly Uint8Array[]): Promise<void>
  /** Remembers the current size and hash state. */
  mark(): WriterMark
  /** Truncates to a mark and restores its hash state. */
  rollback(mark: WriterMark): Promise<void>
  /**
   * Verifies that what was written has this digest (and size, when given), then fsyncs and renames it into
   * place. Throws BlobIntegrityError and discards the file on a mismatch.
   */
  commit(digest: Digest, o?: CommitOptions): Promise<BlobInfo>
  /** Discards the temporary file. Idempotent; a no-op after commit. */
  abort(): Promise<void>
}

/** Options of BlobWriter.commit. */
export type CommitOptions = {
  readonly expectedSize?: number
  /**
   * Called once the content is known to match the digest, before the (slow, for a large blob) fsync: what
   * was written may be released to readers from then on, even if storing it fails afterwards.
   */
  readonly onVerified?: () => void
}

/** What gc and evict removed. */
export type BlobRemoval = {
  readonly removed: readonly Digest[]
  readonly freedBytes: number
}

/** A stored blob as BlobStore.list reports it. */
export type StoredBlob = BlobInfo & {
  /** How long ago it was written, by the store's clock. */
  readonly ageMs: number
}

/** Options of BlobStore.gc. */
export type BlobGcOptions = {
  /** Blobs for which this returns false are deleted. */
  readonly isNeeded: (digest: Digest) => boolean | Promise<boolean>
  /** Spares blobs written less than this long ago (a push may be between blob and manifest); default 1 h. */
  readonly minAgeMs?: number
  readonly signal?: AbortSignal
}

/** Options of BlobStore.evict. */
export type BlobEvictOptions = {
  /** Evicts until the store holds at most this many bytes (or nothing evictable is left). */
  readonly maxBytes: number
  /** Blobs for which this returns true are never evicted (content only this registry has). */
  readonly isPinned: (digest: Digest) => boolean
}

/**
 * BlobStore keeps content-addressed blobs (layers, configs and the exact bytes of manifests). A blob is only
 * ever visible complete and verified: writers go to a temporary file that is renamed into place after its
 * digest matched. Readers see a blob as it was when they opened it, even if it is deleted meanwhile.
 */
export type BlobStore = {
  /** The directory the store lives in; repository links live next to the blobs. */
  readonly dir: string
  stat(digest: Digest): Promise<BlobInfo | undefined>
  /** Opens a blob (or a range of it) for streaming; undefined when absent. Counts as a use for LRU. */
  open(digest: Digest, range?: ByteRange): Promise<BlobReader | undefined>
  /** Reads a small blob into memory; undefined when absent; throws when larger than maxBytes. */
  readBytes(digest: Digest, maxBytes: number): Promise<Uint8Array | undefined>
  /** Stores small content (manifests); the digest is verified. */
  putBytes(digest: Digest, bytes: Uint8Array): Promise<BlobInfo>
  /** Starts writing a blob; `algorithm` is the hash computed while writing (default sha256). */
  createWriter(o?: { readonly algorithm?: string }): Promise<BlobWriter>
  /** Deletes a blob; false when it was not there. */
  delete(digest: Digest): Promise<boolean>
  /** Evicts least-recently-used, unpinned blobs until the store fits maxBytes. */
  evict(o: BlobEvictOptions): Promise<BlobRemoval>
  /** Deletes every blob that is not needed. */
  gc(o: BlobGcOptions): Promise<BlobRemoval>
  /** The stored blobs, in no particular order (what pruning plans with). */
  list(): Promise<readonly StoredBlob[]>
  /** Bytes and blobs currently stored. */
  usage(): { readonly bytes: number; readonly blobs: number }
}

/** A blob whose content did not match its digest or size. */
export class BlobIntegrityError extends AppError {
  override readonly name: string = 'BlobIntegrityError'
  readonly code: 'DIGEST_MISMATCH' | 'SIZE_MISMATCH'

  constructor(code: 'DIGEST_MISMATCH' | 'SIZE_MISMATCH', message: string) {
    super(Reason.BadRequest, message)
    this.code = code
  }
}

/** Reports whether err is a BlobIntegrityError (by name, not class). */
export function isBlobIntegrityError(err: unknown): err is BlobIntegrityError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'BlobIntegrityError'
  )
}

/** Options of DiskBlobStore.open. */
export type DiskBlobStoreOptions = {
  readonly dir: string
  readonly clock?: Clock
}

const READ_CHUNK = 1024 * 1024
const DEFAULT_GC_MIN_AGE_MS = 60 * 60_000

// `use` orders uses that fall in the same clock millisecond, so LRU order never depends on timing.
type Entry = { size: number; lastUsed: number; use: number; written: number }

/**
 * DiskBlobStore is the BlobStore of the data directory: `blobs/<alg>/<2 hex>/<hex>` files, temporary files
 * under `tmp/` (removed at open: whatever is there was interrupted), and an in-memory index of sizes and last
 * use for LRU eviction.
 */
export class DiskBlobStore implements BlobStore {
  readonly dir: string
  readonly #clock: Clock
  readonly #index = new Map<Digest, Entry>()
  #uses = 0
  #bytes = 0

  private constructor(dir: string, clock: Clock) {
    this.dir = dir
    this.#clock = clock
  }

  /** Opens (creating) the store in dir and indexes what it holds. */
  static async open(o: DiskBlobStoreOptions): Promise<DiskBlobStore> {
    const store = new DiskBlobStore(o.dir, o.clock ?? systemClock)
    await rm(join(o.dir, 'tmp'), { recursive: true, force: true })
    await mkdir(join(o.dir, 'tmp'), { recursive: true })
    await mkdir(join(o.dir, 'blobs'), { recursive: true })
    await store.#scan()
    return store
  }

  async #scan(): Promise<void> {
    const root = join(this.dir, 'blobs')
    for (const algorithm of await readdir(root)) {
      for (const prefix of await readdir(join(root, algorithm))) {
        for (const hex of await readdir(join(root, algorithm, prefix))) {
          const digest = `${algorithm}:${hex}`
          if (!isDigest(digest)) continue
          const st = await stat(join(root, algorithm, prefix, hex))
          this.#remember(digest, st.size, st.mtimeMs)
        }
      }
    }
  }

  #touch(entry: Entry): void {
    entry.lastUsed = this.#clock.now()
    entry.use = ++this.#uses
  }

  #remember(digest: Digest, size: number, written: number): void {
    const old = this.#index.get(digest)
    if (old !== undefined) this.#bytes -= old.size
    this.#index.set(digest, { size, lastUsed: this.#clock.now(), use: ++this.#uses, written })
    this.#bytes += size
  }

  #forget(digest: Digest): void {
    const old = this.#index.get(digest)
    if (old === undefined) return
    this.#bytes -= old.size
    this.#index.delete(digest)
  }

  #path(digest: Digest): string {
    // NB: only validated digests reach a path (CVE-2014-9358, CVE-2024-3727).
    if (!isDigest(digest)) throw new AppError(Reason.BadRequest, 'invalid digest')
    const algorithm = digestAlgorithm(digest)
    const hex = digest.slice(algorithm.length + 1)
    return join(this.dir, 'blobs', algorithm, hex.slice(0, 2), hex)
  }

  async stat(digest: Digest): Promise<BlobInfo | undefined> {
    const entry = this.#index.get(digest)
    if (entry !== undefined) return { digest, size: entry.size }
    return undefined
  }

  async open(digest: Digest, range?: ByteRange): Promise<BlobReader | undefined> {
    let fh: FileHandle
    try {
      fh = await open(this.#path(digest), 'r')
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') {
        this.#forget(digest)
        return undefined
      }
      throw err
    }
    const size = (await fh.stat()).size
    const entry = this.#index.get(digest)
    if (entry !== undefined) this.#touch(entry)
    const start = range?.start ?? 0
    const end = range === undefined ? size : Math.min(range.end + 1, size)
    return { size, stream: fileRangeStream(fh, start, end) }
  }

  async readBytes(digest: Digest, maxBytes: number): Promise<Uint8Array | undefined> {
    const info = await this.stat(digest)
    if (info === undefined) return undefined
    if (info.size > maxBytes) {
      throw new AppError(
        Reason.BadRequest,
        `blob ${digest} has ${info.size} bytes, more than the limit of ${maxBytes}`
      )
    }
    try {
      const bytes = await readFile(this.#path(digest))
      const entry = this.#index.get(digest)
      if (entry !== undefined) this.#touch(entry)
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') {
        this.#forget(digest)
        return undefined
      }
      throw err
    }
  }

  async putBytes(digest: Digest, bytes: Uint8Array): Promise<BlobInfo> {
    const existing = await this.stat(digest)
    if (existing !== undefined) return existing
    const writer = await this.createWriter({ algorithm: digestAlgorithm(digest) })
    try {
      await writer.write(bytes)
      return await writer.commit(digest, { expectedSize: bytes.byteLength })
    } finally {
      await writer.abort()
    }
  }

  async createWriter(o: { readonly algorithm?: string } = {}): Promise<BlobWriter> {
    const path = join(this.dir, 'tmp', randomUUID())
    const fh = await open(path, 'wx+')
    const algorithm = o.algorithm ?? 'sha256'
    let hash = createHash(algorithm)
    let size = 0
    let state: 'open' | 'committed' | 'aborted' = 'open'
    const finish = async (): Promise<void> => {
      await fh.close().catch(() => undefined)
    }
    const writer: BlobWriter = {
      path,
      get size() {
        return size
      },
      write: async (chunk) => {
        if (state !== 'open') throw new AppError(Reason.InternalError, 'blob writer is closed')
        const chunks = Array.isArray(chunk)
          ? (chunk as readonly Uint8Array[])
          : [chunk as Uint8Array]
        const at = size
        let length = 0
        for (const c of chunks) {
          hash.update(c)
          length += c.byteLength
        }
        size += length
        const { bytesWritten } = await fh.writev(chunks as Uint8Array[], at)
        // A short write (rare on regular files) is finished chunk by chunk.
        let done = bytesWritten
        let position = at
        for (const c of chunks) {
          let offset = Math.min(done, c.byteLength)
          done -= offset
          while (offset < c.byteLength) {
            const r = await fh.write(c, offset, c.byteLength - offset, position + offset)
            offset += r.bytesWritten
          }
          position += c.byteLength
        }
      },
      mark: () => ({ size, hash: hash.copy() }),
      rollback: async (mark) => {
        await fh.truncate(mark.size)
        size = mark.size
        hash = mark.hash.copy()
      },
      commit: async (digest, co = {}) => {
        if (state !== 'open') throw new AppError(Reason.InternalError, 'blob writer is closed')
        try {
          if (co.expectedSize !== undefined && co.expectedSize !== size) {
            throw new BlobIntegrityError(
              'SIZE_MISMATCH',
              `blob ${digest} has ${size} bytes, expected ${co.expectedSize}`
            )
          }
          const computed =
            digestAlgorithm(digest) === algorithm
              ? (`${algorithm}:${hash.copy().digest('hex')}` as Digest)
              : await hashFile(fh, size, digestAlgorithm(digest))
          if (computed !== digest) {
            throw new BlobIntegrityError(
              'DIGEST_MISMATCH',
              `the content does not match digest ${digest} (computed ${computed})`
            )
          }
          co.onVerified?.()
          await fh.sync()
          await finish()
          const target = this.#path(digest)
          await mkdir(join(target, '..'), { recursive: true })
          await rename(path, target)
          await syncDir(join(target, '..'))
          state = 'committed'
          this.#remember(digest, size, this.#clock.now())
          return { digest, size }
        } catch (err) {
          await writer.abort()
          throw err
        }
      },
      abort: async () => {
        if (state !== 'open') return
        state = 'aborted'
        await finish()
        await unlink(path).catch(() => undefined)
      },
    }
    return writer
  }

  async delete(digest: Digest): Promise<boolean> {
    this.#forget(digest)
    try {
      await unlink(this.#path(digest))
      return true
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return false
      throw err
    }
  }

  async evict(o: BlobEvictOptions): Promise<BlobRemoval> {
    const removed: Digest[] = []
    let freedBytes = 0
    if (this.#bytes <= o.maxBytes) return { removed, freedBytes }
    const candidates = [...this.#index.entries()]
      .filter(([d]) => !o.isPinned(d))
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed || a.use - b.use)
    for (const [digest, entry] of candidates) {
      if (this.#bytes <= o.maxBytes) break
      // NB: readers that already opened the file keep reading it (POSIX unlink semantics).
      if (await this.delete(digest)) {
        removed.push(digest)
        freedBytes += entry.size
      }
    }
    return { removed, freedBytes }
  }

  async gc(o: BlobGcOptions): Promise<BlobRemoval> {
    const minAge = o.minAgeMs ?? DEFAULT_GC_MIN_AGE_MS
    const now = this.#clock.now()
    const removed: Digest[] = []
    let freedBytes = 0
    for (const [digest, entry] of [...this.#index.entries()]) {
      o.signal?.throwIfAborted()
      if (now - entry.written < minAge) continue
      if (await o.isNeeded(digest)) continue
      if (await this.delete(digest)) {
        removed.push(digest)
        freedBytes += entry.size
      }
    }
    return { removed, freedBytes }
  }

  async list(): Promise<readonly StoredBlob[]> {
    const now = this.#clock.now()
    return [...this.#index].map(([digest, e]) => ({ digest, size: e.size, ageMs: now - e.written }))
  }

  usage(): { readonly bytes: number; readonly blobs: number } {
    return { bytes: this.#bytes, blobs: this.#index.size }
  }
}

/**
 * A pull-based stream of bytes [start, end) of an open file: one chunk is read per pull, so a slow reader
 * holds at most one chunk in memory. Closes the file when done or cancelled.
 */
export function fileRangeStream(
  fh: FileHandle,
  start: number,
  end: number
): ReadableStream<Uint8Array> {
  let position = start
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await fh.close().catch(() => undefined)
  }
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const want = Math.min(READ_CHUNK, end - position)
        if (want <= 0) {
          await close()
          controller.close()
          return
        }
        const buf = new Uint8Array(want)
        const { bytesRead } = await fh.read(buf, 0, want, position)
        if (bytesRead === 0) {
          await close()
          controller.error(new AppError(Reason.InternalError, 'blob file ended early'))
          return
        }
        position += bytesRead
        controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead))
      },
      cancel: close,
    },
    { highWaterMark: 0 }
  )
}

async function hashFile(fh: FileHandle, size: number, algorithm: string): Promise<Digest> {
  const hash = createHash(algorithm)
  const buf = new Uint8Array(READ_CHUNK)
  for (let pos = 0; pos < size; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(READ_CHUNK, size - pos), pos)
    if (bytesRead === 0) break
    hash.update(buf.subarray(0, bytesRead))
    pos += bytesRead
  }
  return `${algorithm}:${hash.digest('hex')}` as Digest
}

async function syncDir(dir: string): Promise<void> {
  // The rename is only durable once the directory entry is; some filesystems refuse fsync on a directory.
  const fh = await open(dir, 'r').catch(() => undefined)
  if (fh === undefined) return
  try {
    await fh.sync()
  } catch {
    // Not supported here (e.g. some network filesystems): the rename stays best effort.
  } finally {
    await fh.close()
  }
}
