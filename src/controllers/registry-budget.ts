import type { RateLimitState } from '../registry-client/rate-limit.js'
import type { Clock } from '../shared/clock.js'
import { backoffDelay } from './runtime/backoff.js'

/** Why a registry makes us wait. */
export const WaitSource = {
  /** A 429 with Retry-After. */
  RetryAfter: 'retry-after',
  /** A 429 without Retry-After: our own doubling wait. */
  Backoff: 'backoff',
  /** RateLimit-Remaining says the pull budget is spent: manifest GETs wait, HEADs go on. */
  Remaining: 'remaining',
} as const
/** A value of WaitSource. */
export type WaitSource = (typeof WaitSource)[keyof typeof WaitSource]

/** One wait a registry asked for. */
export type RegistryWait = {
  readonly registry: string
  readonly source: WaitSource
  readonly waitMs: number
}

/** Options of RegistryBudget. */
export type RegistryBudgetOptions = {
  readonly clock: Clock
  /**
   * What the registry client last saw of a registry's rate-limit headers (RegistryClient.rateLimit):
   * its `retryAfterUntil` blocks the registry too, and `remaining` bounds manifest GETs.
   */
  readonly rateLimit?: (registry: string) => RateLimitState | undefined
  /** Wait after a 429 without Retry-After, doubled for each further one in a row; default 60 s. */
  readonly defaultWaitMs?: number
  /** Cap on any wait, Retry-After included; default 1 h. */
  readonly maxWaitMs?: number
  /** RateLimit-Remaining kept for others (manual imports, pulls); default 0. */
  readonly reserve?: number
  /** Told about every wait (metrics). */
  readonly onWait?: (w: RegistryWait) => void
}

/** The defaults of RegistryBudget. */
export const DEFAULT_REGISTRY_BUDGET = {
  defaultWaitMs: 60_000,
  maxWaitMs: 60 * 60_000,
  reserve: 0,
} as const

type Entry = {
  until: number
  /** The client's last retryAfterUntil already reported. */
  clientUntil?: number | undefined
  consecutive429: number
  /** The client's rate-limit view the local spending is counted against (replaced on every response). */
  seen: RateLimitState | undefined
  spent: number
}

/**
 * RegistryBudget is the per-registry traffic light of the controllers (keys are registries as written
 * after Docker's defaults, e.g. `docker.io`). A registry that answered 429 is blocked until its
 * Retry-After (or our own doubling wait) has passed, and so is one whose client-side rate-limit view
 * carries a future `retryAfterUntil`; streams of other registries are never held up. When the
 * registry sends RateLimit-Remaining (Docker Hub), `manifestGetAllowance` says how many manifest GETs
 * may still be spent (Docker Hub counts GETs, not HEADs), counting what was spent since the last
 * response that carried the header.
 */
export class RegistryBudget {
  readonly #o: RegistryBudgetOptions
  readonly #entries = new Map<string, Entry>()

  constructor(o: RegistryBudgetOptions) {
    this.#o = o
  }

  /** The time until which the registry must not be asked anything, or undefined when it is free. */
  blockedUntil(registry: string): number | undefined {
    this.observe(registry)
    const now = this.#o.clock.now()
    const own = this.#entries.get(registry)?.until ?? 0
    const client = this.#o.rateLimit?.(registry)?.retryAfterUntil ?? 0
    const until = Math.max(own, Math.min(client, now + this.#maxWait()))
    return until > now ? until : undefined
  }

  /**
   * Looks at the client's view of registry for a Retry-After it has not reported yet (a 429 the
   * client waited out by itself, retrying) and reports it as a wait. Call after requests.
   */
  observe(registry: string): void {
    const until = this.#o.rateLimit?.(registry)?.retryAfterUntil
    if (until === undefined) return
    const e = this.#entry(registry)
    if (e.clientUntil === until) return
    e.clientUntil = until
    const waitMs = Math.max(0, Math.min(until - this.#o.clock.now(), this.#maxWait()))
    // The client records the time the 429 arrived plus its Retry-After; by now part may have passed.
    this.#o.onWait?.({ registry, source: WaitSource.RetryAfter, waitMs })
  }

  /**
   * Records a 429 from registry and returns the time until which it is blocked: now + Retry-After
   * (capped), or our doubling wait when the registry gave none.
   */
  tooManyRequests(registry: string, retryAfterMs?: number): number {
    const now = this.#o.clock.now()
    const e = this.#entry(registry)
    // The client saw this 429 too: it is reported here, not again by observe.
    e.clientUntil = this.#o.rateLimit?.(registry)?.retryAfterUntil ?? e.clientUntil
    e.consecutive429++
    const source = retryAfterMs === undefined ? WaitSource.Backoff : WaitSource.RetryAfter
    const wait = Math.min(
      this.#maxWait(),
      retryAfterMs ??
        backoffDelay(
          {
            baseMs: this.#o.defaultWaitMs ?? DEFAULT_REGISTRY_BUDGET.defaultWaitMs,
            maxMs: this.#maxWait(),
          },
          e.consecutive429 - 1
        )
    )
    const until = now + wait
    if (until > e.until) {
      e.until = until
      this.#o.onWait?.({ registry, source, waitMs: wait })
    }
    return e.until
  }

  /** Records a successful exchange: the next 429 starts the doubling wait afresh. */
  succeeded(registry: string): void {
    const e = this.#entries.get(registry)
    if (e !== undefined) e.consecutive429 = 0
  }

  /**
   * How many manifest GETs registry may still take: RateLimit-Remaining minus the reserve and minus
   * what was spent since that header came; Infinity when the registry never sent the header.
   */
  manifestGetAllowance(registry: string): number {
    const state = this.#o.rateLimit?.(registry)
    if (state?.remaining === undefined) return Number.POSITIVE_INFINITY
    const e = this.#entry(registry)
    if (e.seen !== state) {
      e.seen = state
      e.spent = 0
    }
    const reserve = this.#o.reserve ?? DEFAULT_REGISTRY_BUDGET.reserve
    return Math.max(0, state.remaining - reserve - e.spent)
  }

  /** Counts n manifest GETs against the allowance. */
  spend(registry: string, n: number): void {
    const state = this.#o.rateLimit?.(registry)
    if (state?.remaining === undefined) return
    this.manifestGetAllowance(registry)
    this.#entry(registry).spent += n
  }

  /** Reports that GETs of registry were held back because its remaining budget is spent. */
  heldBack(registry: string, waitMs: number): void {
    this.#o.onWait?.({ registry, source: WaitSource.Remaining, waitMs })
  }

  #entry(registry: string): Entry {
    let e = this.#entries.get(registry)
    if (e === undefined) {
      e = { until: 0, consecutive429: 0, seen: undefined, spent: 0 }
      this.#entries.set(registry, e)
    }
    return e
  }

  #maxWait(): number {
    return this.#o.maxWaitMs ?? DEFAULT_REGISTRY_BUDGET.maxWaitMs
  }
}
