import { randomUUID } from 'node:crypto'
import { type Clock, systemClock } from '../shared/clock.js'
import { AppError, Reason } from '../shared/errors.js'
import { decodeContinueToken, encodeContinueToken } from './continue-token.js'
import type { LocalBackend, ScanRow, WriteRecord } from './local-backend.js'
import {
  checkResource,
  type KeyPosition,
  type ObjectKey,
  objectKeyOf,
  toObjectKey,
} from './object-key.js'
import { formatRevision, parseRevision } from './revision.js'
import {
  type DeleteOptions,
  type GuaranteedUpdateOptions,
  type ListOptions,
  type ListResult,
  type MutateFunc,
  type ResourceKey,
  type StorableObject,
  type Store,
  type StoredObject,
  type UpdateOptions,
  type WatchEvent,
  WatchEventType,
  type WatchOptions,
} from './store.js'
import {
  alreadyExists,
  continueTokenExpired,
  notFound,
  preconditionFailed,
  staleResourceVersion,
  storeClosed,
} from './store-errors.js'
import { WatchHub } from './watch-hub.js'

/** Options shared by the stores built on LocalStore. */
export type LocalStoreOptions = {
  /** Source of creationTimestamp; default the system clock. */
  readonly clock?: Clock
  /** Live events buffered per watcher before it catches up from history instead; default 1000. */
  readonly watchBufferSize?: number
}

/**
 * LocalStore implements Store over a synchronous LocalBackend owned by this process (MemoryStore and
 * SqliteStore are LocalStores). Each write reads, checks and commits within one synchronous step, so
 * writes are linearizable without locks, and the watch hub is told right after the commit.
 */
export class LocalStore implements Store {
  readonly #backend: LocalBackend
  readonly #hub: WatchHub
  readonly #clock: Clock
  #closed = false

  constructor(backend: LocalBackend, o: LocalStoreOptions = {}) {
    this.#backend = backend
    this.#clock = o.clock ?? systemClock
    this.#hub = new WatchHub({
      history: backend,
      ...(o.watchBufferSize === undefined ? {} : { bufferSize: o.watchBufferSize }),
    })
  }

  /** Returns the object, or undefined when it does not exist. */
  async get<T extends StorableObject = StoredObject>(key: ResourceKey): Promise<T | undefined> {
    this.#checkOpen()
    const json = this.#backend.read(toObjectKey(key))
    return json === undefined ? undefined : (parseStored(json) as unknown as T)
  }

  /** Lists one page; see Store.list. */
  async list<T extends StorableObject = StoredObject>(o: ListOptions<T>): Promise<ListResult<T>> {
    this.#checkOpen()
    checkResource(o.resource)
    const limit = o.limit ?? 0
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new AppError(Reason.BadRequest, `invalid limit ${String(limit)}`)
    }
    const scope = o.namespace === undefined || o.namespace === '' ? undefined : o.namespace
    let revision = this.#backend.revision()
    let after: KeyPosition | undefined
    if (o.continue !== undefined && o.continue !== '') {
      const pos = decodeContinueToken(o.continue, { resource: o.resource, scope: scope ?? '' })
      if (pos.revision > revision) {
        throw new AppError(Reason.BadRequest, 'continue token refers to a future revision')
      }
      if (pos.revision < this.#backend.compactedRevision()) throw continueTokenExpired()
      revision = pos.revision
      after = pos.after
    }
    const items: T[] = []
    let last: ScanRow | undefined
    let more = false
    const rows = this.#backend.scan({ resource: o.resource, namespace: scope, revision, after })
    for (const row of rows) {
      const obj = parseStored(row.object) as unknown as T
      if (o.filter !== undefined && !o.filter(obj)) continue
      if (limit > 0 && items.length === limit) {
        more = true
        break
      }
      items.push(obj)
      last = row
    }
    const result: ListResult<T> = { items, resourceVersion: formatRevision(revision) }
    if (more && last !== undefined) {
      result.continue = encodeContinueToken({
        revision,
        resource: o.resource,
        scope: scope ?? '',
        after: { namespace: last.namespace, name: last.name },
      })
    }
    return result
  }

  /** Creates the object; see Store.create. */
  async create<T extends StorableObject = StoredObject>(resource: string, obj: T): Promise<T> {
    this.#checkOpen()
    const key = objectKeyOf(resource, obj)
    const next = copyObject(obj)
    const wanted = next.metadata.resourceVersion
    if (wanted !== undefined && wanted !== '') {
      throw new AppError(
        Reason.BadRequest,
        'resourceVersion should not be set on objects to be created'
      )
    }
    if (this.#backend.read(key) !== undefined) throw alreadyExists(resource, key.name)
    const rv = this.#backend.revision() + 1
    next.metadata.uid = randomUUID()
    next.metadata.creationTimestamp = rfc3339(this.#clock.now())
    next.metadata.resourceVersion = formatRevision(rv)
    const json = stringify(next)
    this.#commit({ rv, type: WatchEventType.Added, ...key, object: json, prev: undefined })
    return parseStored(json) as unknown as T
  }

  /** Replaces the object; see Store.update. */
  async update<T extends StorableObject = StoredObject>(
    resource: string,
    obj: T,
    o: UpdateOptions = {}
  ): Promise<T> {
    this.#checkOpen()
    const key = objectKeyOf(resource, obj)
    const next = copyObject(obj)
    const currentJson = this.#backend.read(key)
    if (currentJson === undefined) throw notFound(resource, key.name)
    const current = parseStored(currentJson)
    if (o.ignoreResourceVersion !== true) {
      const wanted = next.metadata.resourceVersion
      if (wanted === undefined || wanted === '') {
        throw new AppError(
          Reason.Invalid,
          'metadata.resourceVersion: Invalid value: "": must be specified for an update',
          {
            causes: [
              {
                type: 'FieldValueInvalid',
                field: 'metadata.resourceVersion',
                detail: 'must be specified for an update',
              },
            ],
          }
        )
      }
      if (parseRevision(wanted) !== revisionOf(current)) {
        throw staleResourceVersion(resource, key.name)
      }
    }
    return this.#replace(key, current, currentJson, next) as unknown as T
  }

  /** Read-modify-write with retry; see Store.guaranteedUpdate. */
  async guaranteedUpdate<T extends StorableObject = StoredObject>(
    key: ResourceKey,
    mutate: MutateFunc<T>,
    o: GuaranteedUpdateOptions = {}
  ): Promise<T> {
    this.#checkOpen()
    const k = toObjectKey(key)
    for (;;) {
      o.signal?.throwIfAborted()
      const readJson = this.#backend.read(k)
      if (readJson === undefined) throw notFound(k.resource, k.name)
      const desired = await mutate(parseStored(readJson) as unknown as T)
      this.#checkOpen()
      o.signal?.throwIfAborted()
      if (desired === undefined) return parseStored(readJson) as unknown as T
      const dk = objectKeyOf(k.resource, desired)
      if (dk.namespace !== k.namespace || dk.name !== k.name) {
        throw new AppError(
          Reason.BadRequest,
          `guaranteedUpdate of ${k.resource} ${JSON.stringify(k.name)}: mutate changed the name or namespace`
        )
      }
      const next = copyObject(desired)
      const nowJson = this.#backend.read(k)
      if (nowJson === undefined) throw notFound(k.resource, k.name)
      // Written meanwhile (a new revision always changes the JSON): read again and retry.
      if (nowJson !== readJson) continue
      return this.#replace(k, parseStored(nowJson), nowJson, next) as unknown as T
    }
  }

  /** Deletes the object; see Store.delete. */
  async delete(key: ResourceKey, o: DeleteOptions = {}): Promise<StoredObject> {
    this.#checkOpen()
    const k = toObjectKey(key)
    const currentJson = this.#backend.read(k)
    if (currentJson === undefined) throw notFound(k.resource, k.name)
    const current = parseStored(currentJson)
    if (o.uid !== undefined && o.uid !== '' && o.uid !== current.metadata.uid) {
      throw preconditionFailed(k.resource, k.name, 'UID', o.uid, current.metadata.uid ?? '')
    }
    if (o.resourceVersion !== undefined && o.resourceVersion !== '') {
      if (parseRevision(o.resourceVersion) !== revisionOf(current)) {
        throw preconditionFailed(
          k.resource,
          k.name,
          'ResourceVersion',
          o.resourceVersion,
          current.metadata.resourceVersion ?? ''
        )
      }
    }
    const rv = this.#backend.revision() + 1
    current.metadata.resourceVersion = formatRevision(rv)
    const json = stringify(current)
    this.#commit({ rv, type: WatchEventType.Deleted, ...k, object: json, prev: currentJson })
    return parseStored(json)
  }

  /** Streams changes; see Store.watch. */
  watch<T extends StorableObject = StoredObject>(o: WatchOptions): AsyncIterable<WatchEvent<T>> {
    try {
      this.#checkOpen()
      checkResource(o.resource)
      const current = this.#backend.revision()
      const from = o.resourceVersion
      const after = from === undefined || from === '' ? current : parseRevision(from)
      const namespace = o.namespace === undefined || o.namespace === '' ? undefined : o.namespace
      return this.#hub.watch<T>({
        scope: { resource: o.resource, namespace },
        after,
        current,
        signal: o.signal,
      })
    } catch (err) {
      return failed(err)
    }
  }

  /** Returns the current revision. */
  async currentResourceVersion(): Promise<string> {
    this.#checkOpen()
    return formatRevision(this.#backend.revision())
  }

  /** Ends all watches and closes the backend. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#hub.close()
    this.#backend.close()
  }

  /** Writes `next` over `current` unless nothing changes; keeps uid and creationTimestamp. */
  #replace(
    key: ObjectKey,
    current: StoredObject,
    currentJson: string,
    next: StoredObject
  ): StoredObject {
    setOrDelete(next.metadata, 'uid', current.metadata.uid)
    setOrDelete(next.metadata, 'creationTimestamp', current.metadata.creationTimestamp)
    setOrDelete(next.metadata, 'resourceVersion', current.metadata.resourceVersion)
    // NB: like etcd-backed Kubernetes, an update that changes nothing writes nothing.
    if (stringify(next) === currentJson) return current
    const rv = this.#backend.revision() + 1
    next.metadata.resourceVersion = formatRevision(rv)
    const json = stringify(next)
    this.#commit({ rv, type: WatchEventType.Modified, ...key, object: json, prev: currentJson })
    return parseStored(json)
  }

  #commit(w: WriteRecord): void {
    this.#backend.commit(w)
    this.#hub.publish({
      rv: w.rv,
      type: w.type,
      resource: w.resource,
      namespace: w.namespace,
      name: w.name,
      object: w.object,
    })
  }

  #checkOpen(): void {
    if (this.#closed) throw storeClosed()
  }
}

// biome-ignore lint/correctness/useYield: the iteration only reports the error
async function* failed<T>(err: unknown): AsyncGenerator<T> {
  throw err
}

function copyObject(obj: unknown): StoredObject {
  let json: string | undefined
  try {
    json = JSON.stringify(obj)
  } catch (err) {
    throw new AppError(Reason.BadRequest, 'object cannot be represented as JSON', { cause: err })
  }
  if (json === undefined)
    throw new AppError(Reason.BadRequest, 'object cannot be represented as JSON')
  return JSON.parse(json) as StoredObject
}

function stringify(obj: StoredObject): string {
  return JSON.stringify(obj)
}

function parseStored(json: string): StoredObject {
  return JSON.parse(json) as StoredObject
}

function revisionOf(obj: StoredObject): number {
  return parseRevision(obj.metadata.resourceVersion ?? '')
}

function setOrDelete(
  meta: StoredObject['metadata'],
  field: 'uid' | 'creationTimestamp' | 'resourceVersion',
  value: string | undefined
): void {
  if (value === undefined) delete meta[field]
  else meta[field] = value
}

function rfc3339(ms: number): string {
  // Kubernetes timestamps have second precision.
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
