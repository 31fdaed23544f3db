import type { Clock } from '../../shared/clock.js'

type Sleeper = {
  readonly at: number
  readonly seq: number
  readonly resolve: () => void
}

/**
 * FakeClock is a Clock for tests of time-driven code (queues, controllers, schedules): time stands still
 * until `advance` moves it, and sleepers wake in time order, each given the chance to run (and schedule
 * more sleeps) before the next one wakes.
 *
 * NB: it lives beside the runtime rather than in test/support because the controllers' colocated tests
 * are its only users; it has no dependencies and does nothing unless called.
 */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #sleepers: Sleeper[] = []

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#sleepers.push(sleeper)
    })
  }

  /** The number of pending sleeps. */
  get pendingSleeps(): number {
    return this.#sleepers.length
  }

  /**
   * Moves time forward by ms, waking every sleeper due on the way in time order; after each wake-up
   * (and before returning) pending promise work is allowed to settle.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    await settle()
    for (;;) {
      const next = this.#earliest()
      if (next === undefined || next.at > target) break
      this.#sleepers = this.#sleepers.filter((s) => s !== next)
      this.#now = Math.max(this.#now, next.at)
      next.resolve()
      await settle()
    }
    this.#now = target
    await settle()
  }

  /** Lets pending promise work run without moving time. */
  async flush(): Promise<void> {
    await settle()
  }

  #earliest(): Sleeper | undefined {
    let best: Sleeper | undefined
    for (const s of this.#sleepers) {
      if (best === undefined || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s
    }
    return best
  }
}

// Several macrotask turns: every microtask chain started so far runs to its next real wait.
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
