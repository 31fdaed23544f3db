import type { ImageStreamImport } from '../api/image/v1/types.js'
import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import type { TokenAuthority } from './token-authority.js'

/**
 * Runs one ImageStreamImport in a namespace and returns it with its status filled (the import engine;
 * the API server only authorizes, defaults and validates the request before calling it).
 */
export type Importer = (
  namespace: string,
  isi: ImageStreamImport,
  o: { signal: AbortSignal }
) => Promise<ImageStreamImport>

/** Server settings the API reads. */
export type ApiSettings = {
  /** Host[:port] of our registry; sets status.dockerImageRepository of every stream when given. */
  readonly registryHostname?: string | undefined
  /** The import mode an empty `importPolicy.importMode` defaults to. */
  readonly defaultImportMode: 'Legacy' | 'PreserveOriginal'
}

/** Everything createApiApp needs. */
export type ApiDeps = {
  readonly store: Store
  readonly importer: Importer
  readonly tokens: TokenAuthority
  /** The bearer token of the cluster administrator (all namespaces, cluster-scoped kinds). */
  readonly adminToken: string
  readonly clock: Clock
  readonly logger: Logger
  readonly settings: ApiSettings
}
