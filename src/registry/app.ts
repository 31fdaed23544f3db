/**
 * @module
 * The integrated registry: the OCI Distribution API v2 for `NAMESPACE/IMAGESTREAM` repositories (push, pull,
 * pull-through from the stream's upstreams, content discovery, management) and its token endpoint, as one
 * Hono app. Mount it on the server's listener with `app.route('/', createRegistryApp(deps))` (it serves
 * `/v2/*` and `settings.tokenPath`); served by `@hono/node-server`, it reads the raw request path and body
 * from the `incoming` binding.
 */
import { Hono } from 'hono'
import type { RegistryClient } from '../registry-client/client.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import type { Clock } from '../shared/clock.js'
import { isAppError, Reason } from '../shared/errors.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import { identifyCaller, unauthorized } from './auth.js'
import type { BlobStore } from './blob-store.js'
import { handleBlob } from './blobs.js'
import { handleCatalog } from './catalog.js'
import { type RegistryContext, type RegistryEnv, rawPath } from './context.js'
import { isOciError, nameInvalid, OciError, OciErrorCode, ociErrorBody } from './errors.js'
import type { Authenticate } from './identity.js'
import { LastPullRecorder } from './last-pull.js'
import { ManifestStore } from './manifest-store.js'
import { handleManifest } from './manifests.js'
import { hasUnsafePathSegment } from './names.js'
import { parseEndpoint } from './paths.js'
import { PullThrough } from './pull-through.js'
import { handleReferrers } from './referrers.js'
import { type RegistryServices, realmOf } from './services.js'
import { handleTags } from './tags.js'
import { handleTokenRequest } from './token-endpoint.js'
import { UploadSessions } from './upload-sessions.js'
import { handleUploadSession, handleUploadStart } from './uploads.js'

/** Settings of the registry. */
export type RegistrySettings = {
  /** host[:port] clients use to reach this registry; also the token service (`aud`). May be a getter. */
  readonly registryHostname: string
  /** Key the token endpoint signs its tokens with (a purpose-bound key is derived from it). */
  readonly tokenSigningKey: Uint8Array
  /** Largest manifest accepted by PUT (413 above); default 4 MiB, the spec's minimum. */
  readonly maxManifestBytes?: number
  /** Cached (pulled-through) blobs are evicted, least recently used first, above this total; default none. */
  readonly cacheMaxBytes?: number
  /** Largest blob an upload may write; default 32 GiB. */
  readonly maxBlobBytes?: number
  /** Path of the token endpoint; default `/openshift/token` (OpenShift's). */
  readonly tokenPath?: string
  /** Lifetime of issued tokens; default 300 s. */
  readonly tokenTtlSeconds?: number
}

/** What the registry app is built from. */
export type RegistryDeps = {
  readonly store: Store
  readonly blobStore: BlobStore
  /** The outbound client for pull-through (its keyring is replaced by each namespace's pull secrets). */
  readonly client: RegistryClient
  /** Resolves an API token (Bearer, or the password of Basic auth) to an identity. */
  readonly authenticate: Authenticate
  readonly clock: Clock
  readonly logger: Logger
  readonly settings: RegistrySettings
  /** Credentials tried after the namespace's pull secrets for pull-through (node credentials). */
  readonly nodeKeyring?: Keyring
}

/** The app and the services behind it (tests, metrics, shutdown). */
export type Registry = {
  readonly app: Hono<RegistryEnv>
  readonly services: RegistryServices
  /**
   * Waits for the background work requests left behind (pull-through commits and cache trims, last-pull
   * writes). Call it once the listener stopped and before the store is closed.
   */
  drain(): Promise<void>
}

/** Default of RegistrySettings.tokenPath. */
export const DEFAULT_TOKEN_PATH = '/openshift/token'
const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024
const DEFAULT_MAX_BLOB_BYTES = 32 * 1024 ** 3
const DEFAULT_TOKEN_TTL_SECONDS = 300

/** Builds the registry app (see createRegistry). */
export function createRegistryApp(deps: RegistryDeps): Hono<RegistryEnv> {
  return createRegistry(deps).app
}

/**
 * Builds the registry: services over the store, the blob store and the outbound client, and the Hono app.
 * Every `/v2` request:
 *  1. gets `Docker-Distribution-API-Version: registry/2.0`;
 *  2. is refused with 400 NAME_INVALID when its raw path has dot segments or encoded slashes (no path
 *     cleaning, no redirect: registry-protocol §4.4, §5.6);
 *  3. is mapped to its endpoint and its caller identified (401 for credentials that do not check out);
 *  4. is handled by the endpoint's module, which checks names, then access, then content;
 *  5. fails through one onError writing `{"errors":[…]}`.
 */
export function createRegistry(deps: RegistryDeps): Registry {
  const settings = deps.settings
  const manifests = new ManifestStore(deps.blobStore)
  const maxManifestBytes = settings.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES
  const registryHostname = (): string => settings.registryHostname
  const now = (): number => deps.clock.now()
  const svc: RegistryServices = {
    store: deps.store,
    blobStore: deps.blobStore,
    manifests,
    pullThrough: new PullThrough({
      store: deps.store,
      client: deps.client,
      blobStore: deps.blobStore,
      manifests,
      clock: deps.clock,
      logger: deps.logger,
      maxManifestBytes,
      cacheMaxBytes: settings.cacheMaxBytes,
      nodeKeyring: deps.nodeKeyring,
    }),
    uploads: new UploadSessions({ blobStore: deps.blobStore, clock: deps.clock }),
    lastPull: new LastPullRecorder({ store: deps.store, clock: deps.clock, logger: deps.logger }),
    clock: deps.clock,
    logger: deps.logger,
    auth: {
      store: deps.store,
      authenticate: deps.authenticate,
      now,
      service: registryHostname,
      tokenSigningKey: settings.tokenSigningKey,
    },
    registryHostname,
    maxManifestBytes,
    maxBlobBytes: settings.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES,
    tokenPath: settings.tokenPath ?? DEFAULT_TOKEN_PATH,
  }

  const app = new Hono<RegistryEnv>()
  const tokenDeps = {
    store: deps.store,
    authenticate: deps.authenticate,
    now,
    service: registryHostname,
    tokenSigningKey: settings.tokenSigningKey,
    ttlSeconds: settings.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
  }
  app.get(svc.tokenPath, (c) => handleTokenRequest(c, tokenDeps))
  app.post(svc.tokenPath, (c) => handleTokenRequest(c, tokenDeps))

  const dispatch = async (c: RegistryContext): Promise<Response> => {
    c.header('docker-distribution-api-version', 'registry/2.0')
    const path = rawPath(c)
    if (hasUnsafePathSegment(path)) {
      throw nameInvalid('invalid repository name: the path has dot segments or encoded slashes')
    }
    const endpoint = parseEndpoint(path)
    c.set('endpoint', endpoint)
    c.set('caller', await identifyCaller(c.req.header('authorization'), svc.auth, realmOf(c, svc)))
    switch (endpoint.kind) {
      case 'base':
        return handleBase(c, svc)
      case 'catalog':
        return handleCatalog(c, svc)
      case 'tags':
        return handleTags(c, svc, endpoint.name)
      case 'manifest':
        return handleManifest(c, svc, endpoint.name, endpoint.reference)
      case 'blob':
        return handleBlob(c, svc, endpoint.name, endpoint.digest)
      case 'uploads':
        return handleUploadStart(c, svc, endpoint.name)
      case 'upload':
        return handleUploadSession(c, svc, endpoint.name, endpoint.id)
      case 'referrers':
        return handleReferrers(c, svc, endpoint.name, endpoint.digest)
      case 'unknown':
        throw new OciError({
          status: 404,
          code: OciErrorCode.NameInvalid,
          message: 'no such endpoint of the distribution API',
        })
    }
  }
  app.all('/v2', dispatch)
  app.all('/v2/*', dispatch)

  app.onError((err, c) => errorResponse(err, c, deps.logger))
  const drain = async (): Promise<void> => {
    // Pull-through first: a finished fetch may still be writing when its request is gone.
    await svc.pullThrough.drain()
    await svc.lastPull.flush()
  }
  return { app, services: svc, drain }
}

/**
 * GET `/v2/`: 200 for any authenticated caller (anonymous tokens included); a challenge without scope for
 * callers without credentials, which is how clients learn where to get a token (distribution).
 */
function handleBase(c: RegistryContext, svc: RegistryServices): Response {
  if (!c.get('caller').authenticated) {
    throw unauthorized({ realm: realmOf(c, svc), service: svc.registryHostname() })
  }
  return c.json({})
}

const STATUS_BY_REASON: Partial<Record<Reason, { status: number; code: OciErrorCode }>> = {
  [Reason.Unauthorized]: { status: 401, code: OciErrorCode.Unauthorized },
  [Reason.Forbidden]: { status: 403, code: OciErrorCode.Denied },
  [Reason.NotFound]: { status: 404, code: OciErrorCode.NameUnknown },
  [Reason.TooManyRequests]: { status: 429, code: OciErrorCode.TooManyRequests },
  [Reason.ServiceUnavailable]: { status: 503, code: OciErrorCode.Unavailable },
  [Reason.Timeout]: { status: 503, code: OciErrorCode.Unavailable },
}

// The one renderer of errors: OciErrors as they are; AppErrors by reason; anything else a logged 500 that
// leaks nothing.
function errorResponse(err: unknown, c: RegistryContext, logger: Logger): Response {
  let e: OciError
  if (isOciError(err)) {
    e = err
  } else {
    const mapped = isAppError(err) ? STATUS_BY_REASON[err.reason] : undefined
    if (mapped !== undefined && isAppError(err)) {
      e = new OciError({ ...mapped, message: err.message })
    } else {
      logger.error('registry request failed', {
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        error: err instanceof Error ? err.message : String(err),
      })
      e = new OciError({ status: 500, code: OciErrorCode.Unknown, message: 'internal error' })
    }
  }
  const headers: Record<string, string> = {
    ...e.headers,
    'content-type': 'application/json',
    'docker-distribution-api-version': 'registry/2.0',
  }
  return new Response(c.req.method === 'HEAD' ? null : ociErrorBody(e), {
    status: e.status,
    headers,
  })
}
