import { createHmac, timingSafeEqual } from 'node:crypto'
import type { ServiceAccount } from '../api/core/v1/types.js'
import type { Clock } from '../shared/clock.js'
import type { Store } from '../store/store.js'

// Service-account tokens: `sa1.<base64url claims>.<base64url HMAC-SHA256(key, "sa1.<claims>")>`. They are
// bound to the service account's uid, so deleting and recreating the account revokes its old tokens, as
// Kubernetes' bound tokens are.

const PREFIX = 'sa1'
const MIN_KEY_BYTES = 32

/** What a verified service-account token says about its holder. */
export type ServiceAccountClaims = {
  readonly namespace: string
  readonly name: string
  readonly uid: string
  /** Expiry, seconds since the epoch. */
  readonly exp: number
}

/** A newly issued token and when it expires (RFC 3339). */
export type IssuedToken = { readonly token: string; readonly expirationTimestamp: string }

/** Options of TokenAuthority.issue. */
export type IssueOptions = {
  readonly namespace: string
  readonly serviceAccount: string
  readonly uid: string
  readonly expirationSeconds: number
}

/** Options of TokenAuthority.verify. */
export type VerifyOptions = {
  /** Where the service account is looked up; default the authority's store. */
  readonly store?: Store
  readonly signal?: AbortSignal
}

/** Issues and verifies HMAC-signed service-account tokens. */
export type TokenAuthority = {
  /** Signs a token for the service account, valid for expirationSeconds from now. */
  issue(o: IssueOptions): IssuedToken
  /**
   * Returns the claims of a token whose signature is valid, that has not expired and whose service
   * account still exists with the same uid; undefined otherwise (never throws for a bad token).
   */
  verify(token: string, o?: VerifyOptions): Promise<ServiceAccountClaims | undefined>
}

/** Options of createTokenAuthority. */
export type TokenAuthorityOptions = {
  /** The signing key; at least 32 bytes of secret randomness, kept by the server (e.g. in its data dir). */
  readonly key: Uint8Array
  readonly clock: Clock
  /** Where verify looks service accounts up unless told otherwise. */
  readonly store?: Store
}

/** Creates the token authority of a server. */
export function createTokenAuthority(o: TokenAuthorityOptions): TokenAuthority {
  if (o.key.length < MIN_KEY_BYTES) {
    throw new Error(`token signing key must have at least ${MIN_KEY_BYTES} bytes`)
  }
  const key = Buffer.from(o.key)
  const sign = (signed: string): Buffer => createHmac('sha256', key).update(signed).digest()

  return {
    issue(i) {
      const nowSeconds = Math.floor(o.clock.now() / 1000)
      const exp = nowSeconds + i.expirationSeconds
      const claims = {
        sub: `system:serviceaccount:${i.namespace}:${i.serviceAccount}`,
        ns: i.namespace,
        sa: i.serviceAccount,
        uid: i.uid,
        iat: nowSeconds,
        exp,
      }
      const signed = `${PREFIX}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
      return {
        token: `${signed}.${sign(signed).toString('base64url')}`,
        expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      }
    },

    async verify(token, v = {}) {
      const store = v.store ?? o.store
      if (store === undefined) throw new Error('token verification needs a store')
      const parts = token.split('.')
      if (parts.length !== 3 || parts[0] !== PREFIX) return undefined
      const signed = `${parts[0]}.${parts[1]}`
      const given = Buffer.from(parts[2] ?? '', 'base64url')
      const expected = sign(signed)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
      let claims: unknown
      try {
        claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
      } catch {
        // A correctly signed token always holds JSON; anything else is simply not a token of ours.
        return undefined
      }
      const c = claims as Partial<Record<'ns' | 'sa' | 'uid' | 'exp', unknown>>
      if (typeof c.ns !== 'string' || typeof c.sa !== 'string' || typeof c.uid !== 'string') {
        return undefined
      }
      if (typeof c.exp !== 'number' || c.exp * 1000 <= o.clock.now()) return undefined
      v.signal?.throwIfAborted()
      const sa = await store.get<ServiceAccount & { metadata: { name: string } }>({
        resource: 'serviceaccounts',
        namespace: c.ns,
        name: c.sa,
      })
      if (sa === undefined || sa.metadata.uid !== c.uid) return undefined
      return { namespace: c.ns, name: c.sa, uid: c.uid, exp: c.exp }
    },
  }
}
