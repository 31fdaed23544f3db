import type { Clock } from '../shared/clock.js'

/** What a bearer token is cached by: realm, service, scopes (any order) and the credential's identity. */
export type TokenCacheKey = {
  readonly realm: string
  readonly service: string
  readonly scopes: readonly string[]
  /** An opaque, non-secret identity of the credential (see credentialIdentity); 'anonymous' for none. */
  readonly credentialId: string
}

/** A token and the instant (ms since epoch) after which it must not be used. */
export type CachedToken = {
  readonly token: string
  readonly expiresAt: number
}

/** Token lifetime when the server gives none, and the floor for any it gives (distribution token.md). */
export const MIN_TOKEN_LIFETIME_SECONDS = 60

/**
 * Computes a token's expiry from the token response: `issued_at` (RFC 3339; receipt time when absent,
 * invalid or in the future) plus `expires_in` seconds, defaulting to and never less than 60 s.
 * https://distribution.github.io/distribution/spec/auth/token/#token-response-fields
 */
export function tokenExpiry(o: { now: number; expiresIn?: unknown; issuedAt?: unknown }): number {
  const given = typeof o.expiresIn === 'number' && Number.isFinite(o.expiresIn) ? o.expiresIn : 0
  const seconds = Math.max(given, MIN_TOKEN_LIFETIME_SECONDS)
  let issued = o.now
  if (typeof o.issuedAt === 'string') {
    const t = Date.parse(o.issuedAt)
    if (!Number.isNaN(t) && t <= o.now) issued = t
  }
  return issued + seconds * 1000
}

/** Options of TokenCache. */
export type TokenCacheOptions = {
  readonly clock: Clock
  /** Entries kept at most; the oldest are dropped first. Default 1000. */
  readonly maxEntries?: number
}

/**
 * TokenCache holds bearer tokens until they expire, keyed by (realm, service, sorted scopes, credential), and
 * shares one in-flight fetch between concurrent callers of the same key (containerd's singleflight).
 */
export class TokenCache {
  readonly #clock: Clock
  readonly #max: number
  readonly #entries = new Map<string, CachedToken>()
  readonly #inflight = new Map<string, Promise<CachedToken>>()

  constructor(opts: TokenCacheOptions) {
    this.#clock = opts.clock
    this.#max = opts.maxEntries ?? 1000
  }

  /** Returns the cached token for key when it has not expired. */
  get(key: TokenCacheKey): string | undefined {
    const k = cacheKeyString(key)
    const e = this.#entries.get(k)
    if (e === undefined) return undefined
    if (this.#clock.now() >= e.expiresAt) {
      this.#entries.delete(k)
      return undefined
    }
    return e.token
  }

  /** Stores a token. */
  set(key: TokenCacheKey, value: CachedToken): void {
    const k = cacheKeyString(key)
    this.#entries.delete(k)
    this.#entries.set(k, value)
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  /** Forgets a token (after the registry called it invalid). */
  delete(key: TokenCacheKey): void {
    this.#entries.delete(cacheKeyString(key))
  }

  /**
   * Returns a valid cached token or runs fetch once for all concurrent callers of the same key. A failed fetch
   * is not cached.
   */
  async getOrFetch(key: TokenCacheKey, fetch: () => Promise<CachedToken>): Promise<string> {
    const cached = this.get(key)
    if (cached !== undefined) return cached
    const k = cacheKeyString(key)
    let p = this.#inflight.get(k)
    if (p === undefined) {
      p = fetch()
        .then((v) => {
          this.set(key, v)
          return v
        })
        .finally(() => {
          this.#inflight.delete(k)
        })
      this.#inflight.set(k, p)
    }
    return (await p).token
  }

  /** Number of cached entries, expired ones included (for tests). */
  get size(): number {
    return this.#entries.size
  }
}

function cacheKeyString(key: TokenCacheKey): string {
  return JSON.stringify([key.realm, key.service, [...new Set(key.scopes)].sort(), key.credentialId])
}
