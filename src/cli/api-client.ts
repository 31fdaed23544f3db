import { rootCertificates } from 'node:tls'
import { Agent, request } from 'undici'
import type { List, Status } from '../api/meta.js'
import type { ResourceInfo } from '../api/scheme.js'
import { Reason } from '../shared/errors.js'
import { RenderedError, ServerError } from './cli-errors.js'
import { resourcePath } from './resource-path.js'

/** How to reach and authenticate to the API server. */
export type ApiClientOptions = {
  /** Base URL, e.g. `https://127.0.0.1:8443`. */
  readonly server: string
  readonly token?: string | undefined
  /** PEM CA bundle that signs the server's certificate (kubeconfig certificate-authority[-data]). */
  readonly caPem?: string | undefined
  readonly insecureSkipTlsVerify?: boolean | undefined
  /** Limit on each request (--request-timeout); undefined or 0 waits as long as it takes. */
  readonly timeoutMs?: number | undefined
  readonly userAgent?: string
}

/** One REST call. */
export type ApiRequest = {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly query?: Readonly<Record<string, string | undefined>>
  readonly body?: unknown
  readonly contentType?: string
  readonly signal?: AbortSignal
}

/** Where a namespaced or cluster-scoped object lives. */
export type ObjectLocation = {
  readonly namespace?: string | undefined
  readonly signal?: AbortSignal | undefined
}

/** A client of our Kubernetes-style REST API (bearer token, JSON, metav1.Status errors). */
export type ApiClient = {
  readonly server: string
  /** Sends one request and returns the decoded JSON body; non-2xx answers throw ServerError. */
  request<T = unknown>(req: ApiRequest): Promise<T>
  get<T>(info: ResourceInfo, name: string, at?: ObjectLocation): Promise<T>
  list<T>(
    info: ResourceInfo,
    at?: ObjectLocation & { readonly query?: Readonly<Record<string, string | undefined>> }
  ): Promise<List<T>>
  create<T>(info: ResourceInfo, obj: unknown, at?: ObjectLocation): Promise<T>
  update<T>(info: ResourceInfo, name: string, obj: unknown, at?: ObjectLocation): Promise<T>
  /** PATCH with a JSON merge patch (kubectl's choice for kinds without a strategic-merge schema). */
  patch<T>(info: ResourceInfo, name: string, patch: unknown, at?: ObjectLocation): Promise<T>
  delete(info: ResourceInfo, name: string, at?: ObjectLocation): Promise<unknown>
  /** Closes pooled connections. */
  close(): Promise<void>
}

/** Creates an API client that uses undici with the kubeconfig's CA and bearer token. */
export function createApiClient(opts: ApiClientOptions): ApiClient {
  const base = opts.server.replace(/\/+$/, '')
  const timeoutMs = opts.timeoutMs ?? 0
  const agent = new Agent({
    connect: {
      ...(opts.caPem === undefined ? {} : { ca: [...rootCertificates, opts.caPem] }),
      rejectUnauthorized: opts.insecureSkipTlsVerify !== true,
    },
    // Imports of whole repositories can take minutes: only --request-timeout bounds a request.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  })

  const send = async <T>(req: ApiRequest): Promise<T> => {
    const url = new URL(base + req.path)
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, v)
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': opts.userAgent ?? 'isctl',
    }
    if (opts.token !== undefined && opts.token !== '')
      headers.authorization = `Bearer ${opts.token}`
    let body: string | undefined
    if (req.body !== undefined) {
      body = JSON.stringify(req.body)
      headers['content-type'] = req.contentType ?? 'application/json'
    }
    const signals = [req.signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined
    )
    const signal = signals.length === 0 ? undefined : AbortSignal.any(signals)
    let res: Awaited<ReturnType<typeof request>>
    try {
      res = await request(url, {
        method: req.method,
        headers,
        ...(body === undefined ? {} : { body }),
        dispatcher: agent,
        ...(signal === undefined ? {} : { signal }),
      })
    } catch (err) {
      throw connectionError(err, url, timeoutMs)
    }
    const text = await res.body.text()
    let parsed: unknown
    try {
      parsed = text === '' ? {} : JSON.parse(text)
    } catch {
      // A non-JSON body (a proxy page, plain text) still deserves the status code in the message.
      parsed = undefined
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      if (parsed === undefined) {
        throw new RenderedError(
          Reason.InternalError,
          'invalid JSON',
          `error: the server returned a body that is not JSON (${req.method} ${url.pathname})`
        )
      }
      return parsed as T
    }
    const status: Status = isStatus(parsed) ? parsed : plainStatus(res.statusCode, text)
    throw new ServerError(status, res.statusCode)
  }

  const at = (
    info: ResourceInfo,
    name: string | undefined,
    loc: ObjectLocation | undefined
  ): { path: string; signal?: AbortSignal } => ({
    path: resourcePath(info, {
      ...(info.namespaced && loc?.namespace !== undefined ? { namespace: loc.namespace } : {}),
      ...(name === undefined ? {} : { name }),
    }),
    ...(loc?.signal === undefined ? {} : { signal: loc.signal }),
  })

  return {
    server: base,
    request: send,
    get: (info, name, loc) => send({ method: 'GET', ...at(info, name, loc) }),
    list: (info, loc) =>
      send({
        method: 'GET',
        ...at(info, undefined, loc),
        ...(loc?.query ? { query: loc.query } : {}),
      }),
    create: (info, obj, loc) => send({ method: 'POST', ...at(info, undefined, loc), body: obj }),
    update: (info, name, obj, loc) => send({ method: 'PUT', ...at(info, name, loc), body: obj }),
    patch: (info, name, patch, loc) =>
      send({
        method: 'PATCH',
        ...at(info, name, loc),
        body: patch,
        contentType: 'application/merge-patch+json',
      }),
    delete: (info, name, loc) => send({ method: 'DELETE', ...at(info, name, loc) }),
    close: () => agent.close(),
  }
}

function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status'
}

// What client-go makes of an error answer that is not a Status: the code and, if short, the body.
function plainStatus(code: number, text: string): Status {
  const reason =
    code === 404
      ? 'NotFound'
      : code === 401
        ? 'Unauthorized'
        : code === 403
          ? 'Forbidden'
          : code >= 500
            ? 'InternalError'
            : undefined
  const body = text.trim()
  const message =
    body !== '' && body.length < 512 && !body.includes('\n')
      ? body
      : `the server responded with the status code ${code} but did not return more information`
  return {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    message,
    ...(reason ? { reason } : {}),
  }
}

// kubectl's messages for requests that got no answer.
function connectionError(err: unknown, url: URL, timeoutMs: number): RenderedError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } }
  const code = e.code ?? e.cause?.code ?? ''
  if (code === 'ECONNREFUSED') {
    return new RenderedError(
      Reason.ServiceUnavailable,
      `connection refused: ${url.host}`,
      `The connection to the server ${url.host} was refused - did you specify the right host or port?`,
      { cause: err }
    )
  }
  if (
    e.name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    const after = timeoutMs > 0 ? ` after ${timeoutMs / 1000}s` : ''
    return new RenderedError(
      Reason.Timeout,
      `timeout${after}`,
      `Unable to connect to the server: request timed out${after} (raise --request-timeout)`,
      { cause: err }
    )
  }
  if (e.name === 'AbortError') {
    return new RenderedError(Reason.Timeout, 'aborted', 'error: request aborted', { cause: err })
  }
  let detail = e.message ?? String(err)
  if (/certificate|self.signed|unable to verify/i.test(detail) || /CERT|SELF_SIGNED/.test(code)) {
    detail = `tls: failed to verify certificate: ${detail} (pass the server's CA in the kubeconfig, or --insecure-skip-tls-verify)`
  }
  return new RenderedError(
    Reason.ServiceUnavailable,
    detail,
    `Unable to connect to the server: ${detail}`,
    { cause: err }
  )
}
