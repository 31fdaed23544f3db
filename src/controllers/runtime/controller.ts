import { setMaxListeners } from 'node:events'
import type { Clock } from '../../shared/clock.js'
import { isAppError, Reason } from '../../shared/errors.js'
import type { Logger } from '../../shared/log.js'
import type { BackoffPolicy } from './backoff.js'
import { WorkQueue } from './queue.js'
import type { Runnable } from './runnable.js'

/** What a reconcile asks for besides being done: to be called again after requeueAfter ms. */
export type ReconcileResult = {
  /** Reconcile the key again after this many milliseconds (the key's failure count is reset). */
  readonly requeueAfter?: number
}

/**
 * Reconciler brings the world in line with one object, named by its key (controller-runtime
 * `reconcile.Reconciler`).
 *
 * Contract: `reconcile` is level-based and idempotent: it reads the current state itself (never
 * trusts what triggered it), may be called any number of times for the same key, and is never called
 * concurrently for the same key. Resolving means done (or done for now, with `requeueAfter`).
 * Throwing means "try again": the key is re-queued with per-key exponential backoff, unless the error
 * is a `TerminalError` (logged and counted, not retried) or an AppError NotFound (the object is gone:
 * nothing to do). When the signal aborts, the reconcile should stop promptly; whatever it then throws
 * or returns is ignored.
 */
export type Reconciler = {
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | undefined>
}

/** How one reconcile ended. */
export const ReconcileOutcome = {
  Success: 'success',
  Requeue: 'requeue',
  Error: 'error',
  Terminal: 'terminal',
} as const
/** A value of ReconcileOutcome. */
export type ReconcileOutcome = (typeof ReconcileOutcome)[keyof typeof ReconcileOutcome]

/** One finished reconcile, for metrics. */
export type ReconcileEvent = {
  readonly controller: string
  readonly key: string
  readonly outcome: ReconcileOutcome
  readonly durationMs: number
  readonly error?: unknown
}

/** Hooks for metrics; every one is optional. */
export type ControllerObserver = {
  readonly reconciled?: (e: ReconcileEvent) => void
  readonly queueDepth?: (controller: string, depth: number) => void
}

/**
 * A Source feeds the queue (a watch, a ticker). It runs from start until the signal aborts and then
 * resolves; a rejection stops the controller.
 */
export type ControllerSource = (queue: WorkQueue, signal: AbortSignal) => Promise<void>

/** Options of Controller. */
export type ControllerOptions = {
  /** Name in logs and metrics. */
  readonly name: string
  readonly reconciler: Reconciler
  readonly clock: Clock
  readonly logger: Logger
  /** Concurrent reconciles (of different keys); default 1. */
  readonly workers?: number
  /** Per-key backoff after errors; default DEFAULT_QUEUE_BACKOFF. */
  readonly backoff?: BackoffPolicy
  readonly sources?: readonly ControllerSource[]
  readonly observer?: ControllerObserver
}

/**
 * Controller runs a Reconciler over a WorkQueue with a bounded number of workers (controller-runtime's
 * internal controller). One switch per outcome:
 *  - resolved with `requeueAfter > 0`: failure count reset, key queued again after that delay;
 *  - resolved otherwise: failure count reset (forget);
 *  - threw TerminalError: logged at error level and counted, not retried;
 *  - threw AppError NotFound: the object is gone, done (IgnoreNotFound);
 *  - threw anything else: logged, re-queued after the key's exponential backoff.
 * `start(signal)` runs the sources and workers and resolves once all of them have ended after the
 * signal aborted (in-flight reconciles get the aborted signal and are awaited).
 */
export class Controller implements Runnable {
  readonly name: string
  readonly queue: WorkQueue
  readonly #o: ControllerOptions
  #started = false

  constructor(o: ControllerOptions) {
    this.#o = o
    this.name = o.name
    this.queue = new WorkQueue({
      clock: o.clock,
      ...(o.backoff === undefined ? {} : { backoff: o.backoff }),
      onDepth: (depth) => o.observer?.queueDepth?.(o.name, depth),
    })
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new Error(`controller ${this.name} already started`)
    this.#started = true
    const stop = new AbortController()
    // Every worker, source and in-flight request listens to it: many listeners are expected.
    setMaxListeners(0, stop.signal)
    const onAbort = (): void => stop.abort(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    stop.signal.addEventListener('abort', () => this.queue.shutDown(), { once: true })

    let failure: { err: unknown } | undefined
    const sources = (this.#o.sources ?? []).map(async (source) => {
      try {
        await source(this.queue, stop.signal)
      } catch (err) {
        if (stop.signal.aborted) return
        this.#o.logger.error('controller source failed', {
          controller: this.name,
          error: errorText(err),
        })
        failure ??= { err }
        stop.abort(err)
      }
    })
    const workers = Array.from({ length: Math.max(1, this.#o.workers ?? 1) }, () =>
      this.#worker(stop.signal)
    )
    this.#o.logger.info('controller started', { controller: this.name, workers: workers.length })
    try {
      await Promise.all([...sources, ...workers])
    } finally {
      signal.removeEventListener('abort', onAbort)
      this.queue.shutDown()
    }
    this.#o.logger.info('controller stopped', { controller: this.name })
    if (failure !== undefined) throw failure.err
  }

  async #worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get(signal)
      if (key === undefined) return
      try {
        await this.#process(key, signal)
      } finally {
        this.queue.done(key)
      }
    }
  }

  async #process(key: string, signal: AbortSignal): Promise<void> {
    const { clock, logger, reconciler, observer } = this.#o
    const started = clock.now()
    const report = (outcome: ReconcileOutcome, error?: unknown): void => {
      observer?.reconciled?.({
        controller: this.name,
        key,
        outcome,
        durationMs: clock.now() - started,
        ...(error === undefined ? {} : { error }),
      })
    }
    let result: ReconcileResult | undefined
    try {
      result = await reconciler.reconcile(key, signal)
    } catch (err) {
      // Shutting down: whatever the reconcile made of the abort is not a failure.
      if (signal.aborted) return
      if (isTerminalError(err)) {
        logger.error('reconcile failed permanently', {
          controller: this.name,
          key,
          error: errorText(err),
        })
        this.queue.forget(key)
        report(ReconcileOutcome.Terminal, err)
        return
      }
      if (isAppError(err, Reason.NotFound)) {
        this.queue.forget(key)
        report(ReconcileOutcome.Success)
        return
      }
      const retries = this.queue.numRequeues(key)
      logger.warn('reconcile failed, will retry', {
        controller: this.name,
        key,
        retries,
        error: errorText(err),
      })
      this.queue.addRateLimited(key)
      report(ReconcileOutcome.Error, err)
      return
    }
    if (signal.aborted) return
    this.queue.forget(key)
    const after = result?.requeueAfter
    if (after !== undefined && after > 0) {
      this.queue.addAfter(key, after)
      report(ReconcileOutcome.Requeue)
      return
    }
    report(ReconcileOutcome.Success)
  }
}

/** Reports whether err is a TerminalError (by name, not class, as errors cross package boundaries). */
export function isTerminalError(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TerminalError'
  )
}

/** The message of an error for logs. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
