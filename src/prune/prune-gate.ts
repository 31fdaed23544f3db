import { AppError, Reason } from '../shared/errors.js'

/**
 * PruneGate lets one confirmed prune run at a time in this process: the API handler and the schedule
 * share one, so that two prunes never race each other (each alone is safe against imports and pushes,
 * but two would report each other's deletions as skipped).
 */
export type PruneGate = {
  /** Runs fn unless a prune is running; then throws AppError Conflict without calling it. */
  run<T>(fn: () => Promise<T>): Promise<T>
}

/** Creates a gate. */
export function createPruneGate(): PruneGate {
  let busy = false
  return {
    run: async (fn) => {
      if (busy) throw new AppError(Reason.Conflict, 'an image prune is already running')
      busy = true
      try {
        return await fn()
      } finally {
        busy = false
      }
    },
  }
}
