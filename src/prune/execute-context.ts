import type { Image } from '../api/image/v1/types.js'
import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import type { InUseReferences } from './in-use-references.js'
import type { PlanOptions } from './plan.js'
import type { PruneRegistryStorage } from './registry-storage.js'
import type { PrunedStream } from './report.js'

/**
 * How long execution watches the streams after deleting Images, for an import that found one of them
 * still there (AlreadyExists) just before the delete and records it in a history just after.
 */
export const DEFAULT_SETTLE_MS = 2_000

/** What executing a plan needs. */
export type ExecuteDeps = {
  readonly store: Store
  /** The integrated registry's storage; without it only API objects are pruned. */
  readonly registry?: PruneRegistryStorage | undefined
  readonly clock: Clock
  readonly logger: Logger
  /** Overrides DEFAULT_SETTLE_MS. */
  readonly settleMs?: number
}

/** The inputs a plan was made from; execution re-checks them against the current state. */
export type ExecuteContext = {
  readonly inUse: InUseReferences
  readonly options: PlanOptions
  /** The Images the plan was made from (their list children are needed to count repository links). */
  readonly images: readonly Image[]
}

/** What executing a plan did (mutable while it runs). */
export type ExecuteResult = {
  readonly streams: PrunedStream[]
  readonly images: string[]
  readonly blobs: string[]
  readonly restoredImages: string[]
  readonly skipped: { tagItems: number; readonly images: string[]; readonly blobs: string[] }
  readonly warnings: string[]
  readonly errors: string[]
}

/** The message of a thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
