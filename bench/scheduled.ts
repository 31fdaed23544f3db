import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setDefaultsImageStream } from '../src/api/image/v1/defaults.js'
import { setGenerationsOnCreate } from '../src/api/image/v1/generations.js'
import { BucketSchedule } from '../src/controllers/bucket-schedule.js'
import type { StoredImageStream } from '../src/controllers/controller-deps.js'
import { createControllers } from '../src/controllers/controllers.js'
import { createImageStreamImport } from '../src/importer/import-stream.js'
import { DEFAULT_IMPORTER_SETTINGS, type ImporterDeps } from '../src/importer/importer-deps.js'
import { mapLimit } from '../src/importer/map-limit.js'
import { imageStreamImportForStream } from '../src/importer/stream-import-request.js'
import {
  createServerMetrics,
  registryRequestObserver,
  type ServerMetrics,
} from '../src/observability/server-metrics.js'
import { MediaType } from '../src/oci/media-types.js'
import { createRegistryClient, type RegistryClient } from '../src/registry-client/client.js'
import { systemClock } from '../src/shared/clock.js'
import { noopLogger } from '../src/shared/log.js'
import { SqliteStore } from '../src/store/sqlite-store.js'
import { type RunningRegistry, startRegistry } from '../test/support/docker-registry.js'
import { buildImage } from '../test/support/image-builder.js'
import { createPusher } from '../test/support/push.js'
import { pushBuilt, seedTags } from '../test/support/test-images.js'
import type { BenchRow } from './table.js'

const REPOS = 10
const TAGS_PER_REPO = 500
const STREAMS = 500
const TAGS_PER_STREAM = 10
const TOTAL_TAGS = STREAMS * TAGS_PER_STREAM
const NS = 'bench'
/** The interval of the measured cycles: 10 min, four buckets; every tag is made due at once. */
const CYCLE_INTERVAL_MS = 10 * 60_000
/** Workers of our controllers, and concurrent stream imports of the OpenShift approach. */
const WORKERS = 4

/** The subject of the rows that stand for OpenShift (the peer of these benchmarks). */
export const OPENSHIFT_SUBJECT = 'OpenShift approach: GET per tag (importer, no HEAD)'

/**
 * Issue 5's benchmark: one scheduled re-import cycle of 5,000 scheduled tags in 500 streams (10 tags
 * each, over 10 repositories of 500 tags seeded with seedTags) on a local token-auth docker-registry,
 * with SQLite as the store, as the server runs:
 *  - ours: the controllers (HEAD first), every tag due at once (a resumed schedule), measured until
 *    all 5,000 checks are done;
 *  - OpenShift's approach: an ImageStreamImport of all scheduled tags per stream, which GETs every
 *    manifest (and a config per changed image) — the same importer without HEAD-first, 4 streams at a
 *    time like our 4 workers;
 * once with nothing changed and once with 10% of the tags (one repository) moved to a new image.
 * Registry requests are counted in the registry's access log plus the token issuer; CPU ms per tag
 * from process.cpuUsage, memory as the process RSS after the cycle.
 */
export async function benchScheduled(): Promise<BenchRow[]> {
  const reg = await startRegistry('token')
  const dir = await mkdtemp(join(tmpdir(), 'imagestreams-bench-scheduled-'))
  const path = join(dir, 'imagestreams.db')
  const rows: BenchRow[] = []
  try {
    for (let r = 0; r < REPOS; r++) await seedTags(reg, repoName(r), TAGS_PER_REPO)
    await setUp(reg, path)

    const unchanged = `scheduled cycle, ${TOTAL_TAGS} unchanged tags in ${STREAMS} streams`
    rows.push(await ours(reg, path, unchanged))
    rows.push(await openshift(reg, path, unchanged))

    const moved = `scheduled cycle, ${TOTAL_TAGS} tags in ${STREAMS} streams, 10% moved`
    await moveRepository(reg, repoName(0), 'moved-for-openshift')
    rows.push(await openshift(reg, path, moved))
    await moveRepository(reg, repoName(0), 'moved-for-ours')
    rows.push(await ours(reg, path, moved))
  } finally {
    await reg.stop()
    await rm(dir, { recursive: true, force: true })
  }
  return rows.map((r) => {
    const peer = rows.find((p) => p.benchmark === r.benchmark && p.subject === OPENSHIFT_SUBJECT)
    if (peer === undefined || r === peer) return r
    const ratio = (r.requests / peer.requests).toFixed(2)
    const gets = `${manifestGets.get(r) ?? 0}/${manifestGets.get(peer) ?? 0}`
    return {
      ...r,
      note: `${r.note ?? ''}; requests vs OpenShift ${ratio}x, manifest GETs (what Docker Hub counts) ${gets}`,
    }
  })
}

// Manifest GETs per measured row (the requests Docker Hub counts against its pull limit).
const manifestGets = new Map<BenchRow, number>()

function repoName(r: number): string {
  return `bench/sched${r}`
}

// Stream j follows 10 tags of repository j mod 10.
function streamTags(reg: RunningRegistry, j: number): { name: string; from: string }[] {
  const repo = repoName(j % REPOS)
  const base = Math.floor(j / REPOS) * TAGS_PER_STREAM
  return Array.from({ length: TAGS_PER_STREAM }, (_, k) => {
    const tag = `tag-${String(base + k).padStart(3, '0')}`
    return { name: tag, from: `${reg.host}/${repo}:${tag}` }
  })
}

type Stack = {
  readonly store: SqliteStore
  readonly client: RegistryClient
  readonly metrics: ServerMetrics
  readonly importerDeps: ImporterDeps
}

async function openStack(path: string): Promise<Stack> {
  const store = await SqliteStore.open({ path })
  const metrics = createServerMetrics()
  const client = createRegistryClient({ onRequest: registryRequestObserver(metrics) })
  return {
    store,
    client,
    metrics,
    importerDeps: {
      store,
      client,
      clock: systemClock,
      logger: noopLogger,
      settings: DEFAULT_IMPORTER_SETTINGS,
    },
  }
}

async function closeStack(s: Stack): Promise<void> {
  await s.client.close()
  await s.store.close()
}

// Creates the 500 streams and lets the import controller import them (not measured).
async function setUp(reg: RunningRegistry, path: string): Promise<void> {
  const stack = await openStack(path)
  const controllers = createControllers({
    store: stack.store,
    client: stack.client,
    importer: (ns, isi, o) => createImageStreamImport(stack.importerDeps, ns, isi, o),
    clock: systemClock,
    logger: noopLogger,
    settings: {
      scheduledImportIntervalMs: 60 * 60_000,
      maxScheduledImportsPerMinute: 0,
      workers: WORKERS,
      disableScheduledImport: true,
    },
  })
  const ac = new AbortController()
  const running = controllers.start(ac.signal)
  try {
    for (let j = 0; j < STREAMS; j++) {
      const stream: StoredImageStream = {
        metadata: { name: `s${String(j).padStart(3, '0')}`, namespace: NS },
        spec: {
          tags: streamTags(reg, j).map((t) => ({
            name: t.name,
            from: { kind: 'DockerImage', name: t.from },
            importPolicy: { scheduled: true, insecure: true },
          })),
        },
      }
      setDefaultsImageStream(stream)
      setGenerationsOnCreate(stream)
      await stack.store.create('imagestreams', stream)
    }
    const deadline = Date.now() + 10 * 60_000
    for (;;) {
      const { items } = await stack.store.list<StoredImageStream>({ resource: 'imagestreams' })
      const done = items.filter(
        (s) =>
          (s.status?.tags ?? []).filter((t) => (t.items ?? []).length > 0).length ===
          TAGS_PER_STREAM
      ).length
      if (done === STREAMS) break
      if (Date.now() > deadline) throw new Error(`setup: only ${done} streams imported`)
      await new Promise((r) => setTimeout(r, 250))
    }
  } finally {
    ac.abort()
    await running
    await closeStack(stack)
  }
}

// Makes every scheduled tag due now, in the bucket that is current: a schedule resumed after a
// restart where everything is overdue (the worst case for one cycle).
async function makeAllDue(path: string): Promise<void> {
  const store = await SqliteStore.open({ path })
  try {
    const schedule = new BucketSchedule({ intervalMs: CYCLE_INTERVAL_MS })
    const now = Date.now()
    const offsetMs = schedule.offsetOf(schedule.bucketAt(now))
    const { items } = await store.list<StoredImageStream>({ resource: 'imagestreams' })
    for (const s of items) {
      await store.guaranteedUpdate<StoredImageStream>(
        { resource: 'imagestreams', namespace: NS, name: s.metadata.name },
        (cur) => {
          const tags = Object.fromEntries(
            (cur.spec.tags ?? []).map((t) => [
              t.name,
              { nextCheck: new Date(now - 1000).toISOString() },
            ])
          )
          cur.metadata.annotations = {
            ...(cur.metadata.annotations ?? {}),
            'imagestreams.io/schedule': JSON.stringify({
              intervalMs: CYCLE_INTERVAL_MS,
              offsetMs,
              tags,
            }),
          }
          return cur
        }
      )
    }
  } finally {
    await store.close()
  }
}

type Usage = { wallMs: number; cpuMs: number; requests: number; heads: number; gets: number }

async function measure(reg: RunningRegistry, fn: () => Promise<void>): Promise<Usage> {
  await settle(reg)
  const before = reg.requests().length
  const tokensBefore = reg.tokenIssuer?.requests.length ?? 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  await settle(reg)
  const window = reg.requests().slice(before)
  const tokens = (reg.tokenIssuer?.requests.length ?? 0) - tokensBefore
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    requests: window.length + tokens,
    heads: window.filter((r) => r.method === 'HEAD').length,
    gets: window.filter((r) => r.method === 'GET' && r.path.includes('/manifests/')).length,
  }
}

function note(u: Usage, extra: string): string {
  const rss = process.memoryUsage().rss / (1024 * 1024)
  return [
    `${u.heads} HEAD, ${u.gets} manifest GET, ${u.requests - u.heads - u.gets} other (ping, configs, tokens)`,
    `CPU ${(u.cpuMs / TOTAL_TAGS).toFixed(3)} ms/tag`,
    `RSS ${rss.toFixed(0)} MiB`,
    extra,
  ]
    .filter((s) => s !== '')
    .join('; ')
}

// Our controllers, from start until every due tag has been checked once.
async function ours(reg: RunningRegistry, path: string, benchmark: string): Promise<BenchRow> {
  await makeAllDue(path)
  const stack = await openStack(path)
  const revision = await stack.store.currentResourceVersion()
  const ac = new AbortController()
  let running: Promise<void> | undefined
  const checks = (): number =>
    ['unchanged', 'changed', 'failed', 'deferred'].reduce(
      (n, result) => n + stack.metrics.scheduledChecks.get({ registry: reg.host, result }),
      0
    )
  try {
    const usage = await measure(reg, async () => {
      const controllers = createControllers({
        store: stack.store,
        client: stack.client,
        importer: (ns, isi, o) => createImageStreamImport(stack.importerDeps, ns, isi, o),
        clock: systemClock,
        logger: noopLogger,
        metrics: stack.metrics,
        settings: {
          scheduledImportIntervalMs: CYCLE_INTERVAL_MS,
          maxScheduledImportsPerMinute: 0,
          workers: WORKERS,
        },
      })
      running = controllers.start(ac.signal)
      const deadline = Date.now() + 10 * 60_000
      while (checks() < TOTAL_TAGS) {
        if (Date.now() > deadline) throw new Error(`cycle: only ${checks()} checks`)
        await new Promise((r) => setTimeout(r, 5))
      }
    })
    const writes = Number(await stack.store.currentResourceVersion()) - Number(revision)
    const changed = stack.metrics.scheduledChecks.get({ registry: reg.host, result: 'changed' })
    const row: BenchRow = {
      benchmark,
      subject: 'imagestreams controllers (HEAD first)',
      wallMs: usage.wallMs,
      requests: usage.requests,
      note: note(usage, `${changed} tags imported, ${writes} store writes`),
    }
    manifestGets.set(row, usage.gets)
    return row
  } finally {
    ac.abort()
    await running
    await closeStack(stack)
  }
}

// OpenShift's scheduled import: every scheduled tag of every stream imported again (GET per tag).
async function openshift(reg: RunningRegistry, path: string, benchmark: string): Promise<BenchRow> {
  const stack = await openStack(path)
  try {
    const revision = await stack.store.currentResourceVersion()
    const { items } = await stack.store.list<StoredImageStream>({ resource: 'imagestreams' })
    let changed = 0
    const usage = await measure(reg, async () => {
      await mapLimit(items, WORKERS, async (s) => {
        const current = await stack.store.get<StoredImageStream>({
          resource: 'imagestreams',
          namespace: NS,
          name: s.metadata.name,
        })
        if (current === undefined) return
        const isi = imageStreamImportForStream(current, {
          mode: 'spec-policy',
          tags: (current.spec.tags ?? []).map((t) => t.name),
        })
        if (isi === undefined) return
        const before = JSON.stringify(current.status)
        const result = await createImageStreamImport(stack.importerDeps, NS, isi)
        if (JSON.stringify(result.status?.import?.status) !== before) changed++
      })
    })
    const writes = Number(await stack.store.currentResourceVersion()) - Number(revision)
    const row: BenchRow = {
      benchmark,
      subject: OPENSHIFT_SUBJECT,
      wallMs: usage.wallMs,
      requests: usage.requests,
      note: note(usage, `${changed} streams changed, ${writes} store writes`),
    }
    manifestGets.set(row, usage.gets)
    return row
  } finally {
    await closeStack(stack)
  }
}

// Points every tag of one repository (10% of all tags) at a new image.
async function moveRepository(
  reg: RunningRegistry,
  repository: string,
  seed: string
): Promise<void> {
  const image = buildImage(
    {
      platform: { architecture: 'amd64', os: 'linux' },
      env: ['PATH=/usr/bin', `SEED=${seed}`],
      labels: { 'io.imagestreams.bench': seed },
      created: '2026-03-01T00:00:00Z',
      files: [{ path: 'etc/seed.txt', content: `${seed}\n` }],
    },
    'oci'
  )
  const pusher = createPusher(reg)
  try {
    const tags = Array.from(
      { length: TAGS_PER_REPO },
      (_, i) => `tag-${String(i).padStart(3, '0')}`
    )
    const [first, ...rest] = tags
    if (first !== undefined) await pushBuilt(pusher, repository, first, image)
    await mapLimit(rest, 8, (tag) =>
      pusher.pushManifest(repository, tag, image.manifest.bytes, MediaType.OciManifest)
    )
  } finally {
    await pusher.close()
  }
}

// The access log line of a request may arrive a moment after its response: wait until it is quiet.
async function settle(reg: RunningRegistry): Promise<void> {
  let seen = -1
  while (reg.requests().length !== seen) {
    seen = reg.requests().length
    await reg.waitForRequests(seen, { timeoutMs: 5_000 })
    await new Promise((r) => setTimeout(r, 150))
  }
}
