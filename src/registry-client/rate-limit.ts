import type { ResponseHeaders } from './headers.js'

/** What a registry last said about its rate limit. */
export type RateLimitState = {
  /** `RateLimit-Remaining` (Docker Hub: `76;w=21600`). */
  readonly remaining?: number
  /** `RateLimit-Limit` (Docker Hub: `100;w=21600`). */
  readonly limit?: number
  /** Epoch ms until which the registry asked us to wait (429 + Retry-After). */
  readonly retryAfterUntil?: number
}

/**
 * Parses a rate-limit header value such as `100;w=21600` or `76` into its number (the window is not
 * hard-coded anywhere, so it is not kept). Returns undefined for anything else.
 * https://docs.docker.com/docker-hub/usage/pulls/
 */
export function parseRateLimitValue(
  value: string | readonly string[] | undefined
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value) as string | undefined
  const m = /^\s*(\d+)\s*(?:[;,]|$)/.exec(raw ?? '')
  if (m?.[1] === undefined) return undefined
  const n = Number(m[1])
  return Number.isSafeInteger(n) ? n : undefined
}

/** RateLimitTracker remembers the latest rate-limit headers and Retry-After per registry. */
export class RateLimitTracker {
  readonly #byRegistry = new Map<string, RateLimitState>()

  /** Records the rate-limit view of one response. */
  record(registry: string, headers: ResponseHeaders, retryAfterUntil?: number): void {
    const remaining = parseRateLimitValue(headers['ratelimit-remaining'])
    const limit = parseRateLimitValue(headers['ratelimit-limit'])
    if (remaining === undefined && limit === undefined && retryAfterUntil === undefined) return
    const prev = this.#byRegistry.get(registry) ?? {}
    const next: RateLimitState = {
      ...prev,
      ...(remaining === undefined ? {} : { remaining }),
      ...(limit === undefined ? {} : { limit }),
      ...(retryAfterUntil === undefined ? {} : { retryAfterUntil }),
    }
    this.#byRegistry.set(registry, next)
  }

  /** The last recorded state for a registry, or undefined when it never sent rate-limit information. */
  get(registry: string): RateLimitState | undefined {
    return this.#byRegistry.get(registry)
  }
}
