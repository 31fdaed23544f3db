import type { ControllersDeps } from './controller-deps.js'
import { DEFAULT_CONTROLLER_SETTINGS } from './controller-deps.js'
import { immutableTagMatcher } from './immutable-tags.js'
import { createImportController } from './import-controller.js'
import { RegistryBudget, type RegistryBudgetOptions } from './registry-budget.js'
import type { ControllerObserver } from './runtime/controller.js'
import { Manager } from './runtime/manager.js'
import type { Runnable } from './runtime/runnable.js'
import { ScheduledImportController } from './scheduled-import-controller.js'

/** The controllers as one Runnable, with readiness for `/readyz`. */
export type Controllers = Runnable & {
  /** True once every controller has listed the streams and queued what is pending. */
  synced(): boolean
  /** The scheduled import controller (undefined when disabled), for inspection. */
  readonly scheduled: ScheduledImportController | undefined
  /** The per-registry budget both controllers share. */
  readonly budget: RegistryBudget
}

/** Options of createControllers beyond the deps (tests tune these; the server leaves them out). */
export type CreateControllersOptions = {
  /** Overrides of the registry budget (waits after 429s without Retry-After, caps, reserve). */
  readonly budget?: Omit<RegistryBudgetOptions, 'clock' | 'rateLimit' | 'onWait'>
}

/**
 * Creates the controllers of the server as one Manager: the import controller (imports streams whose
 * spec asks for it) and, unless `settings.disableScheduledImport`, the scheduled import controller
 * (re-checks `importPolicy.scheduled` tags every `scheduledImportIntervalMs`, HEAD first). They share
 * one RegistryBudget fed by `client.rateLimit`, and report to `deps.metrics`. Start the result with
 * `start(signal)`; it resolves once both have stopped after the signal aborted. Throws AppError(Invalid)
 * for an immutable-tag pattern that does not compile.
 */
export function createControllers(
  deps: ControllersDeps,
  opts: CreateControllersOptions = {}
): Controllers {
  const s = deps.settings
  const m = deps.metrics
  const workers = s.workers ?? DEFAULT_CONTROLLER_SETTINGS.workers
  const observer: ControllerObserver = {
    reconciled: (e) => m?.reconciles.inc({ controller: e.controller, outcome: e.outcome }),
    queueDepth: (controller, depth) => m?.queueDepth.set({ controller }, depth),
  }
  const budget = new RegistryBudget({
    clock: deps.clock,
    rateLimit: (registry) => deps.client.rateLimit(registry),
    ...opts.budget,
    onWait: (w) => {
      m?.rateLimitWaits.inc({ registry: w.registry, source: w.source })
      m?.rateLimitWaitSeconds.inc({ registry: w.registry }, w.waitMs / 1000)
      deps.logger.info('registry asked us to wait', {
        registry: w.registry,
        source: w.source,
        waitMs: w.waitMs,
      })
    },
  })
  const immutable = immutableTagMatcher(s.immutableTagPatterns)
  let importSynced = false
  let scheduledSynced = s.disableScheduledImport === true
  const manager = new Manager({ logger: deps.logger })
  manager.add(
    'import-controller',
    createImportController({
      store: deps.store,
      importer: deps.importer,
      clock: deps.clock,
      logger: deps.logger,
      ...(m === undefined ? {} : { metrics: m }),
      budget,
      workers,
      observer,
      onSynced: () => {
        importSynced = true
      },
    })
  )
  let scheduled: ScheduledImportController | undefined
  if (s.disableScheduledImport !== true) {
    scheduled = new ScheduledImportController({
      store: deps.store,
      client: deps.client,
      importer: deps.importer,
      clock: deps.clock,
      logger: deps.logger,
      ...(m === undefined ? {} : { metrics: m }),
      budget,
      intervalMs: s.scheduledImportIntervalMs,
      maxImportsPerMinute: s.maxScheduledImportsPerMinute,
      immutable,
      workers,
      ...(deps.nodeKeyring === undefined ? {} : { nodeKeyring: deps.nodeKeyring }),
      observer,
      onSynced: () => {
        scheduledSynced = true
      },
    })
    manager.add('scheduled-import-controller', scheduled)
  }
  return {
    start: (signal) => manager.start(signal),
    synced: () => importSynced && scheduledSynced,
    scheduled,
    budget,
  }
}
