import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { AppError, isAppError, Reason } from '../shared/errors.js'
import {
  checkHistoryRetention,
  type EventRecord,
  type LocalBackend,
  type ScanRow,
  type Scope,
  type WriteRecord,
} from './local-backend.js'
import { LocalStore, type LocalStoreOptions } from './local-store.js'
import { formatKey, type KeyPosition, type ObjectKey } from './object-key.js'
import { isEncryptedEnvelope, type SecretEncryption } from './secret-encryption.js'
import { migrate } from './sqlite-schema.js'
import { WatchEventType } from './store.js'

/** Options of SqliteStore.open. */
export type SqliteStoreOptions = LocalStoreOptions & {
  /** The database file; created (with its directory, mode 0700) when missing. */
  readonly path: string
  /**
   * Encrypts the stored objects of `encryptedResources`, in the objects table and in the history.
   * Without it those objects are stored in plain text, and encrypted ones cannot be read.
   */
  readonly encryption?: SecretEncryption
  /** The resources whose objects are encrypted when `encryption` is set; default ['secrets']. */
  readonly encryptedResources?: readonly string[]
  /** Events kept for watches and continued lists; default 10,000. */
  readonly historyRetention?: number
}

/** How long open waits for a lock held elsewhere before it reports the file as in use. */
const LOCK_TIMEOUT_MS = 1000
/** Rows read per query while scanning a list. */
const SCAN_BATCH = 256

/**
 * SqliteStore is the durable Store: one SQLite file (better-sqlite3) in WAL mode.
 *
 * - Each write is one transaction that updates the object row, appends the event to the history,
 *   advances the revision and trims the history to `historyRetention` events.
 * - synchronous=FULL: a write is on disk (WAL fsynced) when it resolves, so a crash or power loss
 *   never loses an acknowledged write, and a resourceVersion a client has seen is never handed out
 *   again for different content. (NORMAL survives process crashes but may lose the last
 *   transactions on power loss, and reuse their revisions.)
 * - Watches are served in-process: the watch hub learns of each write right after it commits.
 *   Hence one process owns the file: open takes an exclusive lock (locking_mode=EXCLUSIVE) and
 *   fails while another store or process holds it; external tools cannot read the file meanwhile.
 * - Objects of encrypted resources (secrets) are stored as AES-GCM envelopes bound to their key;
 *   when encryption is turned on for an existing file, open encrypts the plain-text rows (old
 *   page images may survive in free pages until VACUUM).
 */
export class SqliteStore extends LocalStore {
  /** The database file. */
  readonly path: string

  private constructor(backend: SqliteBackend, o: SqliteStoreOptions) {
    super(backend, o)
    this.path = o.path
  }

  /** Opens (creating or migrating) the database file; InternalError when it is in use or unusable. */
  static async open(o: SqliteStoreOptions): Promise<SqliteStore> {
    const retention = checkHistoryRetention(o.historyRetention)
    await mkdir(dirname(o.path), { recursive: true, mode: 0o700 })
    let db: Database.Database | undefined
    try {
      db = new Database(o.path, { timeout: LOCK_TIMEOUT_MS })
      // Exclusive before WAL: the WAL index then lives in heap memory and the lock is never released.
      db.pragma('locking_mode = EXCLUSIVE')
      const mode = db.pragma('journal_mode = WAL', { simple: true })
      if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`)
      db.pragma('synchronous = FULL')
      db.pragma('journal_size_limit = 67108864')
      migrate(db, o.path)
      const backend = new SqliteBackend(db, {
        retention,
        encryption: o.encryption,
        encryptedResources: new Set(o.encryptedResources ?? ['secrets']),
      })
      return new SqliteStore(backend, o)
    } catch (err) {
      db?.close()
      if (isAppError(err)) throw err
      if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new AppError(
          Reason.InternalError,
          `store database ${o.path} is in use by another process (one process owns it)`,
          { cause: err }
        )
      }
      throw new AppError(Reason.InternalError, `opening store database ${o.path}: ${String(err)}`, {
        cause: err,
      })
    }
  }
}

type StoredData = string | Buffer
type ObjectRow = { namespace: string; name: string; data: StoredData }
type EventRow = {
  rv: number
  type: WatchEventType
  resource: string
  namespace: string
  name: string
  data: StoredData
}

class SqliteBackend implements LocalBackend {
  readonly #db: Database.Database
  readonly #retention: number
  readonly #encryption: SecretEncryption | undefined
  readonly #encrypted: ReadonlySet<string>
  readonly #sql
  readonly #commitTx: Database.Transaction<
    (w: WriteRecord, data: StoredData, prev: StoredData | null, compactTo: number) => void
  >
  #revision: number
  #compacted: number

  constructor(
    db: Database.Database,
    o: {
      retention: number
      encryption: SecretEncryption | undefined
      encryptedResources: ReadonlySet<string>
    }
  ) {
    this.#db = db
    this.#retention = o.retention
    this.#encryption = o.encryption
    this.#encrypted = o.encryptedResources
    // The snapshot at @revision: objects unchanged since, plus the state before the first later
    // event of every object changed since (a NULL prev means it was created later: absent).
    const scan = (after: (t: string) => string): string => `
      SELECT o.namespace, o.name, o.data FROM objects AS o
       WHERE o.resource = @resource AND o.rv <= @revision AND ${after('o')}
      UNION ALL
      SELECT e.namespace, e.name, e.prev FROM events AS e
       WHERE e.resource = @resource AND e.rv > @revision AND e.prev IS NOT NULL AND ${after('e')}
         AND e.rv = (SELECT min(x.rv) FROM events AS x
                      WHERE x.resource = e.resource AND x.namespace = e.namespace
                        AND x.name = e.name AND x.rv > @revision)
      ORDER BY 1, 2 LIMIT @limit`
    this.#sql = {
      state: db.prepare<[], { revision: number; compacted: number }>(
        'SELECT revision, compacted FROM state WHERE id = 1'
      ),
      read: db.prepare<[string, string, string], { data: StoredData }>(
        'SELECT data FROM objects WHERE resource = ? AND namespace = ? AND name = ?'
      ),
      scanAll: db.prepare<[Record<string, unknown>], ObjectRow>(
        scan((t) => `(${t}.namespace, ${t}.name) > (@namespace, @name)`)
      ),
      scanNamespace: db.prepare<[Record<string, unknown>], ObjectRow>(
        scan((t) => `${t}.namespace = @namespace AND ${t}.name > @name`)
      ),
      eventsAll: db.prepare<[Record<string, unknown>], EventRow>(
        `SELECT rv, type, resource, namespace, name, data FROM events
          WHERE rv > @after AND rv <= @upto AND resource = @resource ORDER BY rv LIMIT @limit`
      ),
      eventsNamespace: db.prepare<[Record<string, unknown>], EventRow>(
        `SELECT rv, type, resource, namespace, name, data FROM events
          WHERE rv > @after AND rv <= @upto AND resource = @resource AND namespace = @namespace
          ORDER BY rv LIMIT @limit`
      ),
      upsert: db.prepare(
        `INSERT INTO objects (resource, namespace, name, rv, data) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (resource, namespace, name) DO UPDATE SET rv = excluded.rv, data = excluded.data`
      ),
      remove: db.prepare('DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?'),
      append: db.prepare(
        `INSERT INTO events (rv, type, resource, namespace, name, data, prev)
           VALUES (?, ?, ?, ?, ?, ?, ?)`
      ),
      trim: db.prepare('DELETE FROM events WHERE rv <= ?'),
      setState: db.prepare('UPDATE state SET revision = ?, compacted = ? WHERE id = 1'),
    }
    const sql = this.#sql
    this.#commitTx = db.transaction(
      (w: WriteRecord, data: StoredData, prev: StoredData | null, compactTo: number): void => {
        if (w.type === WatchEventType.Deleted) sql.remove.run(w.resource, w.namespace, w.name)
        else sql.upsert.run(w.resource, w.namespace, w.name, w.rv, data)
        sql.append.run(w.rv, w.type, w.resource, w.namespace, w.name, data, prev)
        if (compactTo > this.#compacted) sql.trim.run(compactTo)
        sql.setState.run(w.rv, Math.max(compactTo, this.#compacted))
      }
    )
    const state = sql.state.get()
    if (state === undefined)
      throw new AppError(Reason.InternalError, 'store database has no state row')
    this.#revision = state.revision
    this.#compacted = state.compacted
    if (this.#encryption !== undefined) this.#encryptPlainRows()
  }

  revision(): number {
    return this.#revision
  }

  compactedRevision(): number {
    return this.#compacted
  }

  read(key: ObjectKey): string | undefined {
    const row = this.#run('reading', () =>
      this.#sql.read.get(key.resource, key.namespace, key.name)
    )
    return row === undefined ? undefined : this.#decode(key, row.data)
  }

  *scan(o: Scope & { revision: number; after: KeyPosition | undefined }): Generator<ScanRow> {
    const stmt = o.namespace === undefined ? this.#sql.scanAll : this.#sql.scanNamespace
    let namespace = o.namespace ?? o.after?.namespace ?? ''
    let name = o.after?.name ?? ''
    for (;;) {
      const params = {
        resource: o.resource,
        revision: o.revision,
        namespace,
        name,
        limit: SCAN_BATCH,
      }
      const rows = this.#run('listing', () => stmt.all(params))
      for (const r of rows) {
        const key = { resource: o.resource, namespace: r.namespace, name: r.name }
        yield { namespace: r.namespace, name: r.name, object: this.#decode(key, r.data) }
      }
      const last = rows[rows.length - 1]
      if (last === undefined || rows.length < SCAN_BATCH) return
      if (o.namespace === undefined) namespace = last.namespace
      name = last.name
    }
  }

  readEvents(o: Scope & { after: number; upto: number; limit: number }): EventRecord[] {
    const stmt = o.namespace === undefined ? this.#sql.eventsAll : this.#sql.eventsNamespace
    const params = { ...o, namespace: o.namespace ?? '' }
    const rows = this.#run('reading history', () => stmt.all(params))
    return rows.map((r) => ({
      rv: r.rv,
      type: r.type,
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
      object: this.#decode(r, r.data),
    }))
  }

  commit(w: WriteRecord): void {
    if (w.rv !== this.#revision + 1) {
      throw new AppError(
        Reason.InternalError,
        `store: write at revision ${w.rv} after ${this.#revision}`
      )
    }
    const data = this.#encode(w, w.object)
    const prev = w.prev === undefined ? null : this.#encode(w, w.prev)
    const compactTo = w.rv - this.#retention
    this.#run('writing', () => this.#commitTx.immediate(w, data, prev, compactTo))
    this.#revision = w.rv
    this.#compacted = Math.max(compactTo, this.#compacted)
  }

  close(): void {
    this.#db.close()
  }

  #encode(key: ObjectKey, json: string): StoredData {
    if (this.#encryption === undefined || !this.#encrypted.has(key.resource)) return json
    return this.#encryption.encrypt(Buffer.from(json, 'utf8'), formatKey(key))
  }

  #decode(key: ObjectKey, data: StoredData): string {
    if (typeof data === 'string') return data
    const context = formatKey(key)
    if (!isEncryptedEnvelope(data)) {
      throw new AppError(Reason.InternalError, `store: ${context} holds unrecognized binary data`)
    }
    if (this.#encryption === undefined) {
      throw new AppError(
        Reason.InternalError,
        `store: ${context} is encrypted but no secret encryption key is configured`
      )
    }
    return this.#encryption.decrypt(data, context).toString('utf8')
  }

  /** Encrypts rows of encrypted resources written while encryption was off. */
  #encryptPlainRows(): void {
    const db = this.#db
    const objects = db.prepare<[string], { namespace: string; name: string; data: string }>(
      `SELECT namespace, name, data FROM objects WHERE resource = ? AND typeof(data) = 'text'`
    )
    const setObject = db.prepare(
      'UPDATE objects SET data = ? WHERE resource = ? AND namespace = ? AND name = ?'
    )
    const events = db.prepare<
      [string],
      { rv: number; namespace: string; name: string; data: StoredData; prev: StoredData | null }
    >(
      `SELECT rv, namespace, name, data, prev FROM events
        WHERE resource = ? AND (typeof(data) = 'text' OR typeof(prev) = 'text')`
    )
    const setEvent = db.prepare('UPDATE events SET data = ?, prev = ? WHERE rv = ?')
    const reseal = (key: ObjectKey, d: StoredData): StoredData =>
      typeof d === 'string' ? this.#encode(key, d) : d
    db.transaction(() => {
      for (const resource of this.#encrypted) {
        for (const r of objects.all(resource)) {
          const key = { resource, namespace: r.namespace, name: r.name }
          setObject.run(this.#encode(key, r.data), resource, r.namespace, r.name)
        }
        for (const r of events.all(resource)) {
          const key = { resource, namespace: r.namespace, name: r.name }
          const prev = r.prev === null ? null : reseal(key, r.prev)
          setEvent.run(reseal(key, r.data), prev, r.rv)
        }
      }
    }).immediate()
  }

  #run<T>(what: string, fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      if (isAppError(err)) throw err
      throw new AppError(Reason.InternalError, `store: ${what}: ${String(err)}`, { cause: err })
    }
  }
}
