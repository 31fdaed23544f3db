import type { Clock } from '../shared/clock.js'

/** Options of TokenBucket. */
export type TokenBucketOptions = {
  readonly clock: Clock
  /** Tokens added per minute; 0 or less means unlimited. */
  readonly perMinute: number
  /** Tokens that can pile up; default 2 × perMinute (OpenShift's scheduled-import limiter). */
  readonly burst?: number
}

/**
 * TokenBucket caps a rate (client-go's token-bucket rate limiter, non-blocking): it starts full,
 * refills continuously at perMinute/60 tokens per second up to burst, and `tryTake` either takes a
 * token or says how long until one is there.
 */
export class TokenBucket {
  readonly #clock: Clock
  readonly #perMs: number
  readonly #burst: number
  #tokens: number
  #at: number

  constructor(o: TokenBucketOptions) {
    this.#clock = o.clock
    this.#perMs = o.perMinute > 0 ? o.perMinute / 60_000 : 0
    this.#burst = Math.max(1, o.burst ?? 2 * Math.max(0, o.perMinute))
    this.#tokens = this.#burst
    this.#at = o.clock.now()
  }

  /** Whether the bucket limits anything. */
  get unlimited(): boolean {
    return this.#perMs === 0
  }

  /** Takes a token and returns 0, or takes nothing and returns the milliseconds until one is there. */
  tryTake(): number {
    if (this.unlimited) return 0
    this.#refill()
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return 0
    }
    // NB: the epsilon keeps float noise (0.999 tokens after 999 ms at 1/s) from adding a millisecond.
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs - 1e-6))
  }

  /** Tokens available now (fractional). */
  available(): number {
    if (this.unlimited) return Number.POSITIVE_INFINITY
    this.#refill()
    return this.#tokens
  }

  #refill(): void {
    const now = this.#clock.now()
    const elapsed = Math.max(0, now - this.#at)
    this.#at = now
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs)
  }
}
