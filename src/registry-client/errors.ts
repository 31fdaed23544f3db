import { STATUS_CODES } from 'node:http'
import { AppError, Reason } from '../shared/errors.js'
import { redactUrl } from '../shared/redact.js'

/**
 * Stable `code` values of RegistryError. OCI error codes from the distribution spec come through as sent by the
 * registry (so `code` is an open string); the codes below are the ones this client produces itself.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes
 */
export const RegistryErrorCode = {
  // OCI / Docker codes, also used when a status has no JSON body.
  Unauthorized: 'UNAUTHORIZED',
  Denied: 'DENIED',
  TooManyRequests: 'TOOMANYREQUESTS',
  ManifestUnknown: 'MANIFEST_UNKNOWN',
  NameUnknown: 'NAME_UNKNOWN',
  BlobUnknown: 'BLOB_UNKNOWN',
  Unavailable: 'UNAVAILABLE',
  // Status without a usable error body: 404 → NOT_FOUND, any other unexpected status → UNEXPECTED_STATUS.
  NotFound: 'NOT_FOUND',
  UnexpectedStatus: 'UNEXPECTED_STATUS',
  // Our own.
  TlsVerify: 'TLS_VERIFY',
  HttpOnly: 'HTTP_ONLY',
  Connection: 'CONNECTION',
  Timeout: 'TIMEOUT',
  DigestMismatch: 'DIGEST_MISMATCH',
  TooLarge: 'TOO_LARGE',
  NotV2: 'NOT_V2',
  RealmRejected: 'REALM_REJECTED',
  InvalidResponse: 'INVALID_RESPONSE',
  InvalidRequest: 'INVALID_REQUEST',
} as const
/** One of the codes above (RegistryError.code itself is an open string: registries send their own). */
export type RegistryErrorCode = (typeof RegistryErrorCode)[keyof typeof RegistryErrorCode]

/** One entry of a spec error body `{"errors":[{code,message,detail}]}`. */
export type Diagnostic = {
  readonly code: string
  readonly message: string
  readonly detail?: unknown
}

/** Fields of a RegistryError; `message` is the part after `METHOD url: `. */
export type RegistryErrorInit = {
  readonly code: string
  readonly message: string
  /** Defaults to a reason derived from status, else from code. */
  readonly reason?: Reason
  readonly status?: number
  readonly method?: string
  /** Redacted by the constructor. */
  readonly url?: string | URL
  readonly diagnostics?: readonly Diagnostic[]
  /** Whether retrying the same request may succeed. */
  readonly temporary?: boolean
  /** Server-requested wait (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number
  readonly cause?: unknown
}

/**
 * RegistryError is the one error of the outbound registry client (after ggcr's `transport.Error`): the HTTP
 * status, a stable `code`, the spec diagnostics, the request method and redacted URL, and whether the failure
 * is temporary (used by the retry layer). Messages read `GET https://host/v2/x/manifests/y: MANIFEST_UNKNOWN:
 * manifest unknown` and never contain credentials or tokens.
 */
export class RegistryError extends AppError {
  override readonly name: string = 'RegistryError'
  readonly code: string
  readonly status?: number
  readonly method?: string
  readonly url?: string
  readonly diagnostics: readonly Diagnostic[]
  readonly temporary: boolean
  readonly retryAfterMs?: number
  /** The message without the `METHOD url: ` prefix. */
  readonly detail: string

  constructor(init: RegistryErrorInit) {
    const url = init.url === undefined ? undefined : redactUrl(init.url)
    const prefix = init.method !== undefined && url !== undefined ? `${init.method} ${url}: ` : ''
    const reason =
      init.reason ??
      (init.status !== undefined ? reasonForStatus(init.status) : reasonForCode(init.code))
    super(reason, `${prefix}${init.message}`, init.cause === undefined ? {} : { cause: init.cause })
    this.code = init.code
    this.detail = init.message
    this.diagnostics = init.diagnostics ?? []
    this.temporary = init.temporary ?? false
    if (init.status !== undefined) this.status = init.status
    if (init.method !== undefined) this.method = init.method
    if (url !== undefined) this.url = url
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
  }
}

/** Reports whether err is a RegistryError (by its fields, not the class), optionally with the given code. */
export function isRegistryError(err: unknown, code?: string): err is RegistryError {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { name?: unknown; code?: unknown; reason?: unknown }
  if (e.name !== 'RegistryError' || typeof e.code !== 'string' || typeof e.reason !== 'string') {
    return false
  }
  return code === undefined || e.code === code
}

/**
 * Maps an HTTP status to a reason (regclient `HTTPError`): 401 Unauthorized, 403 Forbidden, 404 NotFound,
 * 408 Timeout, 429 TooManyRequests, 5xx ServiceUnavailable, other 4xx BadRequest, anything else InternalError.
 */
export function reasonForStatus(status: number): Reason {
  if (status === 401) return Reason.Unauthorized
  if (status === 403) return Reason.Forbidden
  if (status === 404) return Reason.NotFound
  if (status === 408) return Reason.Timeout
  if (status === 429) return Reason.TooManyRequests
  if (status >= 500 && status <= 599) return Reason.ServiceUnavailable
  if (status >= 400 && status <= 499) return Reason.BadRequest
  return Reason.InternalError
}

const REASON_BY_CODE: Readonly<Record<string, Reason>> = {
  UNAUTHORIZED: Reason.Unauthorized,
  DENIED: Reason.Forbidden,
  TOOMANYREQUESTS: Reason.TooManyRequests,
  MANIFEST_UNKNOWN: Reason.NotFound,
  NAME_UNKNOWN: Reason.NotFound,
  BLOB_UNKNOWN: Reason.NotFound,
  NOT_FOUND: Reason.NotFound,
  UNAVAILABLE: Reason.ServiceUnavailable,
  CONNECTION: Reason.ServiceUnavailable,
  TIMEOUT: Reason.Timeout,
  HTTP_ONLY: Reason.BadRequest,
  INVALID_REQUEST: Reason.BadRequest,
  // OpenShift reports a registry without the v2 API as Forbidden (reason NotV2Registry).
  NOT_V2: Reason.Forbidden,
  REALM_REJECTED: Reason.Forbidden,
}

/** Maps one of our codes (or an OCI code) to a reason when there is no HTTP status; default InternalError. */
export function reasonForCode(code: string): Reason {
  return REASON_BY_CODE[code] ?? Reason.InternalError
}

const TEMPORARY_STATUS: ReadonlySet<number> = new Set([408, 429, 502, 503, 504])
const TEMPORARY_CODES: ReadonlySet<string> = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE'])

/** Reports whether a status (or an OCI code in its body) is worth retrying (ggcr `Temporary()` tables). */
export function isTemporaryStatus(status: number, codes: readonly string[] = []): boolean {
  return TEMPORARY_STATUS.has(status) || codes.some((c) => TEMPORARY_CODES.has(c))
}

const MAX_DIAGNOSTICS = 10
const MAX_TEXT = 300

/** Parses a spec error body; non-JSON or odd shapes yield no diagnostics (bodies may be HTML or plain text). */
export function parseDiagnostics(body: Uint8Array | undefined): Diagnostic[] {
  if (body === undefined || body.byteLength === 0) return []
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch {
    // Not JSON: that's fine, the caller falls back to the status line and a text snippet.
    return []
  }
  const errors = (doc as { errors?: unknown } | null)?.errors
  if (!Array.isArray(errors)) return []
  const out: Diagnostic[] = []
  for (const e of errors.slice(0, MAX_DIAGNOSTICS)) {
    if (typeof e !== 'object' || e === null) continue
    const { code, message, detail } = e as { code?: unknown; message?: unknown; detail?: unknown }
    if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]{0,63}$/.test(code)) continue
    const d: Diagnostic = {
      code,
      message: typeof message === 'string' ? truncate(message) : '',
      ...(detail === undefined ? {} : { detail }),
    }
    out.push(d)
  }
  return out
}

/** Inputs of errorFromResponse. */
export type ErrorFromResponseOptions = {
  readonly method: string
  readonly url: string | URL
  readonly status: number
  /** The error body, already read with a cap; undefined for HEAD. */
  readonly body?: Uint8Array
  /** Parsed Retry-After, in milliseconds. */
  readonly retryAfterMs?: number
}

/**
 * Builds the RegistryError for an unexpected HTTP status: code from the first diagnostic (else from the
 * status), reason from the status, temporary from the status/code tables. HEAD errors say that HEAD responses
 * have no body (ggcr).
 */
export function errorFromResponse(o: ErrorFromResponseOptions): RegistryError {
  const diagnostics = parseDiagnostics(o.body)
  const first = diagnostics[0]
  const code = first?.code ?? codeForStatus(o.status)
  let message: string
  if (diagnostics.length > 0) {
    message = diagnostics.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join('; ')
  } else {
    message = `unexpected status code ${o.status} ${STATUS_CODES[o.status] ?? ''}`.trimEnd()
    if (o.method === 'HEAD') {
      message += ' (HEAD responses have no body, use GET for details)'
    } else {
      const snippet = textSnippet(o.body)
      if (snippet !== '') message += `: ${snippet}`
    }
  }
  return new RegistryError({
    code,
    message,
    status: o.status,
    method: o.method,
    url: o.url,
    diagnostics,
    temporary: isTemporaryStatus(
      o.status,
      diagnostics.map((d) => d.code)
    ),
    ...(o.retryAfterMs === undefined ? {} : { retryAfterMs: o.retryAfterMs }),
  })
}

function codeForStatus(status: number): string {
  if (status === 401) return RegistryErrorCode.Unauthorized
  if (status === 403) return RegistryErrorCode.Denied
  if (status === 404) return RegistryErrorCode.NotFound
  if (status === 429) return RegistryErrorCode.TooManyRequests
  if (status >= 500 && status <= 599) return RegistryErrorCode.Unavailable
  return RegistryErrorCode.UnexpectedStatus
}

function textSnippet(body: Uint8Array | undefined): string {
  if (body === undefined || body.byteLength === 0) return ''
  const text = Buffer.from(body.subarray(0, 1024))
    .toString('utf8')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return truncate(text, 200)
}

function truncate(s: string, max = MAX_TEXT): string {
  return s.length > max ? `${s.slice(0, max)}…` : s
}

/**
 * Returns err with every occurrence of the given secrets replaced by `REDACTED` in its message and
 * diagnostics. A registry can echo what it received (an Authorization header, a token) in an error body; this
 * keeps such echoes out of logs and conditions.
 */
export function scrubSecrets(err: unknown, secrets: Iterable<string>): unknown {
  const list = [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)
  if (list.length === 0 || !(err instanceof Error)) return err
  const scrub = (s: string): string => {
    let out = s
    for (const secret of list) out = out.split(secret).join('REDACTED')
    return out
  }
  if (!isRegistryError(err)) {
    const m = scrub(err.message)
    if (m !== err.message) err.message = m
    return err
  }
  const text = JSON.stringify(err.diagnostics)
  if (
    !list.some(
      (s) =>
        err.message.includes(s) || text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1))
    )
  ) {
    return err
  }
  const scrubValue = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrub(v)
    if (depth > 8 || typeof v !== 'object' || v === null) return v
    if (Array.isArray(v)) return v.map((x) => scrubValue(x, depth + 1))
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [scrub(k), scrubValue(x, depth + 1)])
    )
  }
  return new RegistryError({
    code: err.code,
    message: scrub(err.detail),
    reason: err.reason,
    ...(err.status === undefined ? {} : { status: err.status }),
    ...(err.method === undefined ? {} : { method: err.method }),
    ...(err.url === undefined ? {} : { url: err.url }),
    diagnostics: scrubValue(err.diagnostics, 0) as Diagnostic[],
    temporary: err.temporary,
    ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
    ...(err.cause === undefined ? {} : { cause: err.cause }),
  })
}
