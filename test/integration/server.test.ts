import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run.js'
import { resolveServerConfig } from '../../src/server/config.js'
import { type RunningServer, startServer } from '../../src/server/server.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import { runSkopeo } from '../support/peers.js'
import { type SeededImages, seedImages } from '../support/test-images.js'

// The whole server as `isctl serve` runs it: SQLite store, API, importer and controllers on one listener.

async function isctl(kubeconfig: string, ...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(['--kubeconfig', kubeconfig, ...argv], {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: {},
    readFile: (p) => readFile(p, 'utf8'),
  })
  return { code, stdout, stderr }
}

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('the server with its controllers', () => {
  let reg: RunningRegistry
  let images: SeededImages
  let dir: string
  let server: RunningServer
  const start = () =>
    startServer(
      resolveServerConfig(
        {},
        {
          dataDir: join(dir, 'data'),
          listen: '127.0.0.1:0',
          scheduledImportInterval: '2s',
          // Nothing but the loopback test registry may be imported from.
          allowedRegistriesForImport: reg.host,
        }
      )
    )
  beforeAll(async () => {
    reg = await startRegistry('anonymous')
    images = await seedImages(reg)
    dir = mkdtempSync(join(tmpdir(), 'isctl-server-'))
    server = await start()
  })
  afterAll(async () => {
    await server?.stop()
    await reg?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves TLS with its own CA, written into the admin kubeconfig', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(server.caPem).toContain('BEGIN CERTIFICATE')
    const kc = await readFile(server.kubeconfigPath, 'utf8')
    expect(kc).toContain('certificate-authority-data')
    expect(kc).toContain(server.adminToken)
    const r = await isctl(server.kubeconfigPath, 'get', 'namespaces', '-o', 'name')
    expect(r.stdout).toContain('namespace/default')
  })

  it('`isctl tag` of a registry image is imported by the controller with no other command', async () => {
    const t = await isctl(
      server.kubeconfigPath,
      'tag',
      '--insecure',
      images.appV1.reference,
      'app:v1'
    )
    expect(t).toMatchObject({ code: 0 })
    expect(t.stdout).toContain('Tag app:v1 set to')
    const ref = await eventually(async () => {
      const r = await isctl(
        server.kubeconfigPath,
        'get',
        'istag',
        'app:v1',
        '-o',
        'jsonpath={.image.metadata.name}'
      )
      return r.code === 0 && r.stdout.startsWith('sha256:') ? r.stdout : undefined
    })
    expect(ref).toBe(images.appV1.digest)
  })

  it('exposes /healthz, /readyz and Prometheus /metrics', async () => {
    const { Agent, fetch } = await import('undici')
    const dispatcher = new Agent({ connect: { ca: server.caPem ?? '' } })
    const get = (p: string) => fetch(`${server.url}${p}`, { dispatcher })
    expect((await get('/healthz')).status).toBe(200)
    await eventually(async () => ((await get('/readyz')).status === 200 ? true : undefined))
    const m = await (await get('/metrics')).text()
    expect(m).toMatch(/^# TYPE \S+ counter$/m)
    expect(m).toContain(reg.host)
    await dispatcher.close()
  })

  it('serves the imported image through its own registry (pull-through) to skopeo', async () => {
    const host = new URL(server.url).host
    const out = join(dir, 'oci-out')
    const caDir = join(dir, 'certs')
    mkdirSync(caDir, { recursive: true })
    writeFileSync(join(caDir, 'ca.crt'), server.caPem ?? '')
    await runSkopeo([
      'copy',
      '--src-cert-dir',
      caDir,
      '--src-creds',
      `admin:${server.adminToken}`,
      `docker://${host}/default/app:v1`,
      `oci:${out}:v1`,
    ])
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[]
    }
    expect(index.manifests[0]?.digest).toBe(images.appV1.digest)
  })

  it('`isctl adm prune images` runs on the server: a dry run by default', async () => {
    const r = await isctl(server.kubeconfigPath, 'adm', 'prune', 'images')
    expect(r.code).toBe(0)
    expect(r.stdout + r.stderr).toContain('Dry run enabled - no modifications will be made.')
    expect(r.stdout).toMatch(/Summary: |deleted 0 objects/)
    const sa = await isctl(server.kubeconfigPath, 'create', 'token', 'default')
    expect(sa.code).toBe(0)
  })

  it('keeps its data across a restart and stops cleanly', async () => {
    await server.stop()
    server = await start()
    const r = await isctl(
      server.kubeconfigPath,
      'get',
      'istag',
      'app:v1',
      '-o',
      'jsonpath={.image.metadata.name}'
    )
    expect(r.stdout).toBe(images.appV1.digest)
  })
})
