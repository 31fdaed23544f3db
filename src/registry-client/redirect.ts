import { RegistryError, RegistryErrorCode } from './errors.js'

/** Most redirects followed for one request (Go's and containerd's limit). */
export const MAX_REDIRECTS = 10

const REDIRECT_STATUS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/** Reports whether a status is a redirect this client follows. */
export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUS.has(status)
}

/** Options of nextRedirectUrl. */
export type NextRedirectOptions = {
  readonly method: string
  /** The URL that answered with the redirect. */
  readonly from: URL
  /** The Location header. */
  readonly location: string | readonly string[] | undefined
  /** Redirects followed so far, this one excluded. */
  readonly hops: number
}

/**
 * Resolves the next hop of a redirect (redirects are followed by hand, never by the HTTP library, so that
 * credentials can be decided per hop). Refuses a missing Location, more than MAX_REDIRECTS hops, schemes other
 * than http(s), and https→http downgrades; user info in the Location is dropped.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#registry-redirects
 */
export function nextRedirectUrl(o: NextRedirectOptions): URL {
  const fail = (message: string): RegistryError =>
    new RegistryError({
      code: RegistryErrorCode.InvalidResponse,
      message,
      method: o.method,
      url: o.from,
    })
  const location = Array.isArray(o.location) ? o.location[0] : o.location
  if (typeof location !== 'string' || location.trim() === '') {
    throw fail('redirect without a Location header')
  }
  if (o.hops + 1 > MAX_REDIRECTS) throw fail(`stopped after ${MAX_REDIRECTS} redirects`)
  let next: URL
  try {
    next = new URL(location, o.from)
  } catch {
    throw fail('redirect to an invalid Location')
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw fail(`redirect to unsupported scheme ${next.protocol}`)
  }
  if (o.from.protocol === 'https:' && next.protocol === 'http:') {
    throw fail('refusing redirect from https to http')
  }
  next.username = ''
  next.password = ''
  next.hash = ''
  return next
}
