/**
 * Kubernetes StatusReason values used as the error kinds of the whole project.
 * The HTTP code is derived from the reason (see `httpStatusForReason`), never stored twice.
 */
export const Reason = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Expired: 'Expired',
  Invalid: 'Invalid',
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  TooManyRequests: 'TooManyRequests',
  Timeout: 'Timeout',
  ServiceUnavailable: 'ServiceUnavailable',
  InternalError: 'InternalError',
} as const
export type Reason = (typeof Reason)[keyof typeof Reason]

/** One field-level validation failure, rendered as a metav1.Status cause. */
export type FieldError = {
  readonly type: string
  readonly field: string
  readonly detail: string
}

/** Options of an AppError. */
export type AppErrorOptions = {
  readonly cause?: unknown
  readonly causes?: readonly FieldError[]
}

/** AppError is the one error family of the project: a message plus a Kubernetes reason. */
export class AppError extends Error {
  override readonly name: string = 'AppError'
  readonly reason: Reason
  readonly causes: readonly FieldError[]

  constructor(reason: Reason, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.reason = reason
    this.causes = opts.causes ?? []
  }
}

/** Reports whether err is an AppError, optionally of the given reason. Checks the field, not the class. */
export function isAppError(err: unknown, reason?: Reason): err is AppError {
  if (typeof err !== 'object' || err === null) return false
  const r = (err as { reason?: unknown }).reason
  if (typeof r !== 'string' || !Object.values(Reason).includes(r as Reason)) return false
  return reason === undefined || r === reason
}

const HTTP_STATUS: Record<Reason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Expired: 410,
  Invalid: 422,
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  TooManyRequests: 429,
  Timeout: 504,
  ServiceUnavailable: 503,
  InternalError: 500,
}

/** Returns the HTTP status code Kubernetes uses for a reason. */
export function httpStatusForReason(reason: Reason): number {
  return HTTP_STATUS[reason]
}

/** TerminalError marks a controller failure that retrying cannot fix. */
export class TerminalError extends Error {
  override readonly name: string = 'TerminalError'
}
