import type { Clock } from '../shared/clock.js'
import { isAppError, Reason } from '../shared/errors.js'
import type { Logger } from '../shared/log.js'
import { type CronSchedule, parseCronSchedule } from './cron.js'
import { createPruneGate, type PruneGate } from './prune-gate.js'
import type { ImagePruneOptions } from './prune-options.js'
import { formatPruneStats, type PruneReport } from './report.js'
import { type ImagePruneDeps, runImagePrune } from './run-image-prune.js'

/**
 * Parses the server's `--prune-schedule` (see parseCronSchedule); '' and `off` mean no scheduled
 * pruning, the default. Throws AppError Invalid for a malformed schedule.
 */
export function parsePruneSchedule(value: string | undefined): CronSchedule | undefined {
  const v = (value ?? '').trim()
  if (v === '' || v.toLowerCase() === 'off') return undefined
  return parseCronSchedule(v)
}

/** Options of createImagePruneSchedule. */
export type ImagePruneScheduleOptions = {
  readonly schedule: CronSchedule
  readonly deps: ImagePruneDeps & { readonly clock: Clock; readonly logger: Logger }
  /**
   * The options of each run, read when it starts (in-use files are read afresh each time, see
   * readInUseFiles); `confirm` is forced to true.
   */
  readonly options: () => ImagePruneOptions | Promise<ImagePruneOptions>
  /** Shared with the API handler; one of its own when absent. */
  readonly gate?: PruneGate
  /** Called after each run (tests, metrics). */
  readonly onReport?: (report: PruneReport) => void
}

/**
 * Creates the scheduled prune as a Runnable (controllers' runtime contract: `start(signal)` resolves
 * once stopped): it sleeps until the schedule's next time, prunes with the same rules as
 * `isctl adm prune images --confirm`, logs the summary, and repeats. A run that fails is logged and the
 * schedule goes on; a run while another prune holds the gate is skipped.
 */
export function createImagePruneSchedule(o: ImagePruneScheduleOptions): {
  start(signal: AbortSignal): Promise<void>
} {
  const { clock, logger } = o.deps
  const gate = o.gate ?? createPruneGate()
  return {
    start: async (signal) => {
      while (!signal.aborted) {
        const now = clock.now()
        const at = o.schedule.next(now)
        try {
          await clock.sleep(at - now, signal)
        } catch {
          // Aborted while waiting: that is how the schedule stops.
          return
        }
        try {
          const options = { ...(await o.options()), confirm: true }
          const report = await gate.run(() => runImagePrune(o.deps, options, signal))
          logger.info('scheduled image prune', { summary: formatPruneStats(report.stats) })
          o.onReport?.(report)
        } catch (err) {
          if (signal.aborted) return
          if (isAppError(err, Reason.Conflict)) {
            logger.info('scheduled image prune skipped: another prune is running')
          } else {
            logger.error('scheduled image prune failed', {
              error: err instanceof Error ? err.message : String(err),
            })
          }
        }
      }
    },
  }
}
