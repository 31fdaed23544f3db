import { AppError, Reason } from '../shared/errors.js'
import {
  checkHistoryRetention,
  type EventRecord,
  type LocalBackend,
  type ScanRow,
  type Scope,
  type WriteRecord,
} from './local-backend.js'
import { LocalStore, type LocalStoreOptions } from './local-store.js'
import { compareKeys, type KeyPosition, type ObjectKey } from './object-key.js'
import { WatchEventType } from './store.js'

/** Options of MemoryStore. */
export type MemoryStoreOptions = LocalStoreOptions & {
  /** Events kept for watches and continued lists; default 10,000. */
  readonly historyRetention?: number
}

/**
 * MemoryStore is a Store that keeps everything in this process's memory, for tests and development.
 * It has the same semantics as SqliteStore (objects are kept as JSON text) and forgets everything,
 * revisions included, when the process ends.
 */
export class MemoryStore extends LocalStore {
  constructor(o: MemoryStoreOptions = {}) {
    super(new MemoryBackend(checkHistoryRetention(o.historyRetention)), o)
  }
}

type Row = { readonly key: ObjectKey; readonly rv: number; readonly json: string }

class MemoryBackend implements LocalBackend {
  readonly #retention: number
  readonly #objects = new Map<string, Row>()
  /** The retained history; revisions are contiguous, the first is compacted + 1. */
  #events: WriteRecord[] = []
  #revision = 0
  #compacted = 0

  constructor(retention: number) {
    this.#retention = retention
  }

  revision(): number {
    return this.#revision
  }

  compactedRevision(): number {
    return this.#compacted
  }

  read(key: ObjectKey): string | undefined {
    return this.#objects.get(id(key))?.json
  }

  scan(o: Scope & { revision: number; after: KeyPosition | undefined }): ScanRow[] {
    const snapshot = new Map<string, ScanRow>()
    // The first event after the revision of an object tells its state at that revision.
    const changed = new Set<string>()
    for (let i = this.#indexAfter(o.revision); i < this.#events.length; i++) {
      const e = this.#events[i]
      if (e === undefined || !inScope(o, e)) continue
      const k = id(e)
      if (changed.has(k)) continue
      changed.add(k)
      if (e.prev !== undefined) {
        snapshot.set(k, { namespace: e.namespace, name: e.name, object: e.prev })
      }
    }
    for (const [k, row] of this.#objects) {
      if (!inScope(o, row.key) || changed.has(k)) continue
      snapshot.set(k, { namespace: row.key.namespace, name: row.key.name, object: row.json })
    }
    const after = o.after
    return [...snapshot.values()]
      .filter((r) => after === undefined || compareKeys(r, after) > 0)
      .sort(compareKeys)
  }

  readEvents(o: Scope & { after: number; upto: number; limit: number }): EventRecord[] {
    const out: EventRecord[] = []
    for (let i = this.#indexAfter(o.after); i < this.#events.length && out.length < o.limit; i++) {
      const e = this.#events[i]
      if (e === undefined || e.rv > o.upto) break
      if (!inScope(o, e)) continue
      out.push({
        rv: e.rv,
        type: e.type,
        resource: e.resource,
        namespace: e.namespace,
        name: e.name,
        object: e.object,
      })
    }
    return out
  }

  commit(w: WriteRecord): void {
    if (w.rv !== this.#revision + 1) {
      throw new AppError(
        Reason.InternalError,
        `store: write at revision ${w.rv} after ${this.#revision}`
      )
    }
    const key: ObjectKey = { resource: w.resource, namespace: w.namespace, name: w.name }
    if (w.type === WatchEventType.Deleted) this.#objects.delete(id(key))
    else this.#objects.set(id(key), { key, rv: w.rv, json: w.object })
    this.#events.push(w)
    this.#revision = w.rv
    const excess = this.#events.length - this.#retention
    if (excess > 0) {
      const dropped = this.#events.splice(0, excess)
      this.#compacted = dropped[dropped.length - 1]?.rv ?? this.#compacted
    }
  }

  close(): void {
    this.#objects.clear()
    this.#events = []
  }

  /** The index of the first retained event with a revision above rv. */
  #indexAfter(rv: number): number {
    let lo = 0
    let hi = this.#events.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.#events[mid]?.rv ?? 0) <= rv) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

function id(k: { resource: string; namespace: string; name: string }): string {
  return JSON.stringify([k.resource, k.namespace, k.name])
}

function inScope(scope: Scope, k: { resource: string; namespace: string }): boolean {
  return (
    k.resource === scope.resource &&
    (scope.namespace === undefined || k.namespace === scope.namespace)
  )
}
