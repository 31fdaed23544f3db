import { AppError, Reason } from '../shared/errors.js'
import type { KeyPosition, ObjectKey } from './object-key.js'
import type { WatchEventType } from './store.js'

/** How many events a store keeps for watches and continued lists unless told otherwise. */
export const DEFAULT_HISTORY_RETENTION = 10_000

/** Validates a historyRetention option (default DEFAULT_HISTORY_RETENTION); Invalid unless a positive integer. */
export function checkHistoryRetention(n: number | undefined): number {
  const v = n ?? DEFAULT_HISTORY_RETENTION
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new AppError(
      Reason.Invalid,
      `historyRetention must be a positive integer, got ${String(n)}`
    )
  }
  return v
}

/** EventRecord is one committed write as the history keeps it; objects are JSON text. */
export type EventRecord = {
  /** The revision of the write; one more than the revision before it. */
  readonly rv: number
  readonly type: WatchEventType
  readonly resource: string
  readonly namespace: string
  readonly name: string
  /** The object after the write; for DELETED its last state with the deletion's resourceVersion. */
  readonly object: string
}

/** WriteRecord is one write handed to LocalBackend.commit: the event plus the state it replaces. */
export type WriteRecord = EventRecord & {
  /** The stored object before the write (undefined for ADDED); kept to rebuild older snapshots. */
  readonly prev: string | undefined
}

/** One row of LocalBackend.scan. */
export type ScanRow = KeyPosition & { readonly object: string }

/** The scope of a scan or event read: one resource, and one namespace unless undefined. */
export type Scope = { readonly resource: string; readonly namespace: string | undefined }

/**
 * LocalBackend is the synchronous storage under LocalStore (memory or SQLite). All semantics
 * (validation, preconditions, revisions, watch fan-out) live in LocalStore; a backend only keeps
 * objects and history. Contract:
 * - Every method is synchronous, so LocalStore's read-check-commit sequences are atomic within the
 *   process. One process owns the storage.
 * - commit is atomic and durable as far as the backend promises: the object row, the event and the
 *   new revision are written together or not at all; it throws (an AppError) and changes nothing on
 *   failure. It then drops history so that only the last `historyRetention` events remain, and
 *   raises compactedRevision() to the highest dropped revision.
 * - scan and readEvents return fresh arrays or lazily computed rows; they must tolerate other calls
 *   on the backend between two rows (LocalStore runs caller filters while scanning).
 */
export type LocalBackend = {
  /** The revision of the last commit (0 when empty). */
  revision(): number
  /** The highest revision whose event was dropped from history (0 when none was). */
  compactedRevision(): number
  /** The stored JSON of one object. */
  read(key: ObjectKey): string | undefined
  /**
   * The objects of scope as they were at `revision` (which must be >= compactedRevision()), ordered
   * by (namespace, name), starting strictly after `after`.
   */
  scan(o: Scope & { revision: number; after: KeyPosition | undefined }): Iterable<ScanRow>
  /** Up to `limit` events of scope with after < rv <= upto, in revision order. */
  readEvents(o: Scope & { after: number; upto: number; limit: number }): EventRecord[]
  /** Applies one write at revision `w.rv`, which is revision() + 1. */
  commit(w: WriteRecord): void
  /** Releases the storage. */
  close(): void
}
