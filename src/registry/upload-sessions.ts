import { randomUUID } from 'node:crypto'
import type { Clock } from '../shared/clock.js'
import type { BlobStore, BlobWriter } from './blob-store.js'
import { OciError, OciErrorCode, uploadUnknown } from './errors.js'

/** One blob upload in progress (a `<blob-push-location>`). */
export type UploadSession = {
  readonly id: string
  /** `<namespace>/<stream>` it was started for. */
  readonly repository: string
  /** Who started it (describeIdentity); nobody else may continue it. */
  readonly owner: string
  readonly writer: BlobWriter
  lastUsed: number
  /** A PATCH or PUT is writing: concurrent requests on the session are refused. */
  busy: boolean
}

/** Options of UploadSessions. */
export type UploadSessionsOptions = {
  readonly blobStore: BlobStore
  readonly clock: Clock
  /** Idle sessions are discarded after this long; default 1 h (distribution purges stale uploads too). */
  readonly idleMs?: number
  /** Most sessions at once; default 1000. */
  readonly maxSessions?: number
}

/**
 * UploadSessions keeps the uploads in progress: a temporary file of the blob store each, in memory (an
 * upload does not survive a restart; clients start over). Sessions are bound to their repository and to the
 * identity that started them (registry-protocol §5.7), and their ids are random UUIDs.
 */
export class UploadSessions {
  readonly #blobStore: BlobStore
  readonly #clock: Clock
  readonly #idleMs: number
  readonly #max: number
  readonly #sessions = new Map<string, UploadSession>()

  constructor(o: UploadSessionsOptions) {
    this.#blobStore = o.blobStore
    this.#clock = o.clock
    this.#idleMs = o.idleMs ?? 60 * 60_000
    this.#max = o.maxSessions ?? 1000
  }

  /** Starts a session; 429 when too many are open. */
  async start(repository: string, owner: string): Promise<UploadSession> {
    await this.#purge()
    if (this.#sessions.size >= this.#max) {
      throw new OciError({
        status: 429,
        code: OciErrorCode.TooManyRequests,
        message: 'too many uploads in progress',
        headers: { 'retry-after': '60' },
      })
    }
    const session: UploadSession = {
      id: randomUUID(),
      repository,
      owner,
      writer: await this.#blobStore.createWriter(),
      lastUsed: this.#clock.now(),
      busy: false,
    }
    this.#sessions.set(session.id, session)
    return session
  }

  /** The session for an id, if it belongs to this repository and owner; else 404 BLOB_UPLOAD_UNKNOWN. */
  get(id: string, repository: string, owner: string): UploadSession {
    const s = this.#sessions.get(id)
    if (s === undefined || s.repository !== repository || s.owner !== owner) throw uploadUnknown()
    s.lastUsed = this.#clock.now()
    return s
  }

  /** Ends a session, discarding its file unless it was committed. */
  async end(session: UploadSession): Promise<void> {
    this.#sessions.delete(session.id)
    await session.writer.abort()
  }

  /** Open sessions (tests and metrics). */
  get size(): number {
    return this.#sessions.size
  }

  async #purge(): Promise<void> {
    const now = this.#clock.now()
    for (const s of [...this.#sessions.values()]) {
      if (!s.busy && now - s.lastUsed > this.#idleMs) await this.end(s)
    }
  }
}
