import type { EventRecord, LocalBackend, Scope } from './local-backend.js'
import type { WatchEvent } from './store.js'
import { tooOldResourceVersion } from './store-errors.js'

/** Options of WatchHub. */
export type WatchHubOptions = {
  /** Where missed events are read from. */
  readonly history: Pick<LocalBackend, 'readEvents' | 'compactedRevision'>
  /**
   * Live events buffered per watcher; a watcher that falls further behind drops its buffer and
   * catches up from history instead (so a slow consumer costs bounded memory, and is only cut off
   * with StoreExpiredError when it falls behind the retained history).
   */
  readonly bufferSize?: number
  /** Events read from history per query. */
  readonly pageSize?: number
}

/** Defaults of WatchHubOptions. */
export const DEFAULT_WATCH_HUB = { bufferSize: 1000, pageSize: 256 } as const

type Watcher = {
  readonly scope: Scope
  /** The revision of the last event delivered (or the start revision). */
  last: number
  /** Events with rv <= liveFrom come from history, later ones from `live`. */
  liveFrom: number
  pending: EventRecord[]
  live: EventRecord[]
  ended: boolean
  wake: (() => void) | undefined
  detach: () => void
}

/**
 * WatchHub fans committed events out to the watchers of one process. The owner calls `publish` after
 * each commit, in revision order, and opens watches with the revision current at that moment; as
 * both happen synchronously there is no gap between the history a watcher replays and the live
 * events it receives.
 */
export class WatchHub {
  readonly #history: WatchHubOptions['history']
  readonly #bufferSize: number
  readonly #pageSize: number
  readonly #watchers = new Set<Watcher>()
  #closed = false

  constructor(o: WatchHubOptions) {
    this.#history = o.history
    this.#bufferSize = o.bufferSize ?? DEFAULT_WATCH_HUB.bufferSize
    this.#pageSize = o.pageSize ?? DEFAULT_WATCH_HUB.pageSize
  }

  /** The number of open watches. */
  get size(): number {
    return this.#watchers.size
  }

  /** Delivers one committed event to the watchers of its scope. */
  publish(rec: EventRecord): void {
    for (const w of this.#watchers) {
      if (rec.rv <= w.last || !inScope(w.scope, rec)) continue
      if (w.live.length >= this.#bufferSize) {
        // Too far behind: everything up to rec is in history, read it from there.
        w.live = []
        w.liveFrom = rec.rv
      } else {
        w.live.push(rec)
      }
      wakeUp(w)
    }
  }

  /**
   * Opens a watch of scope delivering events with rv > after; `current` is the revision committed
   * when the call is made. Ends when the signal aborts or the hub closes.
   */
  watch<T>(o: {
    scope: Scope
    after: number
    current: number
    signal: AbortSignal
  }): AsyncIterable<WatchEvent<T>> {
    const w: Watcher = {
      scope: o.scope,
      last: o.after,
      liveFrom: o.current,
      pending: [],
      live: [],
      ended: false,
      wake: undefined,
      detach: () => {},
    }
    if (this.#closed || o.signal.aborted) {
      w.ended = true
      return this.#iterate<T>(w)
    }
    const onAbort = (): void => this.#end(w)
    o.signal.addEventListener('abort', onAbort, { once: true })
    w.detach = () => {
      o.signal.removeEventListener('abort', onAbort)
      this.#watchers.delete(w)
    }
    this.#watchers.add(w)
    return this.#iterate<T>(w)
  }

  /** Ends every watch; later watches end at once. */
  close(): void {
    this.#closed = true
    for (const w of this.#watchers) this.#end(w)
  }

  #end(w: Watcher): void {
    w.ended = true
    w.detach()
    wakeUp(w)
  }

  async *#iterate<T>(w: Watcher): AsyncGenerator<WatchEvent<T>> {
    try {
      for (;;) {
        if (w.ended) return
        const rec = this.#next(w)
        if (rec === undefined) {
          await new Promise<void>((resolve) => {
            w.wake = resolve
          })
          continue
        }
        w.last = rec.rv
        yield { type: rec.type, object: JSON.parse(rec.object) as T }
      }
    } finally {
      this.#end(w)
    }
  }

  #next(w: Watcher): EventRecord | undefined {
    for (;;) {
      const missed = w.pending.shift()
      if (missed !== undefined) return missed
      if (w.last < w.liveFrom) {
        const compacted = this.#history.compactedRevision()
        if (w.last < compacted) throw tooOldResourceVersion(w.last, compacted)
        const page = this.#history.readEvents({
          ...w.scope,
          after: w.last,
          upto: w.liveFrom,
          limit: this.#pageSize,
        })
        if (page.length === 0) w.last = w.liveFrom
        else w.pending = page
        continue
      }
      const live = w.live.shift()
      if (live === undefined || live.rv > w.last) return live
    }
  }
}

function wakeUp(w: Watcher): void {
  const wake = w.wake
  w.wake = undefined
  wake?.()
}

function inScope(scope: Scope, rec: EventRecord): boolean {
  return (
    rec.resource === scope.resource &&
    (scope.namespace === undefined || rec.namespace === scope.namespace)
  )
}
