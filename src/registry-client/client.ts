import { setMaxListeners } from 'node:events'
import { type Clock, systemClock } from '../shared/clock.js'
import { AppError, Reason } from '../shared/errors.js'
import { type Logger, noopLogger } from '../shared/log.js'
import type { ClientContext, RegistryLimits, RepositoryTarget } from './context.js'
import { DEFAULT_LIMITS } from './context.js'
import { anonymousKeyring, type Keyring } from './credentials/types.js'
import { EndpointCache } from './endpoint-cache.js'
import { firstHeader } from './headers.js'
import { createHttpTransport, type RequestEvent } from './http-transport.js'
import { pingRegistry } from './ping.js'
import { type RateLimitState, RateLimitTracker } from './rate-limit.js'
import { createRemoteRepository, type RemoteRepository } from './repository.js'
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js'
import { parseRetryAfter } from './retry-after.js'
import { TokenCache } from './token-cache.js'

/** The repository handle and its result types, re-exported so callers can import the whole API from here. */
export type {
  BlobGetOptions,
  FetchedManifest,
  ManifestDescriptor,
  RemoteRepository,
  TagListOptions,
} from './repository.js'

/** Options of createRegistryClient; every field is optional. */
export type RegistryClientOptions = {
  /** Credentials, most specific first; anonymous is always tried last. */
  readonly keyring?: Keyring
  /** Extra PEM CAs trusted in addition to the bundled ones. */
  readonly caCerts?: readonly string[]
  readonly userAgent?: string
  readonly clock?: Clock
  readonly logger?: Logger
  /** Concurrent requests per registry (token and redirect hops included); default 8. */
  readonly maxConcurrentPerRegistry?: number
  readonly retry?: Partial<RetryPolicy>
  /** Per request (headers and body); default 30 s. */
  readonly timeoutMs?: number
  readonly limits?: Partial<RegistryLimits>
  /** Extra trusted token realm hosts (`host` or `host:port`), e.g. an internal token server. */
  readonly allowedRealmHosts?: readonly string[]
  /** Sees every HTTP exchange (for metrics and benchmarks); the URL is redacted. */
  readonly onRequest?: (e: RequestEvent) => void
}

/** What a repository handle is for. */
export type RepositoryOptions = {
  /** host[:port] as in the image reference; `docker.io` is reached at `registry-1.docker.io`. */
  readonly registry: string
  /** Repository path, e.g. `library/busybox`. */
  readonly repository: string
  /** Skip TLS verification and fall back to plain http (OpenShift `insecure`). */
  readonly insecure?: boolean
  /**
   * Credentials for this handle only, replacing the client's keyring (e.g. one namespace's pull secrets).
   * Tokens stay cached by credential identity and the "credential that worked last" memo is kept per keyring,
   * so handles with different keyrings never use each other's credentials.
   */
  readonly keyring?: Keyring
}

/**
 * RegistryClient is the outbound Distribution API v2 client: it hands out repositories that share connections,
 * pings, tokens and rate-limit bookkeeping.
 */
export type RegistryClient = {
  /** A handle on one repository; cheap, makes no request. Throws AppError(Invalid) for a bad name. */
  repository(t: RepositoryOptions): RemoteRepository
  /** The rate-limit headers last seen from a registry (host[:port] as in references). */
  rateLimit(registry: string): RateLimitState | undefined
  /** Aborts in-flight work and closes connections. */
  close(): Promise<void>
}

const DEFAULT_USER_AGENT = 'imagestreams/0.1'
const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_CONCURRENT = 8

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * Maps a registry as written in a reference to the host serving its API: Docker Hub's `docker.io` and
 * `index.docker.io` are served by `registry-1.docker.io`. Host names are lower-cased.
 */
export function registryApiHost(registry: string): string {
  const r = registry.toLowerCase()
  return r === 'docker.io' || r === 'index.docker.io' ? 'registry-1.docker.io' : r
}

/** Creates a registry client. */
export function createRegistryClient(opts: RegistryClientOptions = {}): RegistryClient {
  const clock = opts.clock ?? systemClock
  const logger = opts.logger ?? noopLogger
  const closer = new AbortController()
  // Every in-flight request listens on the close signal; many at once is normal, not a leak.
  setMaxListeners(0, closer.signal)
  const rateLimits = new RateLimitTracker()
  const limits: RegistryLimits = { ...DEFAULT_LIMITS, ...definedOnly(opts.limits ?? {}) }
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...definedOnly(opts.retry ?? {}) }
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT
  const transport = createHttpTransport({
    userAgent,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxConcurrentPerRegistry: opts.maxConcurrentPerRegistry ?? DEFAULT_MAX_CONCURRENT,
    ...(opts.caCerts === undefined ? {} : { caCerts: opts.caCerts }),
    ...(opts.onRequest === undefined ? {} : { onRequest: opts.onRequest }),
    onResponse: (req, res) => {
      let until: number | undefined
      if (res.status === 429) {
        const ms = parseRetryAfter(firstHeader(res.headers, 'retry-after'), clock.now())
        if (ms !== undefined) until = clock.now() + ms
      }
      rateLimits.record(req.registry, res.headers, until)
    },
  })
  const endpoints = new EndpointCache((target: RepositoryTarget) =>
    pingRegistry({
      transport,
      retry,
      clock,
      logger,
      registry: target.registry,
      repository: target.repository,
      insecure: target.insecure,
      errorBodyBytes: limits.errorBodyBytes,
      signal: closer.signal,
    })
  )
  const ctx: ClientContext = {
    transport,
    tokens: new TokenCache({ clock }),
    keyring: opts.keyring ?? anonymousKeyring,
    clock,
    logger,
    retry,
    limits,
    userAgent,
    allowedRealmHosts: opts.allowedRealmHosts ?? [],
    closeSignal: closer.signal,
    workingCredentials: new Map(),
    extraScopes: new Map(),
    endpoint: (target, signal, refresh) => endpoints.get(target, signal, refresh),
  }

  // One "working credential" memo per keyring: a handle only ever reorders its own keyring's credentials.
  const memos = new WeakMap<Keyring, Map<string, string>>()
  const contextFor = (keyring: Keyring | undefined): ClientContext => {
    if (keyring === undefined) return ctx
    let memo = memos.get(keyring)
    if (memo === undefined) {
      memo = new Map()
      memos.set(keyring, memo)
    }
    return { ...ctx, keyring, workingCredentials: memo }
  }

  return {
    repository: (t) => {
      if (!HOST.test(t.registry)) {
        throw new AppError(
          Reason.Invalid,
          `invalid registry host ${JSON.stringify(t.registry.slice(0, 300))}`
        )
      }
      if (t.repository.length > 255 || !NAME.test(t.repository)) {
        throw new AppError(
          Reason.Invalid,
          `invalid repository name ${JSON.stringify(t.repository.slice(0, 300))}`
        )
      }
      return createRemoteRepository(contextFor(t.keyring), {
        registry: registryApiHost(t.registry),
        credentialRegistry: t.registry,
        repository: t.repository,
        insecure: t.insecure ?? false,
      })
    },
    rateLimit: (registry) => rateLimits.get(registryApiHost(registry)),
    close: async () => {
      closer.abort(new AppError(Reason.ServiceUnavailable, 'registry client closed'))
      await transport.close()
    },
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
