import { AppError, type AppErrorOptions, type FieldError, Reason } from '../shared/errors.js'
import { formatFieldErrors, goQuote } from './field-errors.js'
import { qualifiedKind, qualifiedResource, type ResourceInfo, resourceForKind } from './scheme.js'

// Errors about API objects, with the messages of k8s.io/apimachinery/pkg/api/errors/errors.go.

/** The object an error is about, rendered into Status.details. */
export type ErrorSubject = {
  readonly group: string
  /** A kind (`ImageStream`) for Invalid, a resource (`imagestreams`) for NotFound and the others. */
  readonly kind: string
  readonly name: string
}

/** An AppError that names the object it is about, so that statusFromError can fill Status.details. */
export class ApiError extends AppError {
  override readonly name: string = 'ApiError'
  readonly subject: ErrorSubject

  constructor(reason: Reason, message: string, subject: ErrorSubject, opts: AppErrorOptions = {}) {
    super(reason, message, opts)
    this.subject = subject
  }
}

function infoFor(kind: string): ResourceInfo {
  const info = resourceForKind(kind)
  if (info === undefined) throw new Error(`unknown kind ${JSON.stringify(kind)}`)
  return info
}

/**
 * Builds the Invalid error of a rejected object, e.g. `ImageStream.image.openshift.io "web" is invalid:
 * spec.tags[0].importPolicy.importMode: Invalid value: "X": invalid import mode, valid modes are '',
 * 'Legacy', 'PreserveOriginal'` (several errors are listed in brackets). kind must be in scheme.ts.
 */
export function invalidError(kind: string, name: string, errs: readonly FieldError[]): ApiError {
  const info = infoFor(kind)
  return new ApiError(
    Reason.Invalid,
    `${qualifiedKind(info)} ${goQuote(name)} is invalid: ${formatFieldErrors(errs)}`,
    { group: info.group, kind: info.kind, name },
    { causes: [...errs] }
  )
}

/** Builds NotFound: `imagestreams.image.openshift.io "web" not found`. */
export function notFoundError(kind: string, name: string): ApiError {
  const info = infoFor(kind)
  return new ApiError(Reason.NotFound, `${qualifiedResource(info)} ${goQuote(name)} not found`, {
    group: info.group,
    kind: info.plural,
    name,
  })
}

/** Builds AlreadyExists: `imagestreams.image.openshift.io "web" already exists`. */
export function alreadyExistsError(kind: string, name: string): ApiError {
  const info = infoFor(kind)
  return new ApiError(
    Reason.AlreadyExists,
    `${qualifiedResource(info)} ${goQuote(name)} already exists`,
    { group: info.group, kind: info.plural, name }
  )
}

/**
 * Builds Conflict: `Operation cannot be fulfilled on imagestreams.image.openshift.io "web": the object has
 * been modified; please apply your changes to the latest version and try again` (detail as given).
 */
export function conflictError(kind: string, name: string, detail: string): ApiError {
  const info = infoFor(kind)
  return new ApiError(
    Reason.Conflict,
    `Operation cannot be fulfilled on ${qualifiedResource(info)} ${goQuote(name)}: ${detail}`,
    { group: info.group, kind: info.plural, name }
  )
}

/** The detail Kubernetes gives for a resourceVersion mismatch. */
export const OPTIMISTIC_LOCK_DETAIL =
  'the object has been modified; please apply your changes to the latest version and try again'
