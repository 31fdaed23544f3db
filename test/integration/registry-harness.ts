import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { Secret } from '../../src/api/core/v1/types.js'
import { createImageStreamImport } from '../../src/importer/import-stream.js'
import { DEFAULT_IMPORTER_SETTINGS } from '../../src/importer/importer-deps.js'
import { createRegistry, type Registry, type RegistrySettings } from '../../src/registry/app.js'
import { DiskBlobStore } from '../../src/registry/blob-store.js'
import { type Identity, PUBLIC_PULL_ANNOTATION } from '../../src/registry/identity.js'
import {
  createRegistryClient,
  type RegistryClient,
  type RegistryClientOptions,
} from '../../src/registry-client/client.js'
import { systemClock } from '../../src/shared/clock.js'
import { noopLogger } from '../../src/shared/log.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { freePort } from '../support/free-port.js'
import { startProcess } from '../support/managed-process.js'

/** API tokens the harness's authenticate() knows. */
export const TOKENS: Readonly<Record<string, Identity>> = {
  'admin-token': { kind: 'admin' },
  'team-token': { kind: 'serviceaccount', namespace: 'team', name: 'builder' },
  'other-token': { kind: 'serviceaccount', namespace: 'other', name: 'builder' },
}
/** `user:password` for skopeo `--creds`: any user, the admin token as password. */
export const ADMIN_CREDS = 'admin:admin-token'

/** Our registry app served on a real socket of 127.0.0.1. */
export type OurRegistry = {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** `127.0.0.1:PORT`: the registry hostname in pull specs. */
  readonly host: string
  readonly store: MemoryStore
  readonly client: RegistryClient
  readonly registry: Registry
  /** The blob store's directory. */
  readonly dir: string
  /** Imports into `ns/stream` with the importer (status records the sources, as a real import does). */
  importImages(
    ns: string,
    stream: string,
    images: readonly {
      from: string
      tag: string
      mode?: string
      local?: boolean
      insecure?: boolean
    }[]
  ): Promise<void>
  /** Adds a dockerconfigjson pull secret to a namespace. */
  addPullSecret(ns: string, registry: string, username: string, password: string): Promise<void>
  stop(): Promise<void>
}

/** Options of startOurRegistry. */
export type OurRegistryOptions = {
  readonly client?: RegistryClientOptions
  readonly settings?: Partial<RegistrySettings>
}

/**
 * Starts the registry app with a MemoryStore (namespaces team, other and public, the last one public), a
 * DiskBlobStore in a temporary directory and a registry client for pull-through, on 127.0.0.1 port 0.
 */
export async function startOurRegistry(o: OurRegistryOptions = {}): Promise<OurRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'our-registry-'))
  const store = new MemoryStore()
  for (const [name, annotations] of [
    ['team', {}],
    ['other', {}],
    ['public', { [PUBLIC_PULL_ANNOTATION]: 'true' }],
  ] as const) {
    await store.create('namespaces', { metadata: { name, annotations: { ...annotations } } })
  }
  const client = createRegistryClient({ retry: { attempts: 2, baseDelayMs: 10 }, ...o.client })
  let host = ''
  const settings: RegistrySettings = {
    get registryHostname() {
      return host
    },
    tokenSigningKey: new Uint8Array(32).fill(3),
    ...o.settings,
  }
  const registry = createRegistry({
    store,
    blobStore: await DiskBlobStore.open({ dir }),
    client,
    authenticate: async (secret) => TOKENS[secret],
    clock: systemClock,
    logger: noopLogger,
    settings,
  })
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: registry.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(s as Server)
    ) as Server
  })
  const { port } = server.address() as AddressInfo
  host = `127.0.0.1:${port}`
  return {
    url: `http://${host}`,
    host,
    store,
    client,
    registry,
    dir,
    importImages: async (ns, stream, images) => {
      const result = await createImageStreamImport(
        {
          store,
          client,
          clock: systemClock,
          logger: noopLogger,
          settings: { ...DEFAULT_IMPORTER_SETTINGS, registryHostname: host },
        },
        ns,
        {
          metadata: { name: stream },
          spec: {
            import: true,
            images: images.map((i) => ({
              from: { kind: 'DockerImage', name: i.from },
              to: { name: i.tag },
              importPolicy: {
                ...(i.mode === undefined ? {} : { importMode: i.mode }),
                ...(i.insecure === true ? { insecure: true } : {}),
              },
              referencePolicy: { type: i.local === false ? 'Source' : 'Local' },
            })),
          },
        }
      )
      for (const s of result.status?.images ?? []) {
        if (s.status.status !== 'Success') throw new Error(`import failed: ${s.status.message}`)
      }
    },
    addPullSecret: async (ns, reg, username, password) => {
      const secret: Secret & { metadata: { name: string } } = {
        metadata: { name: `pull-${reg.replace(/[^a-z0-9]/g, '-')}`, namespace: ns },
        type: 'kubernetes.io/dockerconfigjson',
        data: {
          '.dockerconfigjson': Buffer.from(
            JSON.stringify({ auths: { [reg]: { username, password } } })
          ).toString('base64'),
        },
      }
      await store.create('secrets', secret)
    },
    stop: async () => {
      // Pull-through commits and last-pull writes finish before the directory goes.
      await registry.drain()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await client.close()
      // Background cache writes may still be settling: retry on ENOTEMPTY.
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    },
  }
}

/** A request a FileRegistry logged. */
export type LoggedRequest = {
  readonly method: string
  readonly path: string
  readonly status: number
}

/** A docker-registry with filesystem storage (see startFileRegistry). */
export type FileRegistry = {
  /** `127.0.0.1:PORT` */
  readonly host: string
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** Requests logged so far (the access log line comes after the response is complete). */
  requests(): readonly LoggedRequest[]
  stop(): Promise<void>
}

// Apache combined log line of docker-registry, as in test/support/docker-registry.ts.
const ACCESS_LOG = /^\S+ \S+ \S+ \[[^\]]*\] "([A-Z]+) (\S+) [^"]*" (\d{3}) /

/**
 * Starts an anonymous plain-HTTP Debian docker-registry 2.8.2 with *filesystem* storage in a temporary
 * directory. NB: test/support's registries use the inmemory driver, whose writes copy the whole blob for
 * each chunk received (a 64 MiB push takes ~30 s); large-blob tests and benchmarks need this one.
 */
export async function startFileRegistry(): Promise<FileRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'file-registry-'))
  const port = await freePort()
  const config = [
    'version: 0.1',
    'log: {level: info, formatter: text}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: "127.0.0.1:${port}", secret: ${randomBytes(12).toString('hex')}}`,
  ].join('\n')
  await writeFile(join(dir, 'config.yml'), `${config}\n`)
  const proc = startProcess('docker-registry', ['serve', 'config.yml'], {
    cwd: dir,
    orphanCleanupDir: dir,
  })
  const requests: LoggedRequest[] = []
  proc.onLine((line, stream) => {
    const m = stream === 'stdout' ? ACCESS_LOG.exec(line) : null
    if (m === null) return
    const uri = m[2] ?? ''
    requests.push({ method: m[1] ?? '', path: uri.split('?')[0] ?? uri, status: Number(m[3]) })
  })
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 20_000)
    const check = (line: string): void => {
      if (!line.includes('msg="listening on')) return
      clearTimeout(timer)
      resolve(true)
    }
    proc.onLine(check)
    for (const l of proc.lines) check(l)
    proc.exited.then(
      () => resolve(false),
      () => resolve(false)
    )
  })
  const stop = async (): Promise<void> => {
    await proc.stop()
    // Background cache writes may still be settling: retry on ENOTEMPTY.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
  }
  if (!started) {
    const output = proc.lines.slice(-10).join('\n')
    await stop()
    throw new Error(`docker-registry (filesystem) did not start:\n${output}`)
  }
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stop,
  }
}
