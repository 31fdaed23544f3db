import { AppError, type AppErrorOptions, Reason } from '../shared/errors.js'

/**
 * StoreExpiredError reports that the requested revision has left the retained history (Kubernetes
 * 410 Gone with reason Expired): the caller must list again and watch from the new revision.
 */
export class StoreExpiredError extends AppError {
  override readonly name: string = 'StoreExpiredError'
  /** The HTTP status Kubernetes uses (410 Gone). */
  readonly code = 410
  /** The Kubernetes StatusReason this error stands for. */
  readonly statusReason = 'Expired'
  /** Marks the error for isStoreExpiredError, across module copies. */
  readonly expired = true

  constructor(message: string, opts: AppErrorOptions = {}) {
    super(Reason.Expired, message, opts)
  }
}

/** Reports whether err is a StoreExpiredError; checks the `expired` field, not the class. */
export function isStoreExpiredError(err: unknown): err is StoreExpiredError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { expired?: unknown }).expired === true &&
    (err as { code?: unknown }).code === 410
  )
}

/** Builds the Kubernetes message of a watch from a compacted revision. */
export function tooOldResourceVersion(requested: number, compacted: number): StoreExpiredError {
  return new StoreExpiredError(`too old resource version: ${requested} (${compacted})`)
}

/** Builds the Kubernetes message of a continue token whose revision is compacted. */
export function continueTokenExpired(): StoreExpiredError {
  return new StoreExpiredError(
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
  )
}

/** NotFound in the Kubernetes wording: `imagestreams "x" not found`. */
export function notFound(resource: string, name: string): AppError {
  return new AppError(Reason.NotFound, `${resource} ${JSON.stringify(name)} not found`)
}

/** AlreadyExists in the Kubernetes wording: `imagestreams "x" already exists`. */
export function alreadyExists(resource: string, name: string): AppError {
  return new AppError(Reason.AlreadyExists, `${resource} ${JSON.stringify(name)} already exists`)
}

/** Conflict on a stale resourceVersion, in the Kubernetes wording. */
export function staleResourceVersion(resource: string, name: string): AppError {
  return conflict(
    resource,
    name,
    'the object has been modified; please apply your changes to the latest version and try again'
  )
}

/** Conflict on a failed delete precondition, in the Kubernetes wording. */
export function preconditionFailed(
  resource: string,
  name: string,
  field: 'UID' | 'ResourceVersion',
  wanted: string,
  actual: string
): AppError {
  return conflict(
    resource,
    name,
    `Precondition failed: ${field} in precondition: ${wanted}, ${field} in object meta: ${actual}`
  )
}

function conflict(resource: string, name: string, detail: string): AppError {
  return new AppError(
    Reason.Conflict,
    `Operation cannot be fulfilled on ${resource} ${JSON.stringify(name)}: ${detail}`
  )
}

/** The error of every call on a closed store. */
export function storeClosed(): AppError {
  return new AppError(Reason.ServiceUnavailable, 'store is closed')
}
