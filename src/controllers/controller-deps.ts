import type { ImageStream, ImageStreamImport } from '../api/image/v1/types.js'
import type { ServerMetrics } from '../observability/server-metrics.js'
import type { RegistryClient } from '../registry-client/client.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'

/**
 * The import of an ImageStreamImport into a namespace, as the API's `imagestreamimports` create does it
 * (createImageStreamImport bound to its deps): imports, writes the stream (nothing when nothing
 * changed) and returns the request with its status. Throws for request-level failures (Conflict when
 * the stream changed since the request's resourceVersion, NotFound when it is gone).
 */
export type ImporterFunc = (
  namespace: string,
  isi: ImageStreamImport,
  o: { signal: AbortSignal }
) => Promise<ImageStreamImport>

/** Server settings of the controllers. */
export type ControllerSettings = {
  /** `--scheduled-import-interval`: how often scheduled tags are checked (OpenShift: 15 min). */
  readonly scheduledImportIntervalMs: number
  /** `--max-scheduled-imports-per-minute` (OpenShift: 60); 0 or less means unlimited. */
  readonly maxScheduledImportsPerMinute: number
  /**
   * Regular expressions for source tags that never change once imported (e.g. SEMVER_TAG_PATTERN):
   * such scheduled tags are not checked again. Digest references never are.
   */
  readonly immutableTagPatterns?: readonly string[]
  /** Concurrent reconciles per controller; default 4. */
  readonly workers?: number
  /** Turns the scheduled import controller off (OpenShift `disableScheduledImport`). */
  readonly disableScheduledImport?: boolean
}

/** The defaults of ControllerSettings (OpenShift's). */
export const DEFAULT_CONTROLLER_SETTINGS = {
  scheduledImportIntervalMs: 15 * 60_000,
  maxScheduledImportsPerMinute: 60,
  workers: 4,
} as const

/** What the controllers work with. */
export type ControllersDeps = {
  readonly store: Store
  /** The registry client the importer uses too, so that tokens and pings are shared. */
  readonly client: RegistryClient
  readonly importer: ImporterFunc
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics?: ServerMetrics
  readonly settings: ControllerSettings
  /** Credentials tried after the namespace's pull secrets for HEAD checks (as the importer's). */
  readonly nodeKeyring?: Keyring
}

/** An image stream as read from the store (its name is always set). */
export type StoredImageStream = ImageStream & { metadata: { name: string } }
