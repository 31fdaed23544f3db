import type { Namespace } from '../api/core/v1/types.js'
import type { Store } from '../store/store.js'
import { OciError, OciErrorCode } from './errors.js'
import {
  type Authenticate,
  describeIdentity,
  type Identity,
  identityMay,
  PUBLIC_PULL_ANNOTATION,
  type RegistryAction,
} from './identity.js'
import { type TokenAccess, verifyRegistryToken } from './registry-token.js'

/** The caller of a /v2 request. */
export type Caller = {
  /** undefined: anonymous (no credentials, or an anonymous token of our endpoint). */
  readonly identity: Identity | undefined
  /** Set when the caller presented one of our registry tokens: access is limited to these grants. */
  readonly grants?: readonly TokenAccess[]
  /** Whether any credential was presented (anonymous tokens included). */
  readonly authenticated: boolean
}

/** What authentication needs from the app. */
export type AuthSettings = {
  readonly store: Store
  readonly authenticate: Authenticate
  readonly now: () => number
  /** The token service (`aud`): the registry hostname. */
  readonly service: () => string
  readonly tokenSigningKey: Uint8Array
}

/** One thing a request does: an action on a repository `<namespace>/<stream>`. */
export type Requirement = {
  readonly namespace: string
  /** `<namespace>/<stream>` */
  readonly name: string
  readonly action: RegistryAction
}

/** Renders a Bearer challenge (registry-protocol §2.8). */
export function bearerChallenge(o: {
  readonly realm: string
  readonly service: string
  readonly scopes?: readonly string[]
  readonly error?: 'invalid_token' | 'insufficient_scope'
}): string {
  const q = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`
  const parts = [`realm=${q(o.realm)}`, `service=${q(o.service)}`]
  if (o.scopes !== undefined && o.scopes.length > 0) parts.push(`scope=${q(o.scopes.join(' '))}`)
  if (o.error !== undefined) parts.push(`error=${q(o.error)}`)
  return `Bearer ${parts.join(',')}`
}

/** A 401 UNAUTHORIZED with the challenge that tells clients where to get a token. */
export function unauthorized(o: {
  readonly realm: string
  readonly service: string
  readonly scopes?: readonly string[]
  readonly error?: 'invalid_token' | 'insufficient_scope'
  readonly message?: string
  readonly detail?: unknown
}): OciError {
  return new OciError({
    status: 401,
    code: OciErrorCode.Unauthorized,
    message: o.message ?? 'authentication required',
    ...(o.detail === undefined ? {} : { detail: o.detail }),
    headers: { 'www-authenticate': bearerChallenge(o) },
  })
}

/**
 * Identifies the caller from the Authorization header:
 *  1. none: anonymous;
 *  2. `Basic user:secret` (any user, `docker login` style): the secret is an API token;
 *  3. `Bearer t`: one of our registry tokens (identity and grants from the token), otherwise an API token.
 * Credentials that do not check out are a 401 (`invalid_token` for a bad token of ours), never anonymous.
 */
export async function identifyCaller(
  authorization: string | undefined,
  s: AuthSettings,
  realm: string
): Promise<Caller> {
  if (authorization === undefined || authorization.trim() === '') {
    return { identity: undefined, authenticated: false }
  }
  const service = s.service()
  const space = authorization.indexOf(' ')
  const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase()
  const value = space < 0 ? '' : authorization.slice(space + 1).trim()
  const rejected = (message: string): OciError =>
    unauthorized({ realm, service, message, error: 'invalid_token' })
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const secret = colon < 0 ? '' : decoded.slice(colon + 1)
    if (secret === '') throw rejected('invalid credentials')
    const identity = await s.authenticate(secret)
    if (identity === undefined) throw rejected('invalid credentials')
    return { identity, authenticated: true }
  }
  if (scheme === 'bearer') {
    if (value === '') throw rejected('invalid token')
    const ours = verifyRegistryToken(value, { key: s.tokenSigningKey, service, now: s.now() })
    if (ours.kind === 'valid') {
      return { identity: ours.identity, grants: ours.access, authenticated: true }
    }
    if (ours.kind === 'invalid') throw rejected(`invalid token: ${ours.why}`)
    const identity = await s.authenticate(value)
    if (identity === undefined) throw rejected('invalid token')
    return { identity, authenticated: true }
  }
  throw rejected(`unsupported authorization scheme ${JSON.stringify(scheme.slice(0, 20))}`)
}

/** Reports whether a namespace carries `imagestreams.io/public-pull: "true"`. */
export async function namespaceIsPublic(store: Store, namespace: string): Promise<boolean> {
  const ns = await store.get<Namespace & { metadata: { name: string } }>({
    resource: 'namespaces',
    name: namespace,
  })
  return ns?.metadata.annotations?.[PUBLIC_PULL_ANNOTATION] === 'true'
}

/** Reports whether the caller may do one action (identity rules, then the token's grants). */
export function callerMay(caller: Caller, req: Requirement, isPublic: boolean): boolean {
  if (!identityMay(caller.identity, req.namespace, req.action, isPublic)) return false
  if (caller.grants === undefined) return true
  return caller.grants.some(
    (g) =>
      g.type === 'repository' &&
      g.name === req.name &&
      (g.actions.includes(req.action) || g.actions.includes('*'))
  )
}

/**
 * Checks every requirement of a request (a mount needs pull on its source and push on its target). Denials:
 * anonymous callers and token holders get 401 with a challenge naming the scopes needed (`insufficient_scope`
 * for a token), so that clients fetch a token; callers who authenticated directly get 403 DENIED.
 */
export async function authorize(
  caller: Caller,
  requirements: readonly Requirement[],
  o: { readonly store: Store; readonly realm: string; readonly service: string }
): Promise<void> {
  const publicCache = new Map<string, boolean>()
  const isPublic = async (ns: string): Promise<boolean> => {
    let v = publicCache.get(ns)
    if (v === undefined) {
      v = await namespaceIsPublic(o.store, ns)
      publicCache.set(ns, v)
    }
    return v
  }
  const denied: Requirement[] = []
  for (const req of requirements) {
    // Only pulls can be granted by a public namespace: push and delete need no store read.
    const pub = req.action === 'pull' ? await isPublic(req.namespace) : false
    if (!callerMay(caller, req, pub)) denied.push(req)
  }
  if (denied.length === 0) return
  const scopes = scopesOf(requirements)
  const detail = denied.map((d) => ({ Type: 'repository', Name: d.name, Action: d.action }))
  if (!caller.authenticated) {
    throw unauthorized({ realm: o.realm, service: o.service, scopes, detail })
  }
  if (caller.grants !== undefined) {
    throw unauthorized({
      realm: o.realm,
      service: o.service,
      scopes,
      error: 'insufficient_scope',
      message: 'authentication required: the token does not grant this access',
      detail,
    })
  }
  throw new OciError({
    status: 403,
    code: OciErrorCode.Denied,
    message: `requested access to the resource is denied for ${describeIdentity(caller.identity)}`,
    detail,
  })
}

/** The `repository:<name>:<actions>` scopes of a set of requirements, actions merged per repository. */
export function scopesOf(requirements: readonly Requirement[]): string[] {
  const byName = new Map<string, Set<string>>()
  for (const r of requirements) {
    const set = byName.get(r.name) ?? new Set<string>()
    set.add(r.action)
    byName.set(r.name, set)
  }
  return [...byName].map(([name, actions]) => `repository:${name}:${[...actions].join(',')}`)
}
