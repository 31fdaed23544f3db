import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setDefaultsImageStream } from '../../src/api/image/v1/defaults.js'
import { setGenerationsOnCreate } from '../../src/api/image/v1/generations.js'
import type { ImageStream, TagEvent } from '../../src/api/image/v1/types.js'
import type { StoredImageStream } from '../../src/controllers/controller-deps.js'
import { type Controllers, createControllers } from '../../src/controllers/controllers.js'
import { parseScheduleRecord, SCHEDULE_ANNOTATION } from '../../src/controllers/schedule-state.js'
import { createImageStreamImport } from '../../src/importer/import-stream.js'
import { DEFAULT_IMPORTER_SETTINGS } from '../../src/importer/importer-deps.js'
import {
  createServerMetrics,
  registryRequestObserver,
  type ServerMetrics,
} from '../../src/observability/server-metrics.js'
import { createRegistryClient, type RegistryClient } from '../../src/registry-client/client.js'
import { systemClock } from '../../src/shared/clock.js'
import { noopLogger } from '../../src/shared/log.js'
import { SqliteStore } from '../../src/store/sqlite-store.js'
import {
  type RegistryRequest,
  type RunningRegistry,
  startRegistry,
} from '../support/docker-registry.js'
import { errorResponse, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { type BuiltImage, buildImage } from '../support/image-builder.js'
import { createPusher, type RegistryPusher } from '../support/push.js'
import { pushBuilt } from '../support/test-images.js'

// Short intervals: 2 s, i.e. two buckets of 1 s (OpenShift's bucket count below 10 minutes).
const INTERVAL = 2000
const NS = 'team'

function image(seed: string): BuiltImage {
  return buildImage(
    {
      platform: { architecture: 'amd64', os: 'linux' },
      env: ['PATH=/usr/bin', `SEED=${seed}`],
      labels: { 'io.imagestreams.test': seed },
      created: '2026-02-01T00:00:00Z',
      files: [{ path: 'etc/seed.txt', content: `${seed}\n` }],
    },
    'oci'
  )
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One running server-side stack: SQLite store, shared client, real importer, controllers. */
type Stack = {
  readonly store: SqliteStore
  readonly client: RegistryClient
  readonly metrics: ServerMetrics
  readonly controllers: Controllers
  stop(): Promise<void>
}

async function startStack(path: string): Promise<Stack> {
  const store = await SqliteStore.open({ path })
  const metrics = createServerMetrics()
  // NB: one retry, so that a 429 with Retry-After is waited out once inside the client.
  const client = createRegistryClient({
    onRequest: registryRequestObserver(metrics),
    retry: { attempts: 2, baseDelayMs: 10 },
  })
  const importerDeps = {
    store,
    client,
    clock: systemClock,
    logger: noopLogger,
    settings: DEFAULT_IMPORTER_SETTINGS,
  }
  const controllers = createControllers({
    store,
    client,
    importer: (namespace, isi, o) => createImageStreamImport(importerDeps, namespace, isi, o),
    clock: systemClock,
    logger: noopLogger,
    metrics,
    settings: {
      scheduledImportIntervalMs: INTERVAL,
      maxScheduledImportsPerMinute: 600,
      workers: 4,
    },
  })
  const ac = new AbortController()
  const running = controllers.start(ac.signal)
  await waitFor('controllers synced', () => controllers.synced())
  return {
    store,
    client,
    metrics,
    controllers,
    stop: async () => {
      ac.abort()
      await running
      await client.close()
      await store.close()
    },
  }
}

async function createStream(
  store: SqliteStore,
  name: string,
  tags: { name: string; from: string }[]
): Promise<void> {
  const stream: StoredImageStream = {
    metadata: { name, namespace: NS },
    spec: {
      tags: tags.map((t) => ({
        name: t.name,
        from: { kind: 'DockerImage', name: t.from },
        importPolicy: { scheduled: true, insecure: true },
      })),
    },
  }
  setDefaultsImageStream(stream)
  setGenerationsOnCreate(stream)
  await store.create('imagestreams', stream)
}

async function getStream(store: SqliteStore, name: string): Promise<ImageStream> {
  const s = await store.get<StoredImageStream>({ resource: 'imagestreams', namespace: NS, name })
  if (s === undefined) throw new Error(`no stream ${name}`)
  return s
}

async function items(store: SqliteStore, name: string, tag: string): Promise<TagEvent[]> {
  const s = await getStream(store, name)
  return s.status?.tags?.find((t) => t.tag === tag)?.items ?? []
}

/** Waits until every tag of the streams is imported and their schedules are written. */
async function settled(store: SqliteStore, streams: Record<string, string[]>): Promise<void> {
  await waitFor('imports and schedules', async () => {
    for (const [name, tags] of Object.entries(streams)) {
      const s = await getStream(store, name)
      if (s.metadata.annotations?.[SCHEDULE_ANNOTATION] === undefined) return undefined
      for (const t of tags) if ((await items(store, name, t)).length === 0) return undefined
    }
    return true
  })
}

const manifestPath = (repo: string, tag: string) => `/v2/${repo}/manifests/${tag}`

function since(reg: RunningRegistry, start: number): readonly RegistryRequest[] {
  return reg.requests().slice(start)
}

let reg: RunningRegistry
let pusher: RegistryPusher
let dir: string

beforeAll(async () => {
  reg = await startRegistry('anonymous')
  pusher = createPusher(reg)
  dir = await mkdtemp(join(tmpdir(), 'imagestreams-controllers-'))
})

afterAll(async () => {
  await pusher?.close()
  await reg?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('controllers against a real registry', () => {
  it('checks unchanged tags with one HEAD each per cycle and imports a pushed tag within two intervals', async () => {
    const old = image('app-1')
    await pushBuilt(pusher, 'team/app', 'latest', old)
    await pushBuilt(pusher, 'team/app', 'stable', image('app-stable'))
    const stack = await startStack(join(dir, 'one.db'))
    try {
      await createStream(stack.store, 'app', [
        { name: 'latest', from: `${reg.host}/team/app:latest` },
        { name: 'stable', from: `${reg.host}/team/app:stable` },
      ])
      // Created with no other command: the import controller imports it.
      await settled(stack.store, { app: ['latest', 'stable'] })
      expect((await items(stack.store, 'app', 'latest'))[0]?.image).toBe(old.manifest.digest)

      // Unchanged: count what three intervals cost at the registry and in the store.
      await sleep(INTERVAL / 2)
      const start = reg.requests().length
      const checks0 = stack.metrics.scheduledChecks.get({ registry: reg.host, result: 'unchanged' })
      const revision = await stack.store.currentResourceVersion()
      await sleep(3 * INTERVAL)
      const checks =
        stack.metrics.scheduledChecks.get({ registry: reg.host, result: 'unchanged' }) - checks0
      // NB: a check may land between reading the metric and reading the log: allow for one more cycle.
      const seen = await reg.waitForRequests(start + checks)
      const window = seen.slice(start)
      const heads = (tag: string) =>
        window.filter((r) => r.method === 'HEAD' && r.path === manifestPath('team/app', tag)).length
      expect(window.filter((r) => r.method === 'GET')).toEqual([])
      expect(window.every((r) => r.method === 'HEAD' && r.status === 200)).toBe(true)
      // One HEAD per tag per cycle: three cycles in three intervals (give or take the window's edges).
      expect(heads('latest')).toBeGreaterThanOrEqual(2)
      expect(heads('latest')).toBeLessThanOrEqual(4)
      expect(heads('stable')).toBe(heads('latest'))
      expect(window.length).toBeGreaterThanOrEqual(checks)
      expect(window.length).toBeLessThanOrEqual(checks + 2)
      expect(await stack.store.currentResourceVersion()).toBe(revision)
      expect(await items(stack.store, 'app', 'latest')).toHaveLength(1)

      // Moved: a new push shows up as a new history item within two intervals, the old one second.
      const moved = image('app-2')
      const before = reg.requests().length
      await pushBuilt(pusher, 'team/app', 'latest', moved)
      const pushedAt = Date.now()
      const history = await waitFor(
        'the new image in history',
        async () => {
          const h = await items(stack.store, 'app', 'latest')
          return h.length === 2 ? h : undefined
        },
        2 * INTERVAL + 1500
      )
      expect(Date.now() - pushedAt).toBeLessThanOrEqual(2 * INTERVAL + 500)
      expect(history.map((e) => e.image)).toEqual([moved.manifest.digest, old.manifest.digest])
      expect(await items(stack.store, 'app', 'stable')).toHaveLength(1)
      // The changed tag cost HEAD + manifest GET + config GET; the unchanged one only HEADs.
      await sleep(100)
      const afterPush = since(reg, before).filter((r) => !r.path.includes('/blobs/uploads'))
      const gets = afterPush.filter((r) => r.method === 'GET')
      expect(gets.map((r) => r.path).sort()).toEqual(
        [manifestPath('team/app', 'latest'), `/v2/team/app/blobs/${moved.config.digest}`].sort()
      )
      expect(
        afterPush.some((r) => r.method === 'GET' && r.path === manifestPath('team/app', 'stable'))
      ).toBe(false)
    } finally {
      await stack.stop()
    }
  })

  it('waits out a Retry-After for that registry only while another registry keeps its schedule', async () => {
    const slow = image('slow-1')
    const moved = image('slow-2')
    await pushBuilt(pusher, 'team/fast', 'latest', image('fast-1'))
    let current = slow
    // Requests with a method in `limited` get 429 + Retry-After: 3 for windowMs from the first one.
    let limited = new Set<string>()
    let windowMs = 0
    let until = 0
    const times: { method: string; at: number; status: number }[] = []
    const serve = (method: string) => {
      const now = Date.now()
      let refuse = false
      if (limited.has(method)) {
        if (until === 0) until = now + windowMs
        refuse = now < until
      }
      times.push({ method, at: now, status: refuse ? 429 : 200 })
      if (refuse) return errorResponse(429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '3' })
      return {
        status: 200,
        headers: {
          'content-type': current.manifest.mediaType,
          'docker-content-digest': current.manifest.digest,
          'content-length': String(current.manifest.size),
        },
        body: current.manifest.bytes,
      }
    }
    const fake: FakeUpstream = await startFakeUpstream({
      routes: [
        { path: '/v2/', respond: { status: 200, body: '{}' } },
        { path: manifestPath('team/slow', 'latest'), respond: (req) => serve(req.method) },
        {
          path: /^\/v2\/team\/slow\/blobs\//,
          respond: (req) => {
            const blob = [slow.config, moved.config].find((b) => req.path.endsWith(b.digest))
            return blob === undefined
              ? errorResponse(404, 'BLOB_UNKNOWN', 'blob unknown')
              : {
                  status: 200,
                  headers: { 'content-type': 'application/octet-stream' },
                  body: blob.bytes,
                }
          },
        },
      ],
    })
    const stack = await startStack(join(dir, 'two.db'))
    try {
      await createStream(stack.store, 'slow', [
        { name: 'latest', from: `${fake.host}/team/slow:latest` },
      ])
      await createStream(stack.store, 'fast', [
        { name: 'latest', from: `${reg.host}/team/fast:latest` },
      ])
      await settled(stack.store, { slow: ['latest'], fast: ['latest'] })

      // 1. Every request gets 429 + Retry-After: 3 for three seconds.
      limited = new Set(['HEAD', 'GET'])
      windowMs = 3000
      until = 0
      const fastStart = reg.requests().length
      await waitFor('the first 429', () => times.find((t) => t.status === 429))
      const first = times.find((t) => t.status === 429)?.at ?? 0
      await waitFor(
        'a request after the wait',
        () => times.find((t) => t.at > first && t.status === 200),
        8000
      )
      const next = times.find((t) => t.at > first)
      // Nothing was sent to that registry during the wait…
      expect((next?.at ?? 0) - first).toBeGreaterThanOrEqual(2950)
      // …while the other registry was checked on schedule meanwhile.
      const fastHeads = since(reg, fastStart).filter(
        (r) => r.method === 'HEAD' && r.path === manifestPath('team/fast', 'latest')
      )
      expect(fastHeads.length).toBeGreaterThanOrEqual(1)
      expect(
        stack.metrics.rateLimitWaits.get({ registry: fake.host, source: 'retry-after' })
      ).toBeGreaterThanOrEqual(1)
      const afterHeads = await getStream(stack.store, 'slow')
      expect(afterHeads.status?.tags?.[0]?.conditions ?? []).toEqual([])

      // 2. The tag moves, and the manifest GET of its import answers 429: a TooManyRequests condition
      // (not InternalError), then the import succeeds once the registry lets us.
      limited = new Set(['GET'])
      windowMs = 6000
      until = 0
      current = moved
      const condition = await waitFor(
        'a TooManyRequests condition',
        async () => (await getStream(stack.store, 'slow')).status?.tags?.[0]?.conditions?.[0],
        4 * INTERVAL + 2000
      )
      expect(condition).toMatchObject({
        type: 'ImportSuccess',
        status: 'False',
        reason: 'TooManyRequests',
      })
      const fixed = await waitFor(
        'the import after the wait',
        async () => {
          const h = await items(stack.store, 'slow', 'latest')
          return h.length === 2 ? h : undefined
        },
        12_000
      )
      expect(fixed[0]?.image).toBe(moved.manifest.digest)
      expect((await getStream(stack.store, 'slow')).status?.tags?.[0]?.conditions ?? []).toEqual([])
    } finally {
      limited = new Set()
      await stack.stop()
      await fake.close()
    }
  })

  it('resumes its schedule after a restart mid-cycle without duplicating history', async () => {
    const names = ['r1', 'r2', 'r3', 'r4']
    for (const n of names) await pushBuilt(pusher, `team/${n}`, 'latest', image(`${n}-1`))
    const path = join(dir, 'three.db')
    let stack = await startStack(path)
    const schedules = new Map<string, number | undefined>()
    try {
      for (const n of names) {
        await createStream(stack.store, n, [
          { name: 'latest', from: `${reg.host}/team/${n}:latest` },
        ])
      }
      await settled(stack.store, Object.fromEntries(names.map((n) => [n, ['latest']])))
      await sleep(INTERVAL * 1.25)
      for (const n of names) {
        const record = parseScheduleRecord(
          (await getStream(stack.store, n)).metadata.annotations?.[SCHEDULE_ANNOTATION]
        )
        schedules.set(n, record?.offsetMs)
      }
    } finally {
      await stack.stop()
    }
    // While down: r1's tag moves.
    const moved = image('r1-2')
    await pushBuilt(pusher, 'team/r1', 'latest', moved)
    const start = reg.requests().length
    stack = await startStack(path)
    try {
      const history = await waitFor(
        'r1 re-imported after the restart',
        async () => {
          const h = await items(stack.store, 'r1', 'latest')
          return h.length === 2 ? h : undefined
        },
        2 * INTERVAL + 1500
      )
      expect(history[0]?.image).toBe(moved.manifest.digest)
      await sleep(2 * INTERVAL)
      for (const n of names) {
        // Same slot as before the restart, and no duplicate history.
        const record = parseScheduleRecord(
          (await getStream(stack.store, n)).metadata.annotations?.[SCHEDULE_ANNOTATION]
        )
        expect(record?.offsetMs).toBe(schedules.get(n))
        expect(await items(stack.store, n, 'latest')).toHaveLength(n === 'r1' ? 2 : 1)
      }
      const window = since(reg, start)
      for (const n of names) {
        // Every tag was checked again, with HEADs.
        expect(
          window.filter(
            (r) => r.method === 'HEAD' && r.path === manifestPath(`team/${n}`, 'latest')
          ).length
        ).toBeGreaterThanOrEqual(1)
      }
      // Manifest and blob GETs only for the moved tag (plus the new client's ping of /v2/).
      const gets = window.filter((r) => r.method === 'GET' && r.path !== '/v2/')
      expect(gets.map((r) => r.path).sort()).toEqual(
        [manifestPath('team/r1', 'latest'), `/v2/team/r1/blobs/${moved.config.digest}`].sort()
      )
    } finally {
      await stack.stop()
    }
  })
})
