import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Keyring } from './credentials/types.js'
import type { HttpTransport } from './http-transport.js'
import type { Endpoint } from './ping.js'
import type { RetryPolicy } from './retry.js'
import type { ResourceScope } from './scope.js'
import type { TokenCache } from './token-cache.js'

/** Byte caps on everything the client reads into memory (registry-protocol §5.4). */
export type RegistryLimits = {
  /** Manifests (spec minimum 4 MiB; distribution, containerd and containers/image use 4 MiB). */
  readonly manifestBytes: number
  /** Default cap of blobGet (image configs). */
  readonly configBytes: number
  /** Token server responses (ggcr: 64 KiB). */
  readonly tokenBytes: number
  /** Error bodies (ggcr `maxErrorBodySize`). */
  readonly errorBodyBytes: number
  /** One page of tags/list. */
  readonly tagListBytes: number
}

/** The default limits. */
export const DEFAULT_LIMITS: RegistryLimits = {
  manifestBytes: 4 * 1024 * 1024,
  configBytes: 8 * 1024 * 1024,
  tokenBytes: 64 * 1024,
  errorBodyBytes: 64 * 1024,
  tagListBytes: 16 * 1024 * 1024,
}

/** Which registry/repository an operation is for. */
export type RepositoryTarget = {
  /** host[:port] of the registry API (docker.io already mapped to registry-1.docker.io). */
  readonly registry: string
  /** The registry as written in the reference, used for keyring lookups (`docker.io`). */
  readonly credentialRegistry: string
  readonly repository: string
  readonly insecure: boolean
}

/** State and services one client shares between its repositories. */
export type ClientContext = {
  readonly transport: HttpTransport
  readonly tokens: TokenCache
  readonly keyring: Keyring
  readonly clock: Clock
  readonly logger: Logger
  readonly retry: RetryPolicy
  readonly limits: RegistryLimits
  readonly userAgent: string
  readonly allowedRealmHosts: readonly string[]
  /** Aborts when the client closes; shared work (pings, token fetches) runs under it. */
  readonly closeSignal: AbortSignal
  /** Repository key → identity of the credential that last worked there. */
  readonly workingCredentials: Map<string, string>
  /** Repository key → scopes a registry asked for beyond pull (insufficient_scope). */
  readonly extraScopes: Map<string, readonly ResourceScope[]>
  /** The endpoint (scheme and challenge) of a registry, pinged once and cached; refresh pings again. */
  endpoint(target: RepositoryTarget, signal: AbortSignal, refresh?: boolean): Promise<Endpoint>
}
