import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Identity } from './identity.js'

// The bearer tokens of our /v2 token endpoint: compact JWTs (HS256) with distribution's claims
// (docs/content/spec/auth/jwt.md) plus the identity they were issued to, signed with a key derived from the
// server's token-signing key so that they can never pass for API tokens, nor API tokens for them.

/** One grant of a token (distribution `ResourceActions`). */
export type TokenAccess = {
  readonly type: string
  readonly name: string
  readonly actions: readonly string[]
}

/** What a valid token says. */
export type VerifiedToken = {
  /** undefined for an anonymous token. */
  readonly identity: Identity | undefined
  readonly access: readonly TokenAccess[]
}

/** Options of mintRegistryToken. */
export type MintOptions = {
  readonly key: Uint8Array
  /** The audience (`aud`): our registry's service name. */
  readonly service: string
  readonly identity: Identity | undefined
  readonly access: readonly TokenAccess[]
  /** Now, in milliseconds. */
  readonly now: number
  readonly ttlSeconds: number
}

/** The issuer (`iss`) and key id (`kid`) of our tokens. */
export const REGISTRY_TOKEN_ISSUER = 'imagestreams-registry'
// distribution verifies exp/nbf with 60 s of leeway.
const LEEWAY_SECONDS = 60
const KEY_CONTEXT = 'imagestreams registry token v1'

const b64u = (data: string | Uint8Array): string => Buffer.from(data).toString('base64url')

function signingKey(key: Uint8Array): Buffer {
  return createHmac('sha256', key).update(KEY_CONTEXT).digest()
}

function sign(key: Uint8Array, input: string): Buffer {
  return createHmac('sha256', signingKey(key)).update(input).digest()
}

/** Mints a token for an identity (or anonymous) with the given grants. */
export function mintRegistryToken(o: MintOptions): string {
  const iat = Math.floor(o.now / 1000)
  const header = { typ: 'JWT', alg: 'HS256', kid: REGISTRY_TOKEN_ISSUER }
  const claims = {
    iss: REGISTRY_TOKEN_ISSUER,
    sub: o.identity === undefined ? '' : subjectOf(o.identity),
    aud: o.service,
    exp: iat + o.ttlSeconds,
    nbf: iat,
    iat,
    jti: randomUUID(),
    access: o.access,
    ...(o.identity === undefined ? {} : { identity: o.identity }),
  }
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`
  return `${input}.${b64u(sign(o.key, input))}`
}

/**
 * Checks a bearer token: `foreign` when it is not one of ours (then it may be an API token), `invalid`
 * when it claims to be ours but its signature, audience or lifetime is wrong, else what it grants.
 */
export function verifyRegistryToken(
  token: string,
  o: { readonly key: Uint8Array; readonly service: string; readonly now: number }
):
  | { readonly kind: 'foreign' }
  | { readonly kind: 'invalid'; readonly why: string }
  | ({ readonly kind: 'valid' } & VerifiedToken) {
  const parts = token.split('.')
  if (parts.length !== 3) return { kind: 'foreign' }
  const [headerPart = '', claimsPart = '', sigPart = ''] = parts
  const header = decodeJson(headerPart)
  if (header?.kid !== REGISTRY_TOKEN_ISSUER) return { kind: 'foreign' }
  if (header.alg !== 'HS256') return { kind: 'invalid', why: 'unexpected algorithm' }
  const expected = sign(o.key, `${headerPart}.${claimsPart}`)
  const given = Buffer.from(sigPart, 'base64url')
  if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) {
    return { kind: 'invalid', why: 'bad signature' }
  }
  const claims = decodeJson(claimsPart)
  if (claims === undefined) return { kind: 'invalid', why: 'malformed claims' }
  const now = Math.floor(o.now / 1000)
  if (claims.iss !== REGISTRY_TOKEN_ISSUER) return { kind: 'invalid', why: 'wrong issuer' }
  if (claims.aud !== o.service) return { kind: 'invalid', why: 'wrong audience' }
  if (typeof claims.exp !== 'number' || now > claims.exp + LEEWAY_SECONDS) {
    return { kind: 'invalid', why: 'expired' }
  }
  if (typeof claims.nbf !== 'number' || now < claims.nbf - LEEWAY_SECONDS) {
    return { kind: 'invalid', why: 'not yet valid' }
  }
  const access = Array.isArray(claims.access) ? claims.access.filter(isAccess) : []
  const identity = parseIdentity(claims.identity)
  return { kind: 'valid', identity, access }
}

function subjectOf(identity: Identity): string {
  return identity.kind === 'admin'
    ? 'admin'
    : `system:serviceaccount:${identity.namespace}:${identity.name}`
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    // Not base64url JSON: not a token of ours.
    return undefined
  }
}

function isAccess(v: unknown): v is TokenAccess {
  if (typeof v !== 'object' || v === null) return false
  const a = v as Record<string, unknown>
  return (
    typeof a.type === 'string' &&
    typeof a.name === 'string' &&
    Array.isArray(a.actions) &&
    a.actions.every((x) => typeof x === 'string')
  )
}

function parseIdentity(v: unknown): Identity | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const i = v as Record<string, unknown>
  if (i.kind === 'admin') return { kind: 'admin' }
  if (
    i.kind === 'serviceaccount' &&
    typeof i.namespace === 'string' &&
    typeof i.name === 'string'
  ) {
    return { kind: 'serviceaccount', namespace: i.namespace, name: i.name }
  }
  return undefined
}
