import { AppError, Reason } from '../shared/errors.js'

/**
 * Parses a resourceVersion into a revision number; BadRequest unless it is a decimal string of a
 * safe integer. `what` names the field in the message.
 */
export function parseRevision(value: string, what = 'resource version'): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) {
    throw new AppError(Reason.BadRequest, `invalid ${what} ${JSON.stringify(value.slice(0, 40))}`)
  }
  const n = Number(value)
  if (!Number.isSafeInteger(n)) {
    throw new AppError(Reason.BadRequest, `invalid ${what} ${JSON.stringify(value.slice(0, 40))}`)
  }
  return n
}

/** Formats a revision as a resourceVersion. */
export function formatRevision(revision: number): string {
  return String(revision)
}
