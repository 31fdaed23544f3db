import type { Clock } from '../../shared/clock.js'
import { type BackoffPolicy, backoffDelay } from './backoff.js'

/** The per-key backoff of addRateLimited unless told otherwise: 500 ms doubling up to 5 min. */
export const DEFAULT_QUEUE_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 5 * 60_000 }

/** Options of WorkQueue. */
export type WorkQueueOptions = {
  /** Drives delayed adds (addAfter, addRateLimited). */
  readonly clock: Clock
  /** Per-key backoff of addRateLimited; default DEFAULT_QUEUE_BACKOFF. */
  readonly backoff?: BackoffPolicy
  /** Called with the number of ready keys whenever it changes (a queue-depth gauge). */
  readonly onDepth?: (depth: number) => void
}

type Delayed<K> = { readonly at: number; readonly key: K; readonly seq: number }

/**
 * WorkQueue hands out keys to workers, after client-go's rate-limiting work queue:
 *  - **dedup**: a key added while it waits is queued once; a key added while a worker holds it is
 *    queued again only when that worker calls `done`, so no two workers ever hold the same key;
 *  - **delayed adds**: `addAfter` queues a key later (the earliest of several pending times wins);
 *  - **per-key backoff**: `addRateLimited` delays a key by base·2ⁿ (capped) after its n-th consecutive
 *    failure, and `forget` resets that count after a success;
 *  - **shutdown**: `shutDown` wakes every waiting `get` with undefined and drops what is queued.
 * Keys are handed out in FIFO order of becoming ready.
 */
export class WorkQueue<K extends string = string> {
  readonly #clock: Clock
  readonly #backoff: BackoffPolicy
  readonly #onDepth: ((depth: number) => void) | undefined
  /** Ready keys, in order (a Set keeps insertion order and dedups). */
  readonly #ready = new Set<K>()
  /** Keys held by workers. */
  readonly #processing = new Set<K>()
  /** Keys added while held: re-queued on done. */
  readonly #dirtyWhileProcessing = new Set<K>()
  readonly #failures = new Map<K, number>()
  /** Earliest pending time per delayed key; heap entries that disagree with it are stale. */
  readonly #delayedAt = new Map<K, number>()
  #heap: Delayed<K>[] = []
  #seq = 0
  #waiters: ((key: K | undefined) => void)[] = []
  #shutdown = false
  #timer: { at: number; abort: AbortController } | undefined
  #timerRunning = false

  constructor(o: WorkQueueOptions) {
    this.#clock = o.clock
    this.#backoff = o.backoff ?? DEFAULT_QUEUE_BACKOFF
    this.#onDepth = o.onDepth
  }

  /** Queues key now (no-op when it is already queued, or after shutdown). */
  add(key: K): void {
    if (this.#shutdown) return
    this.#delayedAt.delete(key)
    if (this.#processing.has(key)) {
      this.#dirtyWhileProcessing.add(key)
      return
    }
    if (this.#ready.has(key)) return
    const waiter = this.#waiters.shift()
    if (waiter !== undefined) {
      this.#processing.add(key)
      waiter(key)
      return
    }
    this.#ready.add(key)
    this.#depthChanged()
  }

  /** Queues key after ms milliseconds (now when ms ≤ 0); an earlier pending time for the key wins. */
  addAfter(key: K, ms: number): void {
    if (this.#shutdown) return
    if (!(ms > 0)) {
      this.add(key)
      return
    }
    // Already ready (and not held): it will be handed out before the delay would end anyway.
    if (this.#ready.has(key)) return
    const at = this.#clock.now() + ms
    const pending = this.#delayedAt.get(key)
    if (pending !== undefined && pending <= at) return
    this.#delayedAt.set(key, at)
    this.#push({ at, key, seq: this.#seq++ })
    this.#armTimer()
  }

  /** Queues key after its backoff and counts one more consecutive failure. */
  addRateLimited(key: K): void {
    const failures = this.#failures.get(key) ?? 0
    this.#failures.set(key, failures + 1)
    this.addAfter(key, backoffDelay(this.#backoff, failures))
  }

  /** Resets key's failure count (after a success). */
  forget(key: K): void {
    this.#failures.delete(key)
  }

  /** How many consecutive failures key has had. */
  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0
  }

  /**
   * Waits for a key and marks it held until `done(key)`. Resolves undefined after shutdown or when
   * the signal aborts.
   */
  get(signal?: AbortSignal): Promise<K | undefined> {
    if (this.#shutdown || signal?.aborted) return Promise.resolve(undefined)
    const first = this.#ready.values().next()
    if (first.done !== true) {
      const key = first.value
      this.#ready.delete(key)
      this.#processing.add(key)
      this.#depthChanged()
      return Promise.resolve(key)
    }
    return new Promise<K | undefined>((resolve) => {
      const waiter = (key: K | undefined): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve(key)
      }
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter)
        resolve(undefined)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  /** Releases a key taken with get; a key added meanwhile is queued again. */
  done(key: K): void {
    this.#processing.delete(key)
    if (this.#dirtyWhileProcessing.delete(key)) this.add(key)
  }

  /** Ready keys (not counting held or delayed ones). */
  get length(): number {
    return this.#ready.size
  }

  /** Keys waiting for a delayed add. */
  get delayedCount(): number {
    return this.#delayedAt.size
  }

  /** Whether shutDown was called. */
  get shuttingDown(): boolean {
    return this.#shutdown
  }

  /** Stops the queue: waiting gets resolve undefined, queued and delayed keys are dropped. Idempotent. */
  shutDown(): void {
    if (this.#shutdown) return
    this.#shutdown = true
    this.#ready.clear()
    this.#delayedAt.clear()
    this.#heap = []
    this.#timer?.abort.abort()
    for (const w of this.#waiters.splice(0)) w(undefined)
    this.#depthChanged()
  }

  #depthChanged(): void {
    this.#onDepth?.(this.#ready.size)
  }

  // The delay timer: one clock.sleep until the earliest delayed key, re-armed when an earlier one comes.
  #armTimer(): void {
    const next = this.#peek()
    if (next === undefined) return
    if (this.#timer !== undefined && this.#timer.at <= next.at) return
    this.#timer?.abort.abort()
    const abort = new AbortController()
    this.#timer = { at: next.at, abort }
    if (!this.#timerRunning) {
      this.#timerRunning = true
      // #runTimer never rejects (every sleep failure is an abort it handles) and clears the flag
      // itself, in the same step in which it sees there is nothing left to wait for.
      void this.#runTimer()
    }
  }

  async #runTimer(): Promise<void> {
    for (;;) {
      const timer = this.#timer
      if (this.#shutdown || timer === undefined) {
        this.#timerRunning = false
        return
      }
      const delay = timer.at - this.#clock.now()
      if (delay > 0) {
        try {
          await this.#clock.sleep(delay, timer.abort.signal)
        } catch {
          // Aborted: an earlier key came (the loop picks up the new timer) or the queue shut down.
          continue
        }
      }
      if (this.#timer !== timer) continue
      this.#timer = undefined
      this.#releaseDue()
      const next = this.#peek()
      if (next !== undefined) this.#timer = { at: next.at, abort: new AbortController() }
    }
  }

  #releaseDue(): void {
    const now = this.#clock.now()
    for (;;) {
      const top = this.#peek()
      if (top === undefined || top.at > now) return
      this.#pop()
      this.#delayedAt.delete(top.key)
      this.add(top.key)
    }
  }

  // Min-heap on (at, seq) with lazy deletion of stale entries.
  #peek(): Delayed<K> | undefined {
    for (;;) {
      const top = this.#heap[0]
      if (top === undefined) return undefined
      if (this.#delayedAt.get(top.key) === top.at) return top
      this.#pop()
    }
  }

  #push(e: Delayed<K>): void {
    const h = this.#heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i] as Delayed<K>, h[parent] as Delayed<K>)) break
      swap(h, i, parent)
      i = parent
    }
  }

  #pop(): void {
    const h = this.#heap
    const last = h.pop()
    if (last === undefined || h.length === 0) return
    h[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && before(h[l] as Delayed<K>, h[m] as Delayed<K>)) m = l
      if (r < h.length && before(h[r] as Delayed<K>, h[m] as Delayed<K>)) m = r
      if (m === i) return
      swap(h, i, m)
      i = m
    }
  }
}

function before<K>(a: Delayed<K>, b: Delayed<K>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i] as T
  a[i] = a[j] as T
  a[j] = t
}
