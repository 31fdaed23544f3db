import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import { isRegistryError } from './errors.js'

/** How failed requests are retried. */
export type RetryPolicy = {
  /** Total tries, the first included. */
  readonly attempts: number
  /** Backoff base: try n waits a random time in [0, min(maxDelayMs, baseDelayMs·2ⁿ)) ("full jitter"). */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Cap on a server's Retry-After; a longer request waits this long (containers/image: 60 s). */
  readonly maxRetryAfterMs: number
}

/** The default retry policy (ggcr `defaultRetryBackoff` spirit: few tries, short waits). */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
}

/** Options of withRetry. */
export type WithRetryOptions = {
  readonly policy: RetryPolicy
  readonly clock: Clock
  readonly signal: AbortSignal
  /** Non-idempotent requests (a token POST) are never retried. */
  readonly idempotent: boolean
  readonly logger?: Logger
  /** Random source in [0, 1); injectable for tests. */
  readonly random?: () => number
}

/**
 * Runs attempt until it succeeds, fails with a non-temporary error, the signal aborts or the attempts run out.
 * Temporary failures are RegistryErrors with `temporary` set (network errors, timeouts, 429, 502–504); a
 * `retryAfterMs` on the error (from Retry-After) replaces the backoff, capped by `maxRetryAfterMs`.
 */
export async function withRetry<T>(
  o: WithRetryOptions,
  attempt: (n: number) => Promise<T>
): Promise<T> {
  const attempts = Math.max(1, Math.floor(o.policy.attempts))
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason
      const last = n + 1 >= attempts
      if (last || !o.idempotent || !isRegistryError(err) || !err.temporary) throw err
      const delay = retryDelayMs(o.policy, n, err.retryAfterMs, o.random ?? Math.random)
      o.logger?.debug('retrying registry request', {
        attempt: n + 1,
        delayMs: Math.round(delay),
        error: err.message,
      })
      await o.clock.sleep(delay, o.signal)
    }
  }
}

/** The wait before retry number n+1 (n counts from 0). */
export function retryDelayMs(
  policy: RetryPolicy,
  n: number,
  retryAfterMs: number | undefined,
  random: () => number
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n)
  return random() * ceiling
}
