import type { Logger } from '../../shared/log.js'
import { errorText } from './controller.js'
import type { Runnable } from './runnable.js'

/** Options of Manager. */
export type ManagerOptions = {
  readonly logger: Logger
}

/**
 * Manager starts a set of Runnables together and stops them together (controller-runtime `Manager`).
 * `start(signal)` runs every added Runnable and resolves once all of them have stopped after the
 * signal aborted. When one Runnable rejects, the others are stopped too and `start` rejects with that
 * first error once everything has stopped. A Manager is itself a Runnable and is started at most once.
 */
export class Manager implements Runnable {
  readonly #logger: Logger
  readonly #runnables: { readonly name: string; readonly runnable: Runnable }[] = []
  #started = false

  constructor(o: ManagerOptions) {
    this.#logger = o.logger
  }

  /** Adds a Runnable; only before start. */
  add(name: string, runnable: Runnable): this {
    if (this.#started) throw new Error('cannot add a runnable to a started manager')
    this.#runnables.push({ name, runnable })
    return this
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new Error('manager already started')
    this.#started = true
    const stop = new AbortController()
    const onAbort = (): void => stop.abort(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    let failure: { name: string; err: unknown } | undefined
    try {
      await Promise.all(
        this.#runnables.map(async ({ name, runnable }) => {
          try {
            await runnable.start(stop.signal)
          } catch (err) {
            // Rejecting with our own abort reason while shutting down is stopping, not failing.
            if (signal.aborted && err === signal.reason) return
            this.#logger.error('runnable failed, stopping the manager', {
              runnable: name,
              error: errorText(err),
            })
            failure ??= { name, err }
            stop.abort(err)
          }
        })
      )
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
    if (failure !== undefined) throw failure.err
  }
}
