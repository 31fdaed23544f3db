import type { Status } from '../api/meta.js'
import { AppError, Reason } from '../shared/errors.js'

// Errors whose text kubectl prints verbatim (no `error: ` prefix): server Status errors
// (`Error from server (NotFound): …`, `The ImageStream "x" is invalid: …`) and connection failures
// (`The connection to the server … was refused …`, `Unable to connect to the server: …`).

/** An error printed exactly as `rendered` on stderr, with exit code 1. */
export class RenderedError extends AppError {
  override readonly name: string = 'RenderedError'
  readonly rendered: string

  constructor(reason: Reason, message: string, rendered: string, opts: { cause?: unknown } = {}) {
    super(reason, message, opts)
    this.rendered = rendered
  }
}

/** A metav1.Status failure returned by the API server. */
export class ServerError extends RenderedError {
  override readonly name: string = 'ServerError'
  readonly status: Status
  readonly code: number

  constructor(status: Status, code: number) {
    const reason = asReason(status.reason, code)
    super(reason, status.message ?? '', renderStatus(status, code))
    this.status = status
    this.code = code
  }
}

/** Reports whether err is a ServerError, optionally with the given Status reason. */
export function isServerError(err: unknown, reason?: string): err is ServerError {
  if (!(err instanceof ServerError)) return false
  return reason === undefined || err.status.reason === reason
}

/** Reports whether err is a NotFound error from the server (also a bare 404). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ServerError && (err.status.reason === 'NotFound' || err.code === 404)
}

/**
 * Returns the error with kubectl's source context added to a server message, as `kubectl create -f`
 * does: `error when creating "stream.yaml": imagestreams.image.openshift.io "x" already exists`.
 */
export function withSource(err: unknown, verb: string, source: string): unknown {
  if (!(err instanceof ServerError) || source === '') return err
  const message = `error when ${verb} ${JSON.stringify(source)}: ${err.status.message ?? ''}`
  return new ServerError({ ...err.status, message }, err.code)
}

/**
 * kubectl's StandardErrorMessage for a Status: Unauthorized → `error: You must be logged in to the server
 * (…)`; Invalid with causes → `The Kind "name" is invalid: field: message` (a `* `-list for several);
 * any other reason → `Error from server (Reason): message`; no reason → `Error from server: message`.
 */
export function renderStatus(status: Status, code: number): string {
  const message = status.message ?? ''
  if (status.reason === 'Unauthorized' || (status.reason === undefined && code === 401)) {
    return `error: You must be logged in to the server (${message === '' ? 'Unauthorized' : message})`
  }
  const details = status.details
  if (status.reason === 'Invalid' && details !== undefined) {
    let prefix = 'The request is invalid'
    if ((details.kind ?? '') !== '' || (details.name ?? '') !== '') {
      prefix = `The ${details.kind ?? ''} ${JSON.stringify(details.name ?? '')} is invalid`
    }
    // statusCausesToAggrError: `field: message`, duplicates dropped.
    const causes = [
      ...new Set((details.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`)),
    ]
    if (causes.length === 0) return `${prefix}: ${message}`
    if (causes.length === 1) return `${prefix}: ${causes[0]}`
    return `${prefix}: \n${causes.map((c) => `* ${c}`).join('\n')}`
  }
  if ((status.reason ?? '') !== '') return `Error from server (${status.reason}): ${message}`
  if (message === '') {
    return `error: the server responded with the status code ${code} but did not return more information`
  }
  return `Error from server: ${message}`
}

function asReason(reason: string | undefined, code: number): Reason {
  if (reason !== undefined && (Object.values(Reason) as string[]).includes(reason)) {
    return reason as Reason
  }
  if (code === 404) return Reason.NotFound
  if (code === 401) return Reason.Unauthorized
  if (code === 403) return Reason.Forbidden
  if (code === 409) return Reason.Conflict
  if (code === 422) return Reason.Invalid
  if (code === 400) return Reason.BadRequest
  return Reason.InternalError
}

/** A failure whose messages the command already printed: exit 1, nothing more on stderr. */
export class SilentFailure extends Error {
  override readonly name: string = 'SilentFailure'
}
