import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { Readable } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Agent, request } from 'undici'
import { computeDigest } from '../src/oci/digest.js'
import { MediaType } from '../src/oci/media-types.js'
import {
  ADMIN_CREDS,
  type FileRegistry,
  startFileRegistry,
  startOurRegistry,
} from '../test/integration/registry-harness.js'
import type { BenchRow } from './table.js'

// Issue 6's benchmarks. Our registry runs in a child process, so that its peak RSS (VmHWM, reset between
// phases through /proc/<pid>/clear_refs) is its own; the upstream is Debian's docker-registry 2.8.2 with
// filesystem storage (its inmemory driver copies the whole blob per chunk written). The peer of every row
// is the same request straight to docker-registry, in the same run.

const GiB = 1024 ** 3
const BLOB_BYTES = GiB
const CLIENTS = 8
const MANIFEST_GETS = 5000
const MANIFEST_CONCURRENCY = 16
const CHILD_FLAG = '--serve-registry'
const AUTH = `Basic ${Buffer.from(ADMIN_CREDS).toString('base64')}`
/** The subject of the peer rows (the lead's table compares against it). */
export const DIRECT_SUBJECT = 'docker-registry (direct)'

type ServerChild = {
  readonly url: string
  /** Peak resident set since the last reset, in bytes. */
  peakRss(): Promise<number>
  resetPeak(): Promise<void>
  stop(): Promise<void>
}

/**
 * Runs the registry benchmarks and returns their rows:
 *  1. a 1 GiB blob pulled through by 8 clients at once (server peak RSS; goal < 200 MiB; upstream requests);
 *  2. blob throughput for one client: direct from docker-registry, through us cold (pull-through) and
 *     cached, same blob;
 *  3. 8 clients of the cached blob through us vs direct;
 *  4. manifest GETs per second (by tag, 16 in flight) through us vs direct.
 */
export async function benchRegistry(): Promise<BenchRow[]> {
  const up = await startFileRegistry()
  const dispatcher = new Agent({ connections: 64, bodyTimeout: 0, headersTimeout: 60_000 })
  const children: ServerChild[] = []
  const rows: BenchRow[] = []
  try {
    const img = await pushGeneratedImage(up, 'bench/big', BLOB_BYTES, dispatcher)
    const direct = `${up.url}/v2/bench/big/blobs/${img.layerDigest}`
    const blobGets = (): number =>
      up.requests().filter((r) => r.method === 'GET' && r.path.endsWith(img.layerDigest)).length
    const mib = (b: number): string => `${(b / 1024 ** 2).toFixed(0)} MiB`
    const rate = (bytes: number, ms: number): string =>
      `${(((bytes / 1024 ** 2) * 1000) / ms).toFixed(0)} MiB/s`

    // 1. Eight clients at once on a cold cache: one upstream fetch, flat memory.
    const cold8 = await startServerChild(up.host)
    children.push(cold8)
    let before = blobGets()
    const idle = await cold8.peakRss()
    await cold8.resetPeak()
    let t = await timed(() =>
      Promise.all(
        Array.from({ length: CLIENTS }, () =>
          getBlob(`${cold8.url}/v2/team/big/blobs/${img.layerDigest}`, dispatcher, AUTH)
        )
      )
    )
    const peak = await cold8.peakRss()
    rows.push({
      benchmark: `1 GiB blob, ${CLIENTS} clients at once`,
      subject: 'ours, pull-through (cold)',
      wallMs: t.ms,
      requests: blobGets() - before,
      note: `server peak RSS ${mib(peak)} (goal < 200 MiB; ${mib(idle)} after start-up); ${rate(CLIENTS * BLOB_BYTES, t.ms)} delivered`,
    })
    await cold8.resetPeak()
    before = blobGets()
    t = await timed(() =>
      Promise.all(
        Array.from({ length: CLIENTS }, () =>
          getBlob(`${cold8.url}/v2/team/big/blobs/${img.layerDigest}`, dispatcher, AUTH)
        )
      )
    )
    const cachedPeak = await cold8.peakRss()
    rows.push({
      benchmark: `1 GiB blob, ${CLIENTS} clients at once`,
      subject: 'ours, cached',
      wallMs: t.ms,
      requests: blobGets() - before,
      note: `server peak RSS ${mib(cachedPeak)} (memory kept from the cold run included); ${rate(CLIENTS * BLOB_BYTES, t.ms)} delivered`,
    })
    before = blobGets()
    t = await timed(() =>
      Promise.all(Array.from({ length: CLIENTS }, () => getBlob(direct, dispatcher)))
    )
    rows.push({
      benchmark: `1 GiB blob, ${CLIENTS} clients at once`,
      subject: DIRECT_SUBJECT,
      wallMs: t.ms,
      requests: blobGets() - before,
      note: `${rate(CLIENTS * BLOB_BYTES, t.ms)} delivered`,
    })
    await cold8.stop()

    // 2. One client: direct, through us cold, through us cached.
    before = blobGets()
    t = await timed(() => getBlob(direct, dispatcher))
    const directMs = t.ms
    rows.push({
      benchmark: '1 GiB blob, 1 client',
      subject: DIRECT_SUBJECT,
      wallMs: t.ms,
      requests: blobGets() - before,
      note: rate(BLOB_BYTES, t.ms),
    })
    const cold1 = await startServerChild(up.host)
    children.push(cold1)
    for (const subject of ['ours, pull-through (cold)', 'ours, cached']) {
      before = blobGets()
      t = await timed(() =>
        getBlob(`${cold1.url}/v2/team/big/blobs/${img.layerDigest}`, dispatcher, AUTH)
      )
      rows.push({
        benchmark: '1 GiB blob, 1 client',
        subject,
        wallMs: t.ms,
        requests: blobGets() - before,
        note: `${rate(BLOB_BYTES, t.ms)}; ${(directMs / t.ms).toFixed(2)}x the direct throughput`,
      })
    }

    // 3. Manifest GETs by tag.
    const ourManifest = `${cold1.url}/v2/team/big/manifests/v1`
    const upManifest = `${up.url}/v2/bench/big/manifests/v1`
    const accept = MediaType.OciManifest
    await getBytes(ourManifest, dispatcher, AUTH, accept)
    for (const [subject, url, auth] of [
      [DIRECT_SUBJECT, upManifest, undefined],
      ['ours (by tag, cached)', ourManifest, AUTH],
    ] as const) {
      t = await timed(() => hammer(url, dispatcher, auth, accept))
      rows.push({
        benchmark: `manifest GET x${MANIFEST_GETS}, ${MANIFEST_CONCURRENCY} in flight`,
        subject,
        wallMs: t.ms,
        requests: MANIFEST_GETS,
        note: `${((MANIFEST_GETS * 1000) / t.ms).toFixed(0)} requests/s`,
      })
    }
  } finally {
    for (const c of children) await c.stop()
    await dispatcher.close()
    await up.stop()
  }
  return rows
}

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number }> {
  const t0 = performance.now()
  await fn()
  return { ms: performance.now() - t0 }
}

// Reads a whole body, counting bytes (no hashing: the tests verify content; this measures transfer).
async function getBytes(
  url: string,
  dispatcher: Agent,
  authorization?: string,
  accept?: string
): Promise<number> {
  const headers: Record<string, string> = {}
  if (authorization !== undefined) headers.authorization = authorization
  if (accept !== undefined) headers.accept = accept
  const res = await request(url, { dispatcher, headers })
  let n = 0
  for await (const chunk of res.body) n += (chunk as Buffer).byteLength
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`)
  return n
}

async function getBlob(url: string, dispatcher: Agent, authorization?: string): Promise<void> {
  const n = await getBytes(url, dispatcher, authorization)
  if (n !== BLOB_BYTES) throw new Error(`GET ${url}: ${n} bytes, expected ${BLOB_BYTES}`)
}

async function hammer(url: string, dispatcher: Agent, auth: string | undefined, accept: string) {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < MANIFEST_GETS) {
      next++
      await getBytes(url, dispatcher, auth, accept)
    }
  }
  await Promise.all(Array.from({ length: MANIFEST_CONCURRENCY }, worker))
}

type PushedImage = { readonly layerDigest: string; readonly manifestDigest: string }

// Pushes a config, a generated layer of `size` random bytes (streamed: POST, one PATCH, PUT) and an OCI
// manifest tagged v1.
async function pushGeneratedImage(
  up: FileRegistry,
  repo: string,
  size: number,
  dispatcher: Agent
): Promise<PushedImage> {
  const hash = createHash('sha256')
  async function* generate(): AsyncGenerator<Buffer> {
    const chunk = 4 * 1024 * 1024
    for (let sent = 0; sent < size; sent += chunk) {
      const b = randomBytes(Math.min(chunk, size - sent))
      hash.update(b)
      yield b
    }
  }
  const start = await request(`${up.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', dispatcher })
  await start.body.dump()
  const location = new URL(String(start.headers.location), up.url)
  const patch = await request(location, {
    method: 'PATCH',
    dispatcher,
    headers: { 'content-type': 'application/octet-stream' },
    body: Readable.from(generate()),
  })
  await patch.body.dump()
  const layerDigest = `sha256:${hash.digest('hex')}`
  const done = new URL(String(patch.headers.location), up.url)
  done.searchParams.set('digest', layerDigest)
  const put = await request(done, { method: 'PUT', dispatcher })
  await put.body.dump()
  if (put.statusCode !== 201) throw new Error(`layer upload: ${put.statusCode}`)

  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
      config: {},
    })
  )
  const configDigest = computeDigest(config)
  const mono = await request(`${up.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', dispatcher })
  await mono.body.dump()
  const configUrl = new URL(String(mono.headers.location), up.url)
  configUrl.searchParams.set('digest', configDigest)
  await (await request(configUrl, { method: 'PUT', dispatcher, body: config })).body.dump()
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: configDigest, size: config.byteLength },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size }],
    })
  )
  const m = await request(`${up.url}/v2/${repo}/manifests/v1`, {
    method: 'PUT',
    dispatcher,
    headers: { 'content-type': MediaType.OciManifest },
    body: manifest,
  })
  await m.body.dump()
  if (m.statusCode !== 201) throw new Error(`manifest push: ${m.statusCode}`)
  return { layerDigest, manifestDigest: computeDigest(manifest) }
}

// Starts this module in a child Node process serving our registry, with `bench/big:v1` of the upstream
// imported into team/big (insecure: plain HTTP), and waits for its URL.
async function startServerChild(upstreamHost: string): Promise<ServerChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), CHILD_FLAG, upstreamHost],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const pid = child.pid
  if (pid === undefined) throw new Error('could not start the registry child process')
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('registry child did not start')), 60_000)
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8')
      const line = out.split('\n')[0]
      if (out.includes('\n') && line !== undefined) {
        clearTimeout(timer)
        resolve((JSON.parse(line) as { url: string }).url)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`registry child exited (${code})`))
    })
  })
  let stopped = false
  return {
    url,
    peakRss: async () => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8')
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN')
      return kb * 1024
    },
    resetPeak: async () => {
      // "5" resets the peak resident set size (proc(5), clear_refs).
      await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined)
    },
    stop: async () => {
      if (stopped) return
      stopped = true
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

async function serveRegistryChild(upstreamHost: string): Promise<void> {
  const ours = await startOurRegistry()
  await ours.importImages('team', 'big', [
    { from: `${upstreamHost}/bench/big:v1`, tag: 'v1', insecure: true },
  ])
  process.on('SIGTERM', () => {
    void ours.stop().finally(() => process.exit(0))
  })
  process.stdout.write(`${JSON.stringify({ url: ours.url })}\n`)
}

const argv1 = process.argv[1]
if (
  process.argv[2] === CHILD_FLAG &&
  argv1 !== undefined &&
  pathToFileURL(argv1).href === import.meta.url
) {
  await serveRegistryChild(process.argv[3] ?? '')
}
