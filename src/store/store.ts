/** The metadata fields the store itself reads or writes; everything else is kept verbatim. */
export type StoreObjectMeta = {
  name: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** StoredObject is any Kubernetes-style object as the store keeps it (untyped JSON with metadata). */
export type StoredObject = {
  apiVersion?: string
  kind?: string
  metadata: StoreObjectMeta & { [k: string]: unknown }
  [k: string]: unknown
}

/**
 * StorableObject is the constraint of the typed store methods: anything with a metadata name. It has no
 * index signature so that typed API objects (`ImageStream`, `Secret`) fit whether declared as types or
 * interfaces. The store does not validate T: it is the caller's promise about what it stored.
 */
export type StorableObject = {
  metadata: {
    name: string
    namespace?: string | undefined
    resourceVersion?: string | undefined
  }
}

/** ResourceKey names one object: resource plural, namespace ('' or undefined when cluster-scoped) and name. */
export type ResourceKey = {
  /** The plural resource name, e.g. 'imagestreams'. */
  resource: string
  /** The namespace; '' or undefined for cluster-scoped objects. */
  namespace?: string
  name: string
}

/** The kinds of watch events, as in Kubernetes `watch.EventType`. */
export const WatchEventType = {
  Added: 'ADDED',
  Modified: 'MODIFIED',
  Deleted: 'DELETED',
} as const
/** One of the watch event kinds. */
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType]

/**
 * WatchEvent is one change. For DELETED the object is the last stored state with
 * `metadata.resourceVersion` set to the revision of the deletion (as etcd-backed Kubernetes does).
 */
export type WatchEvent<T = StoredObject> = { type: WatchEventType; object: T }

/** Options of Store.list. */
export type ListOptions<T> = {
  resource: string
  /** Only this namespace; '' or undefined lists all namespaces (and cluster-scoped objects). */
  namespace?: string
  /**
   * Keeps only objects for which it returns true; applied before `limit`. It must be synchronous and
   * must not call the store.
   */
  filter?: (obj: T) => boolean
  /** Page size; undefined or 0 means everything. Must be a non-negative integer. */
  limit?: number
  /** The `continue` of the previous page. */
  continue?: string
}

/** One page of Store.list. */
export type ListResult<T> = {
  items: T[]
  /** The store revision the page shows (the revision of the first page for continued lists). */
  resourceVersion: string
  /** Present when more matching objects follow; pass it back as `continue`. */
  continue?: string
}

/** Options of Store.update. */
export type UpdateOptions = {
  /** Writes even when `metadata.resourceVersion` is stale or missing (an unconditional update). */
  ignoreResourceVersion?: boolean
}

/** Preconditions of Store.delete (Kubernetes `Preconditions`). */
export type DeleteOptions = {
  /** Deletes only if the stored object has this resourceVersion; otherwise Conflict. */
  resourceVersion?: string
  /** Deletes only if the stored object has this uid; otherwise Conflict. */
  uid?: string
}

/** Options of Store.guaranteedUpdate. */
export type GuaranteedUpdateOptions = {
  /** Stops retrying; the call rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * Mutate function of Store.guaranteedUpdate: gets a private copy of the current object (free to
 * modify) and returns the desired object, or undefined to leave the object as it is.
 */
export type MutateFunc<T> = (current: T) => T | undefined | Promise<T | undefined>

/** Options of Store.watch. */
export type WatchOptions = {
  resource: string
  /** Only this namespace; '' or undefined watches all namespaces. */
  namespace?: string
  /**
   * Deliver the events strictly after this revision (a list's `resourceVersion` or the last event
   * seen). '' or undefined starts at the current revision: only later changes are delivered.
   */
  resourceVersion?: string
  /** Ends the watch: the iteration completes normally when it aborts. */
  signal: AbortSignal
}

/**
 * Store persists API objects with Kubernetes/etcd semantics. Every implementation passes
 * `describeStoreContract` (store.contract.ts).
 *
 * Revisions: the store has one global revision, a decimal string that starts at "0" and increases by
 * exactly one with every write (create, update that changes something, delete) of any resource. The
 * revision of an object's last write is its `metadata.resourceVersion`. Writes are linearizable: each
 * one either happens completely at its revision or not at all.
 *
 * Objects: the store keeps JSON (values that JSON cannot represent, such as `undefined`, are dropped)
 * and never shares objects with callers: arguments are copied and every result is a fresh copy.
 * Objects are addressed by (resource, namespace, name); '' and an absent namespace are the same
 * cluster-scoped namespace. The store sets uid, creationTimestamp and resourceVersion; it does not
 * touch generation, deletionTimestamp, finalizers or any other field (that is the API layer's job).
 *
 * Errors are AppErrors: NotFound (404), AlreadyExists and Conflict (409, Kubernetes messages),
 * BadRequest/Invalid for malformed arguments, InternalError for storage failures,
 * ServiceUnavailable after close, and StoreExpiredError (410 Expired) when history is gone.
 */
export type Store = {
  /** Returns the object, or undefined when it does not exist. */
  get<T extends StorableObject = StoredObject>(key: ResourceKey): Promise<T | undefined>

  /**
   * Lists objects ordered by (namespace, name). A page with a `continue` token is followed by pages
   * showing the same snapshot (the revision of the first page, as etcd does), however many writes
   * happen in between; when that revision has left the retained history the call fails with
   * StoreExpiredError. A malformed token, or one issued for another resource or namespace, is a
   * BadRequest.
   */
  list<T extends StorableObject = StoredObject>(o: ListOptions<T>): Promise<ListResult<T>>

  /**
   * Creates the object, setting `metadata.uid`, `metadata.creationTimestamp` and
   * `metadata.resourceVersion`; returns the stored object. AlreadyExists (409) when the name is taken;
   * BadRequest when `metadata.resourceVersion` is set.
   */
  create<T extends StorableObject = StoredObject>(resource: string, obj: T): Promise<T>

  /**
   * Replaces the object. `metadata.resourceVersion` must equal the stored one (optimistic
   * concurrency): a stale one is a Conflict (409, "Operation cannot be fulfilled on imagestreams
   * "x": the object has been modified; please apply your changes to the latest version and try
   * again"), a missing one is Invalid, unless `ignoreResourceVersion` is set. NotFound when the object
   * does not exist. uid and creationTimestamp are kept from the stored object. An update that changes
   * nothing writes nothing and returns the stored object with its old resourceVersion.
   */
  update<T extends StorableObject = StoredObject>(
    resource: string,
    obj: T,
    o?: UpdateOptions
  ): Promise<T>

  /**
   * Read-modify-write with retry (Kubernetes GuaranteedUpdate): reads the object, calls mutate with a
   * copy and writes the result conditioned on the read resourceVersion; on Conflict it reads again and
   * calls mutate again, until it succeeds, mutate throws, or the signal aborts. mutate may be called
   * several times and must not change the name or namespace (BadRequest). Returning undefined, or an
   * unchanged object, writes nothing and resolves to the current object. NotFound when the object does
   * not exist (or is deleted meanwhile).
   */
  guaranteedUpdate<T extends StorableObject = StoredObject>(
    key: ResourceKey,
    mutate: MutateFunc<T>,
    o?: GuaranteedUpdateOptions
  ): Promise<T>

  /**
   * Deletes the object and returns its last state with `metadata.resourceVersion` set to the revision
   * of the deletion. NotFound when missing; Conflict when a precondition does not hold.
   */
  delete(key: ResourceKey, o?: DeleteOptions): Promise<StoredObject>

  /**
   * Streams the changes of one resource (optionally one namespace) strictly after
   * `o.resourceVersion`, in revision order, without gaps or duplicates: first the retained history,
   * then live events. The iteration completes when the signal aborts or the store closes. It may also
   * complete early (Kubernetes closes watches at will); callers then watch again from the last
   * resourceVersion they saw. It fails with StoreExpiredError ("too old resource version: X (Y)") when
   * events after that revision are no longer retained (the caller must list again), and with
   * BadRequest for a malformed resourceVersion. A resourceVersion beyond the current revision waits
   * for that revision. The watch holds resources until the signal aborts or the iteration ends, so
   * always pass a signal that eventually aborts.
   */
  watch<T extends StorableObject = StoredObject>(o: WatchOptions): AsyncIterable<WatchEvent<T>>

  /** Returns the current revision (the resourceVersion of the last write; "0" before any write). */
  currentResourceVersion(): Promise<string>

  /** Ends all watches and releases the storage; later calls fail with ServiceUnavailable. Idempotent. */
  close(): Promise<void>
}
