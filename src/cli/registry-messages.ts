import { AppError, isAppError } from '../shared/errors.js'

const HINTS: Record<string, string> = {
  MANIFEST_UNKNOWN: 'the tag or digest does not exist in this repository',
  NAME_UNKNOWN: 'the repository does not exist in this registry',
  UNAUTHORIZED: 'check the credentials (--authfile) for this registry',
  DENIED: 'the registry refused access with the credentials given',
  CONNECTION: 'is the registry running and the host and port right?',
  TIMEOUT: 'the registry did not answer in time; raise --request-timeout or try again later',
  TOOMANYREQUESTS: 'the registry rate-limits you; try again later or authenticate',
}

/**
 * Rewrites an error of the registry client into the message a CLI user should see: the image first, then
 * what went wrong, then what to do. The original error stays as `cause` (shown with -v).
 */
export function describeRegistryError(err: unknown, image: string, insecure: boolean): unknown {
  if (!isAppError(err)) return err
  const code = (err as { code?: unknown }).code
  let hint = typeof code === 'string' ? HINTS[code] : undefined
  if (code === 'CONNECTION' && !insecure && /ECONNRESET|socket/i.test(err.message)) {
    hint = `${hint} If it serves plain HTTP, pass --insecure`
  }
  // The request line (method and URL) is for -v; the user sees what failed and what to do.
  const detail = (err as { detail?: unknown }).detail
  const what = typeof detail === 'string' && detail !== '' ? detail : err.message
  const text = hint === undefined ? what : `${what} (${hint})`
  return new AppError(err.reason, `${image}: ${text}`, { cause: err })
}
