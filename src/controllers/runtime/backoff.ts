/** An exponential backoff: base·2ⁿ after the n-th consecutive failure (n from 0), never above max. */
export type BackoffPolicy = {
  /** The first delay, in milliseconds. */
  readonly baseMs: number
  /** The cap, in milliseconds. */
  readonly maxMs: number
}

/**
 * Returns the delay after `failures` earlier consecutive failures: base·2^failures capped at max
 * (client-go's ItemExponentialFailureRateLimiter). Negative or fractional counts are treated as 0.
 */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  const n = Math.max(0, Math.floor(failures))
  // 2^1024 is Infinity; Math.min keeps the cap either way.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n, 1023))
}
