import { randomUUID } from 'node:crypto'
import type { Logger } from '../shared/log.js'
import { redactUrl } from '../shared/redact.js'

/** The header carrying a request id, accepted from clients and echoed in responses. */
export const REQUEST_ID_HEADER = 'x-request-id'

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Returns a new request id (a random UUID). */
export function newRequestId(): string {
  return randomUUID()
}

/**
 * Returns the client's request id when it is a plain token (`[A-Za-z0-9._:-]`, at most 128
 * characters), else a new one: ids end up in logs, so nothing else is trusted.
 */
export function requestIdFrom(incoming: string | null | undefined): string {
  return incoming !== null && incoming !== undefined && SAFE_REQUEST_ID.test(incoming)
    ? incoming
    : newRequestId()
}

// Headers whose values are credentials or session material: never logged, whatever their value.
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-registry-auth',
  'x-auth-token',
  'x-api-key',
])
const SECRET_HEADER_PATTERN = /token|secret|password|passwd|credential|auth|session|api-?key/i

/**
 * Returns a copy of headers that is safe to log: credential headers (Authorization, cookies, anything
 * named like a token, secret, password or auth) are replaced by `[REDACTED]`; names are lower-cased.
 */
export function safeHeaders(
  headers:
    | Iterable<[string, string]>
    | Readonly<Record<string, string | readonly string[] | undefined>>
): Record<string, string> {
  const entries: [string, string][] =
    Symbol.iterator in headers
      ? [...(headers as Iterable<[string, string]>)]
      : Object.entries(headers as Record<string, string | readonly string[] | undefined>).flatMap(
          ([k, v]): [string, string][] =>
            v === undefined ? [] : [[k, typeof v === 'string' ? v : v.join(', ')]]
        )
  const out: Record<string, string> = {}
  for (const [name, value] of entries) {
    const k = name.toLowerCase()
    out[k] = SECRET_HEADERS.has(k) || SECRET_HEADER_PATTERN.test(k) ? '[REDACTED]' : value
  }
  return out
}

/**
 * Returns a request path with query parameters that look like credentials (token, secret, password,
 * signature, …) replaced by `REDACTED`, and without any user info.
 */
export function safePath(pathAndQuery: string): string {
  const redacted = redactUrl(new URL(pathAndQuery, 'http://request.invalid'))
  if (redacted === '<invalid url>') return '<invalid path>'
  const u = new URL(redacted)
  return `${u.pathname}${u.search}`
}

/** What is known about one served request when it finishes. */
export type RequestLogInput = {
  readonly requestId: string
  readonly method: string
  /** Path and query as received. */
  readonly path: string
  readonly status: number
  readonly durationMs: number
  readonly remoteAddress?: string
  readonly userAgent?: string
  /** The authenticated user's name (never the token). */
  readonly user?: string
  /** Response body size, when known. */
  readonly bytes?: number
  /** Only when asked for: logged through safeHeaders. */
  readonly headers?: Iterable<[string, string]> | Readonly<Record<string, string>>
}

/**
 * The fields of one JSON request log line: request id, method, redacted path, status, duration and
 * the optional fields; no header value is ever logged unredacted, and Authorization never at all.
 */
export function requestLogFields(o: RequestLogInput): Record<string, unknown> {
  return {
    requestId: o.requestId,
    method: o.method,
    path: safePath(o.path),
    status: o.status,
    durationMs: Math.round(o.durationMs * 10) / 10,
    ...(o.remoteAddress === undefined ? {} : { remoteAddress: o.remoteAddress }),
    ...(o.userAgent === undefined ? {} : { userAgent: o.userAgent.slice(0, 256) }),
    ...(o.user === undefined ? {} : { user: o.user }),
    ...(o.bytes === undefined ? {} : { bytes: o.bytes }),
    ...(o.headers === undefined ? {} : { headers: safeHeaders(o.headers) }),
  }
}

/**
 * Logs one served request as a structured line (`msg: "request"`): info below 500, error from 500.
 * With jsonLogger each call is one JSON line.
 */
export function logRequest(logger: Logger, o: RequestLogInput): void {
  const fields = requestLogFields(o)
  if (o.status >= 500) logger.error('request', fields)
  else logger.info('request', fields)
}
