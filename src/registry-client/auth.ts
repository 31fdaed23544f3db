import { createHash } from 'node:crypto'
import { raceSignal } from './abort.js'
import { type Challenge, parseChallenges, pickChallenge } from './challenge.js'
import type { ClientContext, RepositoryTarget } from './context.js'
import type { Credential } from './credentials/types.js'
import {
  type Diagnostic,
  isRegistryError,
  parseDiagnostics,
  RegistryError,
  RegistryErrorCode,
} from './errors.js'
import { allHeaders, firstHeader } from './headers.js'
import type { HttpResponse } from './http-transport.js'
import { readErrorBody } from './limited-body.js'
import { BASIC_FALLBACK_CHALLENGE, type Endpoint } from './ping.js'
import { checkRealm } from './realm-policy.js'
import { isRedirectStatus, nextRedirectUrl } from './redirect.js'
import { withRetry } from './retry.js'
import {
  formatScope,
  mergeScopes,
  parseScopes,
  type ResourceScope,
  repositoryScope,
  scopesCover,
} from './scope.js'
import { basicAuthorization, requestToken } from './token-request.js'

/** A request to the registry that needs authorization. */
export type AuthorizedRequest = {
  readonly method: 'GET' | 'HEAD'
  /** A path on the registry's endpoint (`/v2/…`), or an absolute URL on it. */
  readonly url: string | URL
  readonly headers?: Readonly<Record<string, string>>
  /** Follow redirects by hand (blobs); credentials never leave the registry origin. */
  readonly followRedirects?: boolean
}

/** Per-operation state: the caller's signal and the secrets to scrub from any error that escapes. */
export type OperationContext = {
  readonly signal: AbortSignal
  readonly secrets: Set<string>
}

/** The identity of "no credential" in caches. */
export const ANONYMOUS_ID = 'anonymous'

/**
 * A stable, non-secret identity for a credential (a truncated hash of its secret material), used in cache keys
 * so that a changed password never reuses a token minted for the old one.
 */
export function credentialIdentity(c: Credential | undefined): string {
  if (c === undefined) return ANONYMOUS_ID
  const material = JSON.stringify([c.username, c.password, c.identityToken, c.registryToken])
  return `cred-${createHash('sha256').update(material).digest('hex').slice(0, 24)}`
}

type Candidate = {
  readonly credential: Credential | undefined
  readonly id: string
  readonly label: string
}

type Done<T> = { readonly kind: 'done'; readonly value: T }

type Sent<T> =
  | Done<T>
  | {
      readonly kind: 'unauthorized'
      readonly challenges: readonly Challenge[]
      readonly diagnostics: readonly Diagnostic[]
    }

type Outcome<T> =
  | Done<T>
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'rejected'; readonly why: string; readonly diagnostics: readonly Diagnostic[] }

const UNUSABLE = Symbol('unusable credential')

/**
 * Sends a registry request with the right credentials and hands the response to `handle` (which sees every
 * status except a 401 from the registry and, when following, redirects). The handshake:
 *  1. Get the endpoint (ping cached per registry): scheme and challenge.
 *  2. No challenge: send anonymously; a 401 then teaches the challenge.
 *  3. Otherwise try each credential of the keyring lookup, most specific first (the one that worked last time
 *     for this repository first), then anonymous:
 *     a. Basic challenge: `Authorization: Basic` for a username/password credential.
 *     b. Bearer challenge: a registry token goes straight in; otherwise a token from the (policy-checked)
 *        realm for `repository:<name>:pull`, cached.
 *     c. A 401 with `error="invalid_token"` refreshes the token once; `error="insufficient_scope"` with a
 *        scope we lack extends the scope once; a 401 with a different challenge switches to it once.
 *     d. Any other 401 from the registry, or a 401 from the token server, rejects the credential: next one.
 *  4. All rejected: Unauthorized naming the credential sources tried and the keyring's notes.
 * Temporary failures are retried per exchange; redirects are followed by hand with credentials only on the
 * registry origin.
 */
export async function sendAuthorized<T>(
  ctx: ClientContext,
  target: RepositoryTarget,
  request: AuthorizedRequest,
  handle: (res: HttpResponse) => Promise<T>,
  op: OperationContext
): Promise<T> {
  const endpoint = await ctx.endpoint(target, op.signal)
  const req: AuthorizedRequest = { ...request, url: new URL(request.url, endpoint.base) }
  const repoKey = `${endpoint.base.origin}/${target.repository}`
  const scheme = endpoint.base.protocol === 'http:' ? 'http' : 'https'
  const lookup = ctx.keyring.lookup({
    registry: target.credentialRegistry,
    repository: target.repository,
    scheme,
  })
  for (const c of lookup.credentials) addSecrets(op.secrets, c)

  // Step 2: a registry that asked for nothing at ping time.
  let anonymousRefused = false
  let lastDiagnostics: readonly Diagnostic[] = []
  if (endpoint.challenge === undefined) {
    const sent = await send(ctx, endpoint, target, req, undefined, handle, op)
    if (sent.kind === 'done') return sent.value
    lastDiagnostics = sent.diagnostics
    endpoint.challenge = pickChallenge(sent.challenges) ?? BASIC_FALLBACK_CHALLENGE
    // Under Basic, anonymous means no header at all: that was just refused.
    anonymousRefused = endpoint.challenge.scheme === 'basic'
  }

  // Step 3.
  const tried: string[] = []
  for (const candidate of orderCandidates(
    lookup.credentials,
    ctx.workingCredentials.get(repoKey)
  )) {
    if (candidate.credential === undefined && anonymousRefused) {
      tried.push('anonymous (anonymous access denied)')
      continue
    }
    const outcome = await attempt(ctx, endpoint, target, req, handle, op, candidate, repoKey)
    if (outcome.kind === 'done') {
      ctx.workingCredentials.set(repoKey, candidate.id)
      return outcome.value
    }
    tried.push(`${candidate.label} (${outcome.why})`)
    if (outcome.kind === 'rejected') lastDiagnostics = outcome.diagnostics
    ctx.logger.debug('registry credential not accepted', {
      registry: target.registry,
      repository: target.repository,
      credential: candidate.label,
      why: outcome.why,
    })
  }
  ctx.workingCredentials.delete(repoKey)

  // Step 4.
  const said =
    lastDiagnostics.length > 0
      ? lastDiagnostics.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join('; ')
      : 'UNAUTHORIZED: authentication required'
  const notes = lookup.notes.length > 0 ? `; ${lookup.notes.join('; ')}` : ''
  throw new RegistryError({
    code: RegistryErrorCode.Unauthorized,
    status: 401,
    method: req.method,
    url: req.url,
    diagnostics: lastDiagnostics,
    message: `${said} (credentials tried: ${tried.join(', ')})${notes}`,
  })
}

function orderCandidates(
  credentials: readonly Credential[],
  workingId: string | undefined
): Candidate[] {
  const seen = new Set<string>()
  const all: Candidate[] = []
  for (const credential of [...credentials, undefined]) {
    const id = credentialIdentity(credential)
    if (seen.has(id)) continue
    seen.add(id)
    all.push({ credential, id, label: credential === undefined ? 'anonymous' : credential.source })
  }
  const i = all.findIndex((c) => c.id === workingId)
  if (i > 0) all.unshift(...all.splice(i, 1))
  return all
}

async function attempt<T>(
  ctx: ClientContext,
  endpoint: Endpoint,
  target: RepositoryTarget,
  req: AuthorizedRequest,
  handle: (res: HttpResponse) => Promise<T>,
  op: OperationContext,
  candidate: Candidate,
  repoKey: string
): Promise<Outcome<T>> {
  let scopes = mergeScopes([repositoryScope(target.repository)], ctx.extraScopes.get(repoKey) ?? [])
  let refreshed = false
  let extended = false
  let rechallenged = false
  let forceRefresh = false
  for (;;) {
    const challenge = endpoint.challenge
    let authorization: string | undefined | typeof UNUSABLE
    try {
      authorization = await authorize(
        ctx,
        endpoint,
        target,
        challenge,
        candidate,
        scopes,
        op,
        forceRefresh
      )
    } catch (err) {
      if (isRegistryError(err) && err.status === 401) {
        return {
          kind: 'rejected',
          why: 'rejected by the token server',
          diagnostics: err.diagnostics,
        }
      }
      throw err
    }
    forceRefresh = false
    if (authorization === UNUSABLE) {
      return {
        kind: 'skipped',
        why: `not usable for ${challenge?.scheme ?? 'this'} authentication`,
      }
    }
    const sent = await send(ctx, endpoint, target, req, authorization, handle, op)
    if (sent.kind === 'done') return sent

    // Step 3c.
    const next = pickChallenge(sent.challenges)
    if (next !== undefined && !sameChallenge(next, challenge) && !rechallenged) {
      rechallenged = true
      endpoint.challenge = next
      continue
    }
    if (
      challenge?.scheme === 'bearer' &&
      next?.scheme === 'bearer' &&
      authorization !== undefined
    ) {
      const error = next.params.error
      if (
        error === 'invalid_token' &&
        !refreshed &&
        candidate.credential?.registryToken === undefined
      ) {
        refreshed = true
        forceRefresh = true
        continue
      }
      if (error === 'insufficient_scope' && !extended) {
        const wanted = parseScopes(next.params.scope)
        if (wanted.length > 0 && !scopesCover(scopes, wanted)) {
          extended = true
          scopes = mergeScopes(scopes, wanted)
          ctx.extraScopes.set(repoKey, mergeScopes(ctx.extraScopes.get(repoKey) ?? [], wanted))
          continue
        }
      }
    }
    return {
      kind: 'rejected',
      why:
        candidate.credential === undefined ? 'anonymous access denied' : 'rejected by the registry',
      diagnostics: sent.diagnostics,
    }
  }
}

function sameChallenge(a: Challenge, b: Challenge | undefined): boolean {
  return (
    b !== undefined &&
    a.scheme === b.scheme &&
    (a.params.realm ?? '') === (b.params.realm ?? '') &&
    (a.params.service ?? '') === (b.params.service ?? '')
  )
}

/** The Authorization header for a candidate under a challenge; undefined for none, UNUSABLE to skip it. */
async function authorize(
  ctx: ClientContext,
  endpoint: Endpoint,
  target: RepositoryTarget,
  challenge: Challenge | undefined,
  candidate: Candidate,
  scopes: readonly ResourceScope[],
  op: OperationContext,
  forceRefresh: boolean
): Promise<string | undefined | typeof UNUSABLE> {
  const credential = candidate.credential
  if (challenge === undefined) return undefined
  if (challenge.scheme === 'basic') {
    if (credential === undefined) return undefined
    const basic = basicAuthorization(credential)
    if (basic === undefined) return UNUSABLE
    op.secrets.add(basic.slice('Basic '.length))
    return basic
  }
  // Bearer.
  if (credential?.registryToken !== undefined && credential.registryToken !== '') {
    return `Bearer ${credential.registryToken}`
  }
  const hasBasic = basicAuthorization(credential) !== undefined
  const hasIdentity = (credential?.identityToken ?? '') !== ''
  if (credential !== undefined && !hasBasic && !hasIdentity) return UNUSABLE
  // The realm is checked before anything, anonymous requests included (SSRF), and never redirected.
  const realm = checkRealm({
    realm: challenge.params.realm ?? '',
    registryBase: endpoint.base,
    allowedRealmHosts: ctx.allowedRealmHosts,
  })
  const service = challenge.params.service
  const formatted = scopes.map(formatScope)
  const key = {
    realm: realm.href,
    service: service ?? '',
    scopes: formatted,
    credentialId: candidate.id,
  }
  if (forceRefresh) ctx.tokens.delete(key)
  // The fetch is shared by concurrent callers, so it runs under the client's signal; each caller waits under
  // its own.
  const token = await raceSignal(
    ctx.tokens.getOrFetch(key, () =>
      requestToken({
        transport: ctx.transport,
        retry: ctx.retry,
        clock: ctx.clock,
        logger: ctx.logger,
        realm,
        service,
        scopes: formatted,
        credential,
        registry: target.registry,
        repository: target.repository,
        // TLS verification is only skipped for a realm on the insecure registry's own host.
        insecure: target.insecure && realm.hostname === endpoint.base.hostname,
        tokenBytes: ctx.limits.tokenBytes,
        errorBodyBytes: ctx.limits.errorBodyBytes,
        clientId: ctx.userAgent,
        signal: ctx.closeSignal,
      })
    ),
    op.signal
  )
  op.secrets.add(token)
  return `Bearer ${token}`
}

/** Sends one request, following redirects by hand; a 401 from the registry origin comes back as data. */
async function send<T>(
  ctx: ClientContext,
  endpoint: Endpoint,
  target: RepositoryTarget,
  req: AuthorizedRequest,
  authorization: string | undefined,
  handle: (res: HttpResponse) => Promise<T>,
  op: OperationContext
): Promise<Sent<T>> {
  let url = new URL(req.url, endpoint.base)
  for (let hops = 0; ; hops++) {
    const onRegistry = url.origin === endpoint.base.origin
    const headers: Record<string, string> = { ...req.headers }
    // Credentials only ever go to the registry origin (spec: MUST NOT cross host boundaries).
    if (authorization !== undefined && onRegistry) headers.authorization = authorization
    const hop = url
    const result = await withRetry(
      {
        policy: ctx.retry,
        clock: ctx.clock,
        signal: op.signal,
        idempotent: true,
        logger: ctx.logger,
      },
      () =>
        ctx.transport.exchange(
          {
            method: req.method,
            url: hop,
            headers,
            registry: target.registry,
            repository: target.repository,
            insecure: target.insecure && hop.hostname === endpoint.base.hostname,
            signal: op.signal,
          },
          async (res): Promise<Sent<T> | { kind: 'redirect'; location: string | undefined }> => {
            if (res.status === 401 && onRegistry) {
              const body =
                req.method === 'HEAD'
                  ? undefined
                  : await readErrorBody(res.body, ctx.limits.errorBodyBytes)
              return {
                kind: 'unauthorized',
                challenges: parseChallenges(allHeaders(res.headers, 'www-authenticate')),
                diagnostics: parseDiagnostics(body),
              }
            }
            if (req.followRedirects === true && isRedirectStatus(res.status)) {
              return { kind: 'redirect', location: firstHeader(res.headers, 'location') }
            }
            return { kind: 'done', value: await handle(res) }
          }
        )
    )
    if (result.kind !== 'redirect') return result
    url = nextRedirectUrl({ method: req.method, from: hop, location: result.location, hops })
  }
}

function addSecrets(secrets: Set<string>, c: Credential): void {
  for (const s of [c.password, c.identityToken, c.registryToken]) {
    if (s !== undefined && s !== '') secrets.add(s)
  }
  const basic = basicAuthorization(c)
  if (basic !== undefined) secrets.add(basic.slice('Basic '.length))
}
