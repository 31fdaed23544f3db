import { httpStatusForReason, isAppError, Reason } from '../shared/errors.js'
import { errorBody } from './field-errors.js'
import type { Status, StatusCause, StatusDetails } from './meta.js'

/** The message of a non-AppError failure; internals are not shown to clients. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error occurred: an unexpected error occurred'

/**
 * Turns an error into the metav1.Status Kubernetes would return: reason, HTTP code, message, and for
 * errors carrying field errors the causes `{reason: 'FieldValueInvalid', message, field}` where message is
 * the error body (`Invalid value: "X": …`). An error with a `subject` (ApiError) fills details name, group
 * and kind. Anything that is not an AppError becomes a 500 InternalError with a fixed message.
 */
export function statusFromError(err: unknown): Status {
  if (!isAppError(err)) {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: INTERNAL_ERROR_MESSAGE,
      reason: Reason.InternalError,
      code: httpStatusForReason(Reason.InternalError),
    }
  }
  const details: StatusDetails = {}
  const subject = (err as { subject?: unknown }).subject
  if (typeof subject === 'object' && subject !== null) {
    const { name, group, kind } = subject as Record<string, unknown>
    if (typeof name === 'string' && name !== '') details.name = name
    if (typeof group === 'string' && group !== '') details.group = group
    if (typeof kind === 'string' && kind !== '') details.kind = kind
  }
  if (err.causes.length > 0) {
    details.causes = err.causes.map(
      (c): StatusCause => ({ reason: c.type, message: errorBody(c), field: c.field })
    )
  }
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
  }
  if (Object.keys(details).length > 0) status.details = details
  status.code = httpStatusForReason(err.reason)
  return status
}
