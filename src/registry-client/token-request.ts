import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Credential } from './credentials/types.js'
import { errorFromResponse, RegistryError, RegistryErrorCode } from './errors.js'
import { firstHeader } from './headers.js'
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport.js'
import { readErrorBody, readLimited } from './limited-body.js'
import { isRedirectStatus } from './redirect.js'
import { type RetryPolicy, withRetry } from './retry.js'
import { parseRetryAfter } from './retry-after.js'
import { tokenExpiry } from './token-cache.js'

/** Options of requestToken. */
export type TokenRequestOptions = {
  readonly transport: HttpTransport
  readonly retry: RetryPolicy
  readonly clock: Clock
  readonly logger?: Logger
  /** The realm, already checked with checkRealm. */
  readonly realm: URL
  readonly service: string | undefined
  /** Formatted scopes, e.g. `repository:team/app:pull`. */
  readonly scopes: readonly string[]
  /** undefined for an anonymous token. */
  readonly credential: Credential | undefined
  readonly registry: string
  readonly repository?: string
  /** Skip TLS verification (only ever set for a realm on the insecure registry's own host). */
  readonly insecure: boolean
  /** Cap on the token response (ggcr: 64 KiB). */
  readonly tokenBytes: number
  readonly errorBodyBytes: number
  /** OAuth2 client_id (any string; we send the user agent). */
  readonly clientId: string
  readonly signal: AbortSignal
}

/** A token from the token server. */
export type TokenResponse = {
  readonly token: string
  readonly expiresAt: number
  /** A new refresh token, when the server rotated it (OAuth2 flow). */
  readonly refreshToken?: string
}

/** Statuses of the OAuth2 POST that mean "this server does not do POST", so GET is tried (containerd). */
const POST_FALLBACK_STATUS: ReadonlySet<number> = new Set([400, 401, 404, 405])

/**
 * Gets a bearer token from the token server (distribution token.md and oauth.md). The flow:
 *  1. With an identity token: OAuth2 `POST <realm>` form `grant_type=refresh_token&refresh_token=…&client_id=…
 *     &service=…&scope=<space-separated>`; on 400/401/404/405 fall back to GET (when there is a password to
 *     send; otherwise the POST's error stands).
 *  2. Otherwise `GET <realm>?service=…&scope=…&scope=…&account=<user>`, keeping the realm's own query
 *     parameters, with `Authorization: Basic` when the credential has a username and password, anonymous
 *     without one.
 *  3. Never follow a redirect (a redirect could lead credentials anywhere); cap the body; take `access_token`,
 *     else `token`; expiry from issued_at + expires_in with the 60 s floor.
 * A 401 comes back as RegistryError UNAUTHORIZED (status 401): the caller moves on to the next credential.
 * https://distribution.github.io/distribution/spec/auth/token/
 * https://distribution.github.io/distribution/spec/auth/oauth/
 */
export async function requestToken(o: TokenRequestOptions): Promise<TokenResponse> {
  const identityToken = o.credential?.identityToken
  if (identityToken !== undefined && identityToken !== '') {
    try {
      return await postForToken(o, identityToken)
    } catch (err) {
      const status = (err as { status?: unknown }).status
      const canGet = basicAuthorization(o.credential) !== undefined
      if (!canGet || typeof status !== 'number' || !POST_FALLBACK_STATUS.has(status)) throw err
      o.logger?.debug('token POST refused, falling back to GET', { status })
    }
  }
  return getToken(o)
}

async function postForToken(o: TokenRequestOptions, refreshToken: string): Promise<TokenResponse> {
  const form = new URLSearchParams()
  form.set('grant_type', 'refresh_token')
  form.set('refresh_token', refreshToken)
  form.set('client_id', o.clientId)
  if (o.service !== undefined && o.service !== '') form.set('service', o.service)
  if (o.scopes.length > 0) form.set('scope', o.scopes.join(' '))
  // NB: never retried; a POST is not idempotent.
  return o.transport.exchange(
    {
      ...base(o),
      method: 'POST',
      url: o.realm,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
    },
    (res) => readTokenResponse(o, 'POST', res)
  )
}

async function getToken(o: TokenRequestOptions): Promise<TokenResponse> {
  const url = new URL(o.realm)
  if (o.service !== undefined && o.service !== '') url.searchParams.append('service', o.service)
  for (const s of o.scopes) url.searchParams.append('scope', s)
  const username = o.credential?.username
  const authorization = basicAuthorization(o.credential)
  if (authorization !== undefined && username !== undefined) {
    url.searchParams.append('account', username)
  }
  const headers: Record<string, string> = { accept: 'application/json' }
  if (authorization !== undefined) headers.authorization = authorization
  return withRetry(
    {
      policy: o.retry,
      clock: o.clock,
      signal: o.signal,
      idempotent: true,
      ...(o.logger === undefined ? {} : { logger: o.logger }),
    },
    () =>
      o.transport.exchange({ ...base(o), method: 'GET', url, headers }, (res) =>
        readTokenResponse(o, 'GET', res)
      )
  )
}

function base(o: TokenRequestOptions): Omit<HttpRequest, 'method' | 'url'> {
  return {
    registry: o.registry,
    insecure: o.insecure,
    signal: o.signal,
    ...(o.repository === undefined ? {} : { repository: o.repository }),
  }
}

/** `Basic base64(user:password)` for a credential with both, else undefined. */
export function basicAuthorization(c: Credential | undefined): string | undefined {
  if (c?.username === undefined || c.password === undefined) return undefined
  if (c.username === '' && c.password === '') return undefined
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`
}

async function readTokenResponse(
  o: TokenRequestOptions,
  method: string,
  res: HttpResponse
): Promise<TokenResponse> {
  const invalid = (message: string): RegistryError =>
    new RegistryError({ code: RegistryErrorCode.InvalidResponse, message, method, url: res.url })
  if (isRedirectStatus(res.status)) {
    throw invalid(
      `token server answered ${res.status}; redirects are not followed for token requests`
    )
  }
  if (res.status !== 200) {
    const body = await readErrorBody(res.body, o.errorBodyBytes)
    const retryAfterMs = parseRetryAfter(firstHeader(res.headers, 'retry-after'), o.clock.now())
    throw errorFromResponse({
      method,
      url: res.url,
      status: res.status,
      body,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    })
  }
  const bytes = await readLimited(res.body, {
    limit: o.tokenBytes,
    what: 'token response',
    method,
    url: res.url,
  })
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    throw invalid('token response is not JSON')
  }
  if (typeof doc !== 'object' || doc === null) throw invalid('token response is not a JSON object')
  const d = doc as Record<string, unknown>
  const token = nonEmpty(d.access_token) ?? nonEmpty(d.token)
  if (token === undefined) throw invalid('token response has neither token nor access_token')
  // The token goes into a header: refuse anything that could break out of it.
  if (!/^[\x21-\x7e]+$/.test(token)) throw invalid('token response has a malformed token')
  const refreshToken = nonEmpty(d.refresh_token)
  return {
    token,
    expiresAt: tokenExpiry({ now: o.clock.now(), expiresIn: d.expires_in, issuedAt: d.issued_at }),
    ...(refreshToken === undefined ? {} : { refreshToken }),
  }
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}
