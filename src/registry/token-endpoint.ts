import type { Context } from 'hono'
import type { Store } from '../store/store.js'
import { namespaceIsPublic } from './auth.js'
import { OciError, OciErrorCode } from './errors.js'
import { type Authenticate, type Identity, identityMay, type RegistryAction } from './identity.js'
import { parseRepositoryName } from './names.js'
import { mintRegistryToken, type TokenAccess } from './registry-token.js'

/** What the token endpoint needs. */
export type TokenEndpointDeps = {
  readonly store: Store
  readonly authenticate: Authenticate
  readonly now: () => number
  readonly service: () => string
  readonly tokenSigningKey: Uint8Array
  readonly ttlSeconds: number
}

const ACTIONS: ReadonlySet<string> = new Set(['pull', 'push', 'delete'])
// One request may ask for a handful of scopes (a mount asks for two); more is abuse.
const MAX_SCOPES = 32

/**
 * Serves the token endpoint named as `realm` in our challenges (distribution docs/content/spec/auth/token.md):
 *  1. `GET ?service=…&scope=…&scope=…` with optional `Authorization: Basic user:<api token>` (or Bearer
 *     `<api token>`), or the OAuth2 `POST` form (`grant_type=password`, the password being an API token).
 *  2. No credentials: an anonymous token. Wrong credentials: 401, never an anonymous token.
 *  3. Each requested `repository:<ns>/<stream>:<actions>` is intersected with what the identity may do;
 *     `registry:catalog:*` is granted to everyone (the catalog filters itself). A partial or empty grant is
 *     not an error: the registry's later 401 tells the client (token.md).
 *  4. `{token, access_token, expires_in, issued_at}`.
 */
export async function handleTokenRequest(c: Context, deps: TokenEndpointDeps): Promise<Response> {
  let secret: string | undefined
  let scopeParams: string[]
  if (c.req.method === 'POST') {
    const form = await c.req.parseBody()
    const field = (k: string): string => (typeof form[k] === 'string' ? (form[k] as string) : '')
    const grant = field('grant_type')
    if (grant === 'password') secret = field('password')
    else if (grant === 'refresh_token') secret = field('refresh_token')
    else throw tokenError(400, `unsupported grant_type ${JSON.stringify(grant.slice(0, 40))}`)
    scopeParams = field('scope') === '' ? [] : [field('scope')]
  } else {
    secret = secretFromHeader(c.req.header('authorization'))
    scopeParams = c.req.queries('scope') ?? []
  }
  let identity: Identity | undefined
  if (secret !== undefined) {
    if (secret === '') throw tokenError(401, 'invalid credentials')
    identity = await deps.authenticate(secret)
    if (identity === undefined) throw tokenError(401, 'invalid credentials')
  }
  const requested = parseScopes(scopeParams)
  const access = await grant(identity, requested, deps.store)
  const now = deps.now()
  const token = mintRegistryToken({
    key: deps.tokenSigningKey,
    service: deps.service(),
    identity,
    access,
    now,
    ttlSeconds: deps.ttlSeconds,
  })
  c.header('cache-control', 'no-store')
  return c.json({
    token,
    access_token: token,
    expires_in: deps.ttlSeconds,
    issued_at: new Date(now).toISOString(),
  })
}

function secretFromHeader(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.trim() === '') return undefined
  const space = authorization.indexOf(' ')
  const scheme = authorization.slice(0, space < 0 ? undefined : space).toLowerCase()
  const value = space < 0 ? '' : authorization.slice(space + 1).trim()
  if (scheme === 'bearer') return value
  if (scheme !== 'basic') return ''
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? '' : decoded.slice(colon + 1)
}

/**
 * Parses scope parameters (several per parameter, space-separated): the type runs to the first `:`, the
 * actions follow the last one (registry-protocol §2.3).
 */
export function parseScopes(params: readonly string[]): TokenAccess[] {
  const out: TokenAccess[] = []
  for (const one of params.flatMap((p) => p.split(' ')).slice(0, MAX_SCOPES)) {
    const first = one.indexOf(':')
    const last = one.lastIndexOf(':')
    if (first <= 0 || last === first) continue
    out.push({
      type: one.slice(0, first),
      name: one.slice(first + 1, last),
      actions: one
        .slice(last + 1)
        .split(',')
        .filter((a) => a !== ''),
    })
  }
  return out
}

async function grant(
  identity: Identity | undefined,
  requested: readonly TokenAccess[],
  store: Store
): Promise<TokenAccess[]> {
  const out: TokenAccess[] = []
  for (const r of requested) {
    if (r.type === 'registry' && r.name === 'catalog') {
      out.push({ type: 'registry', name: 'catalog', actions: ['*'] })
      continue
    }
    if (r.type !== 'repository') continue
    let namespace: string
    try {
      namespace = parseRepositoryName(r.name).namespace
    } catch {
      // Not a repository of ours: nothing to grant.
      continue
    }
    const wanted = r.actions.includes('*') ? [...ACTIONS] : r.actions.filter((a) => ACTIONS.has(a))
    const isPublic = wanted.includes('pull') ? await namespaceIsPublic(store, namespace) : false
    const actions = wanted.filter((a) =>
      identityMay(identity, namespace, a as RegistryAction, isPublic)
    )
    if (actions.length > 0) out.push({ type: 'repository', name: r.name, actions })
  }
  return out
}

function tokenError(status: 400 | 401, message: string): OciError {
  return new OciError({
    status,
    code: status === 401 ? OciErrorCode.Unauthorized : OciErrorCode.Unsupported,
    message,
  })
}
