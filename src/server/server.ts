import { readFile, writeFile } from 'node:fs/promises'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createApiApp, errorResponse } from '../apiserver/app.js'
import { authenticate } from '../apiserver/authn.js'
import { readObjectBody } from '../apiserver/body.js'
import { jsonResponse } from '../apiserver/response.js'
import { createTokenAuthority } from '../apiserver/token-authority.js'
import { createControllers } from '../controllers/controllers.js'
import { createImageStreamImport } from '../importer/import-stream.js'
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from '../observability/metrics.js'
import { createServerMetrics, registryRequestObserver } from '../observability/server-metrics.js'
import { createPruneGate } from '../prune/prune-gate.js'
import { createImagePruneHandler, IMAGE_PRUNES_PATH } from '../prune/prune-handler.js'
import { DEFAULT_PRUNE_OPTIONS } from '../prune/prune-options.js'
import { createImagePruneSchedule, parsePruneSchedule } from '../prune/schedule.js'
import { createRegistry } from '../registry/app.js'
import { DiskBlobStore } from '../registry/blob-store.js'
import { createRegistryClient } from '../registry-client/client.js'
import { systemClock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import { noopLogger } from '../shared/log.js'
import { createAesGcmEncryption, loadOrCreateKey } from '../store/secret-encryption.js'
import { SqliteStore } from '../store/sqlite-store.js'
import { ensureDataDir, ensureDefaultObjects } from './bootstrap.js'
import type { ServerConfig } from './config.js'
import { renderKubeconfig } from './kubeconfig.js'
import { ensureServingCert } from './serving-cert.js'

/** A started server. */
export type RunningServer = {
  /** Base URL, e.g. `https://127.0.0.1:8443`. */
  readonly url: string
  /** The CA that signed the serving certificate (self-signed or given), when serving TLS. */
  readonly caPem?: string
  readonly adminToken: string
  /** `DIR/admin.kubeconfig`: server, CA, admin token, namespace default. */
  readonly kubeconfigPath: string
  /** Finishes in-flight requests, stops watches and closes the store. Idempotent. */
  stop(): Promise<void>
}

/** Options of startServer that are not settings: the logger of the process. */
export type StartServerOptions = { readonly logger?: Logger }

/** How long in-flight requests get to finish on shutdown before connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000

/**
 * Starts the server: the SQLite store in the data directory, the API, the importer (and later the
 * integrated registry and controllers) on one listener.
 *
 * 1. Data directory: admin token, token-signing key, secret-encryption key (created on first start).
 * 2. Store: SQLite with secrets encrypted at rest; namespace and service account `default`.
 * 3. TLS: the given certificate, or a self-signed CA and serving certificate in `DIR/tls`.
 * 4. Listener, then `DIR/admin.kubeconfig` pointing at the bound address.
 */
export async function startServer(
  config: ServerConfig,
  opts: StartServerOptions = {}
): Promise<RunningServer> {
  const logger = opts.logger ?? noopLogger
  const clock = systemClock
  const secrets = await ensureDataDir(config.dataDir)
  const encryption = createAesGcmEncryption({ keys: [await loadOrCreateKey(config.dataDir)] })
  const store = await SqliteStore.open({
    path: join(config.dataDir, 'imagestreams.db'),
    encryption,
  })
  const cleanups: (() => Promise<unknown>)[] = [() => store.close()]
  try {
    await ensureDefaultObjects(store, () => new Date(clock.now()))
    const extraCAs = await Promise.all(config.additionalTrustedCA.map((f) => readFile(f, 'utf8')))
    const metrics = createServerMetrics()
    const client = createRegistryClient({
      caCerts: extraCAs,
      logger,
      userAgent: 'imagestreams/0.1',
      onRequest: registryRequestObserver(metrics),
    })
    cleanups.push(() => client.close())
    const tokens = createTokenAuthority({ key: secrets.tokenSigningKey, clock, store })
    const authn = { adminToken: secrets.adminToken, tokens, store }

    const tls = config.insecureHttp
      ? undefined
      : config.tlsCertFile !== undefined && config.tlsPrivateKeyFile !== undefined
        ? {
            certPem: await readFile(config.tlsCertFile, 'utf8'),
            keyPem: await readFile(config.tlsPrivateKeyFile, 'utf8'),
            caPem: undefined,
          }
        : await ensureServingCert(config.dataDir, [config.listen.host])

    // The registry hostname defaults to the address clients reach us at; it is known after listening.
    let registryHostname = config.registryHostname
    const importerSettings = {
      defaultImportMode: config.defaultImportMode,
      defaultPlatform: config.defaultPlatform,
      ...(config.allowedRegistriesForImport === undefined
        ? {}
        : { allowedRegistriesForImport: config.allowedRegistriesForImport }),
      maxImagesBulkImportedPerRepository: config.maxImagesBulkImportedPerRepository,
      childConcurrency: 4,
      get registryHostname() {
        return registryHostname
      },
    }
    const importer = (
      namespace: string,
      isi: Parameters<typeof createImageStreamImport>[2],
      o: { signal?: AbortSignal }
    ) =>
      createImageStreamImport(
        { store, client, clock, logger, settings: importerSettings },
        namespace,
        isi,
        o
      )
    const controllers = createControllers({
      store,
      client,
      importer,
      clock,
      logger,
      metrics,
      settings: {
        scheduledImportIntervalMs: config.scheduledImportIntervalMs,
        maxScheduledImportsPerMinute: config.maxScheduledImportsPerMinute,
        immutableTagPatterns: config.immutableTagPatterns,
        disableScheduledImport: config.disableScheduledImport,
      },
    })
    const api = createApiApp({
      store,
      importer,
      tokens,
      adminToken: secrets.adminToken,
      clock,
      logger,
      settings: {
        get registryHostname() {
          return registryHostname
        },
        defaultImportMode: config.defaultImportMode,
      },
    })
    // The integrated registry: /v2 and its token endpoint on the same listener, blobs in DIR/registry.
    const blobStore = await DiskBlobStore.open({ dir: join(config.dataDir, 'registry') })
    const registry = createRegistry({
      store,
      blobStore,
      client,
      authenticate: async (secret) => {
        try {
          const who = await authenticate(new Headers({ authorization: `Bearer ${secret}` }), authn)
          return who.kind === 'admin'
            ? { kind: 'admin' }
            : { kind: 'serviceaccount', namespace: who.namespace, name: who.name }
        } catch {
          // An unknown or expired token is simply no identity: the registry answers with a challenge.
          return undefined
        }
      },
      clock,
      logger,
      settings: {
        get registryHostname() {
          return registryHostname ?? ''
        },
        tokenSigningKey: secrets.tokenSigningKey,
      },
    })

    // Runs after the listener closed (cleanups run in reverse), before the client and the store close.
    cleanups.push(() => registry.drain())

    // Pruning runs here because only the server owns the blob store (docs/pruning.md).
    const pruneDeps = {
      store,
      registry: { blobs: blobStore, links: registry.services.manifests },
      clock,
      logger,
    }
    const pruneGate = createPruneGate()
    const prune = createImagePruneHandler({
      ...pruneDeps,
      registryHostnames: () => (registryHostname === undefined ? [] : [registryHostname]),
      gate: pruneGate,
    })
    const schedule = parsePruneSchedule(config.pruneSchedule)

    const app = new Hono()
    app.post(IMAGE_PRUNES_PATH, async (c) => {
      try {
        const caller = await authenticate(c.req.raw.headers, authn, c.req.raw.signal)
        const res = await prune({
          caller,
          body: await readObjectBody(c.req.raw),
          signal: c.req.raw.signal,
        })
        return jsonResponse(res.status, res.body)
      } catch (err) {
        return errorResponse(err, { logger }, c.req.raw)
      }
    })
    app.route('/', registry.app)
    app.get('/healthz', (c) => c.text('ok'))
    app.get('/readyz', (c) =>
      controllers.synced() ? c.text('ok') : c.text('controllers not synced', 503)
    )
    app.get('/metrics', (c) =>
      c.body(renderMetrics(metrics.registry), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE })
    )
    app.route('/', api)

    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve(
        {
          fetch: app.fetch,
          hostname: config.listen.host,
          port: config.listen.port,
          ...(tls === undefined
            ? {}
            : {
                createServer: createHttpsServer,
                serverOptions: { cert: tls.certPem, key: tls.keyPem },
              }),
        },
        () => resolve(s)
      )
      s.once('error', reject)
    })
    const port = (server.address() as AddressInfo).port
    const hostForUrl = config.listen.host.includes(':')
      ? `[${config.listen.host}]`
      : config.listen.host
    const url = `${tls === undefined ? 'http' : 'https'}://${hostForUrl}:${port}`
    registryHostname ??= `${hostForUrl}:${port}`

    const kubeconfigPath = join(config.dataDir, 'admin.kubeconfig')
    const caPem = tls?.caPem
    await writeFile(
      kubeconfigPath,
      renderKubeconfig({
        server: url,
        ...(caPem === undefined ? {} : { caPem }),
        token: secrets.adminToken,
        namespace: 'default',
        user: 'admin',
      }),
      { mode: 0o600 }
    )
    logger.info('server listening', { url, kubeconfig: kubeconfigPath, dataDir: config.dataDir })

    // Controllers start once the listener is up, so that registryHostname is known to the importer.
    const stopControllers = new AbortController()
    const controllersDone = controllers.start(stopControllers.signal).catch((err: unknown) => {
      logger.error('controllers stopped with an error', { error: String(err) })
    })
    cleanups.push(async () => {
      stopControllers.abort()
      await controllersDone
    })
    if (schedule !== undefined) {
      const stopPrune = new AbortController()
      const pruneDone = createImagePruneSchedule({
        schedule,
        deps: pruneDeps,
        options: () => ({
          ...DEFAULT_PRUNE_OPTIONS,
          confirm: true,
          registryHostnames: registryHostname === undefined ? [] : [registryHostname],
        }),
        gate: pruneGate,
      }).start(stopPrune.signal)
      cleanups.push(async () => {
        stopPrune.abort()
        await pruneDone.catch(() => undefined)
      })
    }

    let stopping: Promise<void> | undefined
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        // 1. Stop accepting; idle keep-alive sockets go now, busy ones when their request ends.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        const httpServer = server as unknown as {
          closeIdleConnections?: () => void
          closeAllConnections?: () => void
        }
        httpServer.closeIdleConnections?.()
        // 2. Watches never end by themselves: cut what is still open after the grace period.
        const timer = setTimeout(() => httpServer.closeAllConnections?.(), SHUTDOWN_GRACE_MS)
        await closed
        clearTimeout(timer)
        for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
      })()
      return stopping
    }
    return {
      url,
      ...(caPem === undefined ? {} : { caPem }),
      adminToken: secrets.adminToken,
      kubeconfigPath,
      stop,
    }
  } catch (err) {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
    throw err
  }
}
