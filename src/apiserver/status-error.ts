import type { Status } from '../api/meta.js'
import { statusFromError } from '../api/status.js'
import { AppError, type AppErrorOptions, Reason } from '../shared/errors.js'

// Kubernetes answers a few HTTP failures whose StatusReason is not one of the project's Reasons
// (405 MethodNotAllowed, 406 NotAcceptable, 413 RequestEntityTooLarge, 415 UnsupportedMediaType).
// HttpStatusError carries them; it is still an AppError (reason BadRequest) for everyone else.

/** An AppError with an HTTP code and StatusReason of its own. */
export class HttpStatusError extends AppError {
  override readonly name: string = 'HttpStatusError'
  readonly httpCode: number
  readonly statusReason: string

  constructor(httpCode: number, statusReason: string, message: string, opts: AppErrorOptions = {}) {
    super(Reason.BadRequest, message, opts)
    this.httpCode = httpCode
    this.statusReason = statusReason
  }
}

/** 405: the resource does not support the verb. */
export function methodNotAllowed(): HttpStatusError {
  return new HttpStatusError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource'
  )
}

/** 415: a body in a format this endpoint does not read. */
export function unsupportedMediaType(
  contentType: string,
  accepted: readonly string[]
): HttpStatusError {
  return new HttpStatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType || 'none'}) - accepted media types include: ${accepted.join(', ')}`
  )
}

/** 413: a body larger than the server reads. */
export function requestEntityTooLarge(limit: number): HttpStatusError {
  return new HttpStatusError(
    413,
    'RequestEntityTooLarge',
    `the request entity is too large: limit is ${limit} bytes`
  )
}

/** Renders any error as the metav1.Status the API answers with, and its HTTP code. */
export function renderStatus(err: unknown): { code: number; status: Status } {
  const status = statusFromError(err)
  if (err instanceof HttpStatusError) {
    status.reason = err.statusReason
    status.code = err.httpCode
  }
  return { code: status.code ?? 500, status }
}
