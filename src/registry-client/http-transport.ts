import type { Readable } from 'node:stream'
import { rootCertificates } from 'node:tls'
import { Agent } from 'undici'
import { Reason } from '../shared/errors.js'
import { redactUrl } from '../shared/redact.js'
import { linkSignals } from './abort.js'
import { isRegistryError, RegistryError, RegistryErrorCode } from './errors.js'
import type { ResponseHeaders } from './headers.js'
import { Semaphore } from './semaphore.js'

/** The methods this client sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST'

/** One HTTP exchange to send. */
export type HttpRequest = {
  readonly method: HttpMethod
  readonly url: URL
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** The registry this request is made for (also for token servers and CDN hops): concurrency and metrics key. */
  readonly registry: string
  /** The repository, for messages. */
  readonly repository?: string
  /** Skip TLS certificate verification (the registry's insecure flag). */
  readonly insecure: boolean
  readonly signal: AbortSignal
}

/** A response whose body is streamed; it is only valid inside the exchange callback. */
export type HttpResponse = {
  readonly status: number
  readonly headers: ResponseHeaders
  readonly url: URL
  readonly body: Readable
}

/** What onRequest sees for every exchange; status 0 means no response arrived. */
export type RequestEvent = {
  readonly registry: string
  readonly method: string
  /** Redacted. */
  readonly url: string
  readonly status: number
  readonly durationMs: number
}

/** Options of createHttpTransport. */
export type HttpTransportOptions = {
  /** Extra PEM CAs trusted in addition to Node's bundled roots. */
  readonly caCerts?: readonly string[]
  readonly userAgent: string
  /** Limit on one whole exchange, headers and body. */
  readonly timeoutMs: number
  readonly maxConcurrentPerRegistry: number
  readonly onRequest?: (e: RequestEvent) => void
  /** Sees every response before the callback (rate-limit bookkeeping). */
  readonly onResponse?: (req: HttpRequest, res: HttpResponse) => void
}

/**
 * HttpTransport sends single HTTP exchanges: no redirects, no retries, no auth (those are layered above it).
 * `exchange` holds a per-registry concurrency permit and the per-request timeout until `handle` has finished
 * with the streamed body, then drains or drops what is left so the connection can be reused.
 */
export type HttpTransport = {
  exchange<T>(req: HttpRequest, handle: (res: HttpResponse) => Promise<T>): Promise<T>
  close(): Promise<void>
}

const DRAIN_LIMIT = 64 * 1024

/** Creates the undici-based transport: one keep-alive Agent per (origin, TLS verification). */
export function createHttpTransport(opts: HttpTransportOptions): HttpTransport {
  const agents = new Map<string, Agent>()
  const semaphores = new Map<string, Semaphore>()
  const ca =
    opts.caCerts !== undefined && opts.caCerts.length > 0
      ? [...rootCertificates, ...opts.caCerts]
      : undefined

  const agentFor = (url: URL, insecure: boolean): Agent => {
    const key = `${url.origin}|${insecure ? 'insecure' : 'verify'}`
    let agent = agents.get(key)
    if (agent === undefined) {
      agent = new Agent({
        keepAliveTimeout: 30_000,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
        connect: {
          rejectUnauthorized: !insecure,
          ...(ca === undefined ? {} : { ca }),
        },
      })
      agents.set(key, agent)
    }
    return agent
  }

  const semaphoreFor = (registry: string): Semaphore => {
    let s = semaphores.get(registry)
    if (s === undefined) {
      s = new Semaphore(opts.maxConcurrentPerRegistry)
      semaphores.set(registry, s)
    }
    return s
  }

  const exchange = async <T>(
    req: HttpRequest,
    handle: (res: HttpResponse) => Promise<T>
  ): Promise<T> => {
    const semaphore = semaphoreFor(req.registry)
    await semaphore.acquire(req.signal)
    const started = performance.now()
    const linked = linkSignals(req.signal)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      linked.abort(new Error('registry request timed out'))
    }, opts.timeoutMs)
    let status = 0
    let body: (Readable & { dump?: (o: { limit: number }) => Promise<void> }) | undefined
    try {
      const res = await agentFor(req.url, req.insecure).request({
        origin: req.url.origin,
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method,
        headers: {
          'user-agent': opts.userAgent,
          // Bodies are hashed and size-checked as they arrive: no transparent decoding (registry-protocol §5.4).
          'accept-encoding': 'identity',
          ...req.headers,
        },
        ...(req.body === undefined ? {} : { body: req.body }),
        // undici closes the connection after a HEAD unless told otherwise; scheduled checks are all HEADs,
        // so keep-alive matters more than guarding against registries that wrongly send a body on HEAD.
        ...(req.method === 'HEAD' ? { reset: false } : {}),
        signal: linked.signal,
      })
      status = res.statusCode
      body = res.body
      const response: HttpResponse = {
        status: res.statusCode,
        headers: res.headers as ResponseHeaders,
        url: req.url,
        body: res.body,
      }
      opts.onResponse?.(req, response)
      return await handle(response)
    } catch (err) {
      throw mapTransportError(err, req, timedOut, opts.timeoutMs)
    } finally {
      if (body !== undefined && !body.readableEnded && !body.destroyed) {
        try {
          await body.dump?.({ limit: DRAIN_LIMIT })
        } catch {
          // The connection is dropped instead of reused; nothing else depends on it.
        }
      }
      clearTimeout(timer)
      linked.dispose()
      semaphore.release()
      opts.onRequest?.({
        registry: req.registry,
        method: req.method,
        url: redactUrl(req.url),
        status,
        durationMs: performance.now() - started,
      })
    }
  }

  return {
    exchange,
    close: async () => {
      const all = [...agents.values()]
      agents.clear()
      await Promise.all(all.map((a) => a.close()))
    },
  }
}

const UNKNOWN_AUTHORITY: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
])
const EXPIRED: ReadonlySet<string> = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])
const OTHER_CERT: ReadonlySet<string> = new Set([
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
])
// What OpenSSL says when the "TLS" answer is really plain HTTP ("HTTP/1.1 400 …" read as a TLS record).
const PLAIN_HTTP: ReadonlySet<string> = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
])
const TEMPORARY_NETWORK: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
])
const TIMEOUTS: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

/**
 * Turns what undici and OpenSSL throw into RegistryErrors with our codes. The caller's abort passes through
 * untouched; errors that are not network errors (bugs, RegistryErrors from the callback) too.
 */
export function mapTransportError(
  err: unknown,
  req: Pick<HttpRequest, 'method' | 'url' | 'registry' | 'repository' | 'signal'>,
  timedOut: boolean,
  timeoutMs: number
): unknown {
  if (req.signal.aborted) return req.signal.reason
  if (isRegistryError(err)) return err
  const base = { method: req.method, url: req.url, cause: err }
  if (timedOut) {
    return new RegistryError({
      ...base,
      code: RegistryErrorCode.Timeout,
      reason: Reason.Timeout,
      message: `request timed out after ${timeoutMs} ms`,
      temporary: true,
    })
  }
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return err
  const host = req.url.host
  const certHint = '(pass --insecure to skip verification, or trust its CA)'
  const tlsError = (message: string): RegistryError =>
    new RegistryError({
      ...base,
      code: RegistryErrorCode.TlsVerify,
      reason: Reason.InternalError,
      message,
    })
  if (UNKNOWN_AUTHORITY.has(code)) {
    return tlsError(`x509: certificate signed by unknown authority for ${host} ${certHint}`)
  }
  if (EXPIRED.has(code)) {
    return tlsError(`x509: certificate has expired or is not yet valid for ${host} ${certHint}`)
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return tlsError(`x509: certificate is not valid for ${req.url.hostname} ${certHint}`)
  }
  if (OTHER_CERT.has(code)) {
    return tlsError(`x509: ${messageOf(err)} for ${host} ${certHint}`)
  }
  if (PLAIN_HTTP.has(code) && req.url.protocol === 'https:') {
    const what =
      req.repository === undefined
        ? `the registry ${req.registry}`
        : `the repository ${req.registry}/${req.repository}`
    return new RegistryError({
      ...base,
      code: RegistryErrorCode.HttpOnly,
      reason: Reason.BadRequest,
      message: `${what} is HTTP only and requires the insecure flag to import`,
    })
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return tlsError(`tls: ${messageOf(err)} (${host})`)
  }
  if (TIMEOUTS.has(code)) {
    return new RegistryError({
      ...base,
      code: RegistryErrorCode.Timeout,
      reason: Reason.Timeout,
      message: `${messageOf(err)} (${code})`,
      temporary: true,
    })
  }
  if (code.startsWith('HPE_')) {
    return new RegistryError({
      ...base,
      code: RegistryErrorCode.InvalidResponse,
      message: `malformed HTTP response (${code})`,
    })
  }
  if (TEMPORARY_NETWORK.has(code) || code.startsWith('E') || code.startsWith('UND_ERR_')) {
    return new RegistryError({
      ...base,
      code: RegistryErrorCode.Connection,
      reason: Reason.ServiceUnavailable,
      message: `${messageOf(err)} (${code})`,
      temporary: TEMPORARY_NETWORK.has(code),
    })
  }
  return err
}

function messageOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err)
  // OpenSSL messages carry a file:line tail that helps nobody.
  return m.split(':../deps/')[0]?.slice(0, 300) ?? ''
}
