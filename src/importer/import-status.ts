import { goQuote } from '../api/field-errors.js'
import { IMAGE_GROUP } from '../api/image/v1/types.js'
import type { Status } from '../api/meta.js'
import { isRegistryError, RegistryErrorCode } from '../registry-client/errors.js'
import { isAppError, Reason } from '../shared/errors.js'

// The metav1.Status values an import reports per image, with the reasons and messages of
// openshift-apiserver importer.go (formatPingError, formatRepositoryError, imageImportStatus) and
// apimachinery's errors.go constructors (openshift-behaviour.md §2.10).

/** Status of a successful import; `message` is our addition (which child a Legacy import chose). */
export function successStatus(message?: string): Status {
  return {
    metadata: {},
    status: 'Success',
    ...(message === undefined || message === '' ? {} : { message }),
  }
}

function failure(
  reason: string,
  code: number,
  message: string,
  details?: Status['details']
): Status {
  return {
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    // Go leaves out a zero code (omitempty).
    ...(code === 0 ? {} : { code }),
  }
}

/** NotFound for a missing image: `dockerimage.image.openshift.io "<ref>" not found`. */
export function notFoundStatus(ref: string): Status {
  return failure('NotFound', 404, `dockerimage.${IMAGE_GROUP} ${goQuote(ref)} not found`, {
    name: ref,
    group: IMAGE_GROUP,
    kind: 'dockerimage',
  })
}

/** Unauthorized with a message (kapierrors.NewUnauthorized). */
export function unauthorizedStatus(message: string): Status {
  return failure('Unauthorized', 401, message)
}

/** BadRequest with a message (kapierrors.NewBadRequest). */
export function badRequestStatus(message: string): Status {
  return failure('BadRequest', 400, message)
}

/** InternalError: `Internal error occurred: <detail>` (kapierrors.NewInternalError). */
export function internalErrorStatus(detail: string): Status {
  return failure('InternalError', 500, `Internal error occurred: ${detail}`, {
    causes: [{ message: detail }],
  })
}

/** Forbidden without a resource (kapierrors.NewForbidden with an empty GroupResource): `forbidden: <why>`. */
export function forbiddenStatus(why: string): Status {
  return failure('Forbidden', 403, `forbidden: ${why}`, {})
}

/** The Invalid status of an unparsable from.name (importer.go invalidStatus; the leading space is OpenShift's). */
export function invalidNameStatus(name: string, problem: string): Status {
  const body = `Invalid value: ${goQuote(name)}: invalid name: ${problem}`
  return failure('Invalid', 422, ` "" is invalid: from.name: ${body}`, {
    causes: [{ reason: 'FieldValueInvalid', message: body, field: 'from.name' }],
  })
}

/** A registry without the v2 API, for repository imports (reason NotV2Registry). */
export function notV2RegistryStatus(host: string): Status {
  return failure(
    'NotV2Registry',
    403,
    `.${IMAGE_GROUP} "" is forbidden: registry ${goQuote(host)} does not support the v2 Registry API`,
    { group: IMAGE_GROUP }
  )
}

/** Our TooManyRequests (OpenShift reports rate limits as InternalError). */
export function tooManyRequestsStatus(ref: string, detail: string, retryAfterMs?: number): Status {
  const seconds =
    retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000))
  const after = seconds === undefined ? '' : ` (retry after ${seconds}s)`
  return failure(
    'TooManyRequests',
    429,
    `the registry is rate limiting requests for ${goQuote(ref)}${after}: ${detail}`,
    seconds === undefined ? {} : { retryAfterSeconds: seconds }
  )
}

/** Our Timeout (OpenShift reports timeouts as InternalError). */
export function timeoutStatus(ref: string, detail: string): Status {
  return failure('Timeout', 504, `timed out importing ${goQuote(ref)}: ${detail}`)
}

/** The failure message of the repository part of an `--all` import with failed tags. */
export function repositoryFailedStatus(failures: number): Status {
  return failure(
    'ImportFailed',
    0,
    failures === 1
      ? 'one of the images from this repository failed to import'
      : `${failures} of the images from this repository failed to import`
  )
}

/** Where an error happened, for the messages that name it. */
export type ImportErrorContext = {
  /** The reference as distribution normalises it, e.g. `docker.io/library/busybox:latest`. */
  readonly ref: string
  /** The repository path (`team/app`), for the HTTP-only message. */
  readonly repositoryName: string
  readonly insecure: boolean
}

/**
 * Maps a failure of fetching or converting an image to the status OpenShift reports (§2.10):
 * NAME_UNKNOWN, MANIFEST_UNKNOWN and plain 404s ⇒ NotFound; UNAUTHORIZED ⇒ Unauthorized (`incorrect
 * username or password for image …` when the registry said so); a plain-HTTP registry without the insecure
 * flag ⇒ BadRequest; everything else ⇒ InternalError `Internal error occurred: <ref>: <error>`. Beyond
 * OpenShift: a 429 / TOOMANYREQUESTS is TooManyRequests and a timeout is Timeout.
 */
export function statusForImportError(err: unknown, where: ImportErrorContext): Status {
  const text = err instanceof Error ? err.message : String(err)
  if (isRegistryError(err)) {
    switch (err.code) {
      case RegistryErrorCode.NameUnknown:
      case RegistryErrorCode.ManifestUnknown:
      case RegistryErrorCode.NotFound:
        return notFoundStatus(where.ref)
      case RegistryErrorCode.Unauthorized:
        if (text.toLowerCase().includes('incorrect username or password')) {
          return unauthorizedStatus(
            `incorrect username or password for image ${goQuote(where.ref)}`
          )
        }
        return unauthorizedStatus(
          `you may not have access to the container image ${goQuote(where.ref)}`
        )
      case RegistryErrorCode.HttpOnly:
        if (!where.insecure) {
          return badRequestStatus(
            `the repository ${where.repositoryName} is HTTP only and requires the insecure flag to import`
          )
        }
        break
      case RegistryErrorCode.TooManyRequests:
        return tooManyRequestsStatus(where.ref, err.detail, err.retryAfterMs)
      case RegistryErrorCode.Timeout:
        return timeoutStatus(where.ref, err.detail)
    }
    if (err.status === 429) return tooManyRequestsStatus(where.ref, err.detail, err.retryAfterMs)
    if (err.status === 404) return notFoundStatus(where.ref)
  } else if (isAppError(err, Reason.Timeout)) {
    return timeoutStatus(where.ref, text)
  }
  return internalErrorStatus(`${where.ref}: ${text}`)
}

/** Reports whether a status is a success. */
export function isSuccess(status: Status | undefined): boolean {
  return status?.status === 'Success'
}
