import type { RegistryClient } from '../registry-client/client.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'

/** An entry of allowedRegistriesForImport (OpenShift `openshiftcontrolplane/v1 RegistryLocation`). */
export type AllowedRegistry = {
  /** `host`, `host:port`, with `*` and `?` wildcards; a host without port means :443 (or :80 when insecure). */
  readonly domainName: string
  readonly insecure?: boolean
}

/** The os/architecture[/variant] of the control plane, used by Legacy imports of manifest lists. */
export type DefaultPlatform = {
  readonly os: string
  readonly architecture: string
  readonly variant?: string
}

/** Server settings of the import engine. */
export type ImporterSettings = {
  /** Mode for requests that name none (OpenShift `imageStreamImportMode`, default Legacy). */
  readonly defaultImportMode: 'Legacy' | 'PreserveOriginal'
  /** What OpenShift calls the control plane arch/os (`runtime.GOOS`/`GOARCH` of the apiserver). */
  readonly defaultPlatform: DefaultPlatform
  /** When set, only these registries may be imported from (OpenShift `allowedRegistriesForImport`). */
  readonly allowedRegistriesForImport?: readonly AllowedRegistry[]
  /** Tags imported by one repository (`--all`) import: default 50; -1 means unlimited. */
  readonly maxImagesBulkImportedPerRepository: number
  /**
   * Manifest fetches in flight at each level of one import: the tags and digests of the request, and the
   * children of one manifest list (default 4). The client still caps connections per registry.
   */
  readonly childConcurrency: number
  /** host[:port] of our registry: `status.dockerImageRepository` is `<host>/<namespace>/<name>`. */
  readonly registryHostname?: string | undefined
}

/** The defaults of ImporterSettings (OpenShift's, with linux/amd64 as the control plane platform). */
export const DEFAULT_IMPORTER_SETTINGS: ImporterSettings = {
  defaultImportMode: 'Legacy',
  defaultPlatform: { os: 'linux', architecture: 'amd64' },
  maxImagesBulkImportedPerRepository: 50,
  childConcurrency: 4,
}

/** What the import engine works with. */
export type ImporterDeps = {
  readonly store: Store
  readonly client: RegistryClient
  readonly clock: Clock
  readonly logger: Logger
  readonly settings: ImporterSettings
  /**
   * Credentials tried after the namespace's pull secrets (OpenShift's node credentials, the cluster pull
   * secret). Optional: without it only the namespace's secrets and anonymous access are used.
   */
  readonly nodeKeyring?: Keyring
}
