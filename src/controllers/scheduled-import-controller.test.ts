import { afterEach, describe, expect, it } from 'vitest'
import { MemoryStore } from '../store/memory-store.js'
import { SEMVER_TAG_PATTERN } from './immutable-tags.js'
import { FakeClock } from './runtime/fake-clock.js'
import {
  LAST_SEEN_DIGESTS_ANNOTATION,
  parseScheduleRecord,
  SCHEDULE_ANNOTATION,
} from './schedule-state.js'
import { streamKey } from './stream-key.js'
import {
  createStream,
  getStream,
  type Harness,
  type HarnessOptions,
  history,
  HARNESS_INTERVAL_MS as I,
  NS,
  pushImage,
  startHarness,
  testImage,
  testIndex,
} from './testing/controller-harness.js'
import { FakeRegistryClient, tooManyRequests } from './testing/fake-registry-client.js'

// The harness clock starts here (aligned with every interval, so bucket times are round).
const T0 = Date.parse('2026-01-01T00:00:00Z')
const A = 'reg-a.test:5000'
const B = 'reg-b.test:5000'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

// Starts the harness and creates one stream per name, each with one scheduled tag `t` from
// `<registry>/team/<name>:latest`; returns when their first import is done.
async function withStreams(
  names: readonly string[],
  o: HarnessOptions & { registry?: string } = {}
): Promise<Harness> {
  const harness = startHarness(o)
  h = harness
  const registry = o.registry ?? A
  for (const n of names)
    pushImage(harness.client, registry, `team/${n}`, 'latest', testImage(`${n}-1`))
  await harness.settle()
  for (const n of names) {
    await createStream(harness.store, n, [
      { name: 't', from: `${registry}/team/${n}:latest`, scheduled: true },
    ])
  }
  await harness.settle()
  return harness
}

function heads(harness: Harness, registry?: string): number {
  return harness.client.count('HEAD', registry)
}

function gets(harness: Harness, registry?: string): number {
  return harness.client.count('GET', registry)
}

describe('scheduled import controller', () => {
  it('checks an unchanged tag with one HEAD per interval, no GET and no write', async () => {
    const x = await withStreams(['app'])
    // The first import (import controller) and the schedule annotation are done.
    const stream = await getStream(x.store, 'app')
    const record = parseScheduleRecord(stream.metadata.annotations?.[SCHEDULE_ANNOTATION])
    expect(record?.intervalMs).toBe(I)
    expect(record?.tags.t?.nextCheck).toBeDefined()
    const revision = await x.store.currentResourceVersion()
    const [h0, g0] = [heads(x), gets(x)]
    await x.clock.advance(3 * I)
    expect(heads(x) - h0).toBe(3)
    expect(gets(x) - g0).toBe(0)
    expect(await x.store.currentResourceVersion()).toBe(revision)
    expect(await history(x.store, 'app', 't')).toHaveLength(1)
    expect(x.metrics.scheduledChecks.get({ registry: A, result: 'unchanged' })).toBe(3)
    expect(x.metrics.scheduledTags.get({ state: 'active' })).toBe(1)
  })

  it('imports a moved tag within one interval, keeping the old image second', async () => {
    const x = await withStreams(['app'])
    const old = (await history(x.store, 'app', 't'))[0]?.image
    const moved = testImage('app-2')
    pushImage(x.client, A, 'team/app', 'latest', moved)
    await x.clock.advance(I)
    expect((await history(x.store, 'app', 't')).map((e) => e.image)).toEqual([
      moved.manifest.digest,
      old,
    ])
    const scheduledImport = x.imports.at(-1)
    expect(scheduledImport?.spec.images?.map((i) => [i.to?.name, i.importPolicy])).toEqual([
      ['t', { scheduled: true, importMode: 'Legacy' }],
    ])
    expect(
      x.metrics.imports.get({ trigger: 'scheduled', registry: A, result: 'success', reason: '' })
    ).toBe(1)
    // Then back to HEAD only.
    const g0 = gets(x)
    await x.clock.advance(2 * I)
    expect(gets(x)).toBe(g0)
  })

  it('spreads streams evenly over the interval', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f']
    const x = await withStreams(names)
    const scheduled = x.controllers.scheduled
    const buckets = names.map((n) => scheduled?.bucketOf(streamKey(NS, n)))
    expect(buckets.filter((b) => b === 0)).toHaveLength(3)
    expect(buckets.filter((b) => b === 1)).toHaveLength(3)
    // Each bucket is checked at the start of its half of the interval.
    const h0 = heads(x)
    await x.clock.advance(I / 2)
    expect(heads(x) - h0).toBe(3)
    await x.clock.advance(I / 2)
    expect(heads(x) - h0).toBe(6)
  })

  it('never checks immutable tags once imported (semver pattern, digest references)', async () => {
    h = startHarness({ settings: { immutableTagPatterns: [SEMVER_TAG_PATTERN] } })
    const x = h
    const img = testImage('rel')
    pushImage(x.client, A, 'team/app', 'v1.2.3', img)
    pushImage(x.client, A, 'team/app', 'latest', testImage('latest'))
    await x.settle()
    await createStream(x.store, 'app', [
      { name: 'release', from: `${A}/team/app:v1.2.3`, scheduled: true },
      { name: 'pinned', from: `${A}/team/app@${img.manifest.digest}`, scheduled: true },
      { name: 'latest', from: `${A}/team/app:latest`, scheduled: true },
    ])
    await x.settle()
    const h0 = heads(x)
    await x.clock.advance(3 * I)
    expect(heads(x) - h0).toBe(3)
    expect(
      x.client.requests
        .filter((r) => r.method === 'HEAD')
        .every((r) => r.path.endsWith(':latest') || r.path.endsWith('/latest'))
    ).toBe(true)
    const record = parseScheduleRecord(
      (await getStream(x.store, 'app')).metadata.annotations?.[SCHEDULE_ANNOTATION]
    )
    expect(record?.tags.release?.immutable).toBe(true)
    expect(record?.tags.pinned?.immutable).toBe(true)
    expect(record?.tags.latest?.immutable).toBeUndefined()
    expect(x.metrics.scheduledTags.get({ state: 'immutable' })).toBe(2)
  })

  it('backs a failing tag off exponentially and does not rewrite its condition', async () => {
    const x = await withStreams(['app'])
    x.client.tag(A, 'team/app', 'latest', undefined)
    // First failing check: HEAD 404, then the importer records the NotFound condition.
    await x.clock.advance(I)
    const failed = await getStream(x.store, 'app')
    const condition = failed.status?.tags?.[0]?.conditions?.[0]
    expect(condition?.reason).toBe('NotFound')
    expect(failed.status?.tags?.[0]?.items).toHaveLength(1)
    const times: number[] = []
    let last = heads(x)
    for (let i = 0; i < 16; i++) {
      await x.clock.advance(I)
      if (heads(x) > last) times.push(i + 1)
      last = heads(x)
    }
    // Checked again after 2, then 4, then 8 intervals.
    expect(times).toEqual([2, 6, 14])
    const still = await getStream(x.store, 'app')
    expect(still.status?.tags?.[0]?.conditions?.[0]).toEqual(condition)
    const record = parseScheduleRecord(still.metadata.annotations?.[SCHEDULE_ANNOTATION])
    expect(record?.tags.t).toMatchObject({ failures: 4, reason: 'NotFound' })
    // Fixed upstream: the next check imports it and the backoff ends.
    pushImage(x.client, A, 'team/app', 'latest', testImage('app-2'))
    await x.clock.advance(16 * I)
    const fixed = await getStream(x.store, 'app')
    expect(fixed.status?.tags?.[0]?.conditions ?? []).toEqual([])
    expect(fixed.status?.tags?.[0]?.items).toHaveLength(2)
  })

  it('makes a registry that answered 429 wait its Retry-After while other registries go on', async () => {
    h = startHarness()
    const x = h
    pushImage(x.client, A, 'team/a', 'latest', testImage('a'))
    pushImage(x.client, B, 'team/b', 'latest', testImage('b'))
    await x.settle()
    await createStream(x.store, 'a', [{ name: 't', from: `${A}/team/a:latest`, scheduled: true }])
    await createStream(x.store, 'a2', [{ name: 't', from: `${A}/team/a:latest`, scheduled: true }])
    await createStream(x.store, 'b', [{ name: 't', from: `${B}/team/b:latest`, scheduled: true }])
    await x.settle()
    let limited = true
    x.client.fail((req) =>
      limited && req.registry === A && req.method === 'HEAD'
        ? tooManyRequests(req, 150_000)
        : undefined
    )
    // a2 is checked first (I/2) and gets the 429; a (bucket of I) then does not even ask.
    await x.clock.advance(I)
    const [a0, b0] = [heads(x, A), heads(x, B)]
    expect(a0).toBe(1)
    expect(b0).toBe(1)
    const record = parseScheduleRecord(
      (await getStream(x.store, 'a')).metadata.annotations?.[SCHEDULE_ANNOTATION]
    )
    expect(record?.tags.t).toMatchObject({ waiting: true, reason: 'TooManyRequests' })
    limited = false
    // Until I/2 + 150 s nothing goes to A; B keeps its schedule (2I).
    await x.clock.advance(T0 + I / 2 + 150_000 - x.clock.now() - 1)
    expect(heads(x, A)).toBe(a0)
    expect(heads(x, B) - b0).toBe(1)
    expect(x.metrics.rateLimitWaits.get({ registry: A, source: 'retry-after' })).toBe(1)
    await x.clock.advance(1)
    expect(heads(x, A)).toBe(a0 + 2)
    expect(heads(x, B) - b0).toBe(2)
    const ok = parseScheduleRecord(
      (await getStream(x.store, 'a')).metadata.annotations?.[SCHEDULE_ANNOTATION]
    )
    expect(ok?.tags.t?.waiting).toBeUndefined()
    // The wait caused no import, so no TooManyRequests condition was written either.
    expect((await getStream(x.store, 'a')).status?.tags?.[0]?.conditions ?? []).toEqual([])
  })

  it('turns a 429 during the import into a TooManyRequests condition and retries after the wait', async () => {
    const x = await withStreams(['app'])
    pushImage(x.client, A, 'team/app', 'latest', testImage('app-2'))
    let limited = true
    x.client.fail((req) =>
      limited && req.method === 'GET' ? tooManyRequests(req, 40_000) : undefined
    )
    await x.clock.advance(I)
    const failed = await getStream(x.store, 'app')
    expect(failed.status?.tags?.[0]?.conditions?.[0]).toMatchObject({ reason: 'TooManyRequests' })
    expect(failed.status?.tags?.[0]?.items).toHaveLength(1)
    limited = false
    const h0 = heads(x)
    await x.clock.advance(39_000)
    expect(heads(x)).toBe(h0)
    await x.clock.advance(1_000)
    const ok = await getStream(x.store, 'app')
    expect(ok.status?.tags?.[0]?.conditions ?? []).toEqual([])
    expect(ok.status?.tags?.[0]?.items).toHaveLength(2)
  })

  it('caps stream visits per minute with a token bucket', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const x = await withStreams(names, { settings: { maxScheduledImportsPerMinute: 2 } })
    const h0 = heads(x)
    // Burst 4 (2 × 2/min) at I/2 for one bucket; then one token per 30 s for everything else.
    await x.clock.advance(I / 2)
    expect(heads(x) - h0).toBe(4)
    await x.clock.advance(I / 2)
    expect(heads(x) - h0).toBe(5)
    await x.clock.advance(3 * I)
    expect(heads(x) - h0).toBe(5 + 6)
    expect(
      x.metrics.reconciles.get({ controller: 'imagestream-scheduled-import', outcome: 'requeue' })
    ).toBeGreaterThan(0)
  })

  it('moves a stream imported by someone else to the back of the schedule', async () => {
    const x = await withStreams(['app', 'other'])
    const key = streamKey(NS, 'app')
    const scheduled = x.controllers.scheduled
    const schedule = scheduled?.schedule
    // app got the bucket visited at I, other the one at I/2.
    expect(scheduled?.bucketOf(key)).toBe(0)
    expect(scheduled?.bucketOf(streamKey(NS, 'other'))).toBe(1)
    // At 3I/4 (other's slot) someone imports app by hand.
    await x.clock.advance((3 * I) / 4)
    pushImage(x.client, A, 'team/app', 'latest', testImage('app-2'))
    const manual = await x.importer(
      NS,
      {
        metadata: { name: 'app', namespace: NS },
        spec: {
          import: true,
          images: [
            {
              from: { kind: 'DockerImage', name: `${A}/team/app:latest` },
              to: { name: 't' },
              importPolicy: { scheduled: true, importMode: 'Legacy' },
            },
          ],
        },
      },
      { signal: new AbortController().signal }
    )
    expect(manual.status?.images?.[0]?.status.status).toBe('Success')
    await x.settle()
    // app moves to the bucket visited last from now (other's, next at 1.5 I); its tag counts as checked.
    expect(scheduled?.bucketOf(key)).toBe(1)
    const state = scheduled?.tagStates(key)?.get('t')
    expect(state?.lastChecked).toBe(x.clock.now())
    expect(state?.nextCheck).toBe(schedule?.nextVisit(1, x.clock.now()))
    expect(state?.nextCheck).toBe(T0 + 1.5 * I)
    const appHeads = () =>
      x.client.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/team/app/')).length
    const h0 = appHeads()
    await x.clock.advance(T0 + 1.5 * I - x.clock.now() - 1)
    expect(appHeads()).toBe(h0)
    await x.clock.advance(1)
    expect(appHeads()).toBe(h0 + 1)
    expect(await history(x.store, 'app', 't')).toHaveLength(2)
    const record = parseScheduleRecord(
      (await getStream(x.store, 'app')).metadata.annotations?.[SCHEDULE_ANNOTATION]
    )
    expect(record?.offsetMs).toBe(I / 2)
  })

  it('records the list digest of Legacy list imports and then stays HEAD-only', async () => {
    h = startHarness()
    const x = h
    const amd = testImage('amd64', 'amd64')
    const arm = testImage('arm64', 'arm64')
    const index = testIndex([
      { image: amd, arch: 'amd64' },
      { image: arm, arch: 'arm64' },
    ])
    pushImage(x.client, A, 'team/multi', 'amd64-only', amd)
    pushImage(x.client, A, 'team/multi', 'arm64-only', arm)
    x.client.put(A, 'team/multi', index, { tag: 'latest' })
    await x.settle()
    await createStream(x.store, 'multi', [
      { name: 'legacy', from: `${A}/team/multi:latest`, scheduled: true },
      {
        name: 'all',
        from: `${A}/team/multi:latest`,
        scheduled: true,
        importMode: 'PreserveOriginal',
      },
    ])
    await x.settle()
    expect((await history(x.store, 'multi', 'legacy'))[0]?.image).toBe(amd.manifest.digest)
    expect((await history(x.store, 'multi', 'all'))[0]?.image).toBe(index.digest)
    // First check: the HEAD digest (the list) differs from the status image (the child) of the Legacy
    // tag, which is imported once more (the list GET only: the child is known) to learn it.
    await x.clock.advance(I)
    const stream = await getStream(x.store, 'multi')
    expect(JSON.parse(stream.metadata.annotations?.[LAST_SEEN_DIGESTS_ANNOTATION] ?? '{}')).toEqual(
      {
        legacy: index.digest,
      }
    )
    expect(await history(x.store, 'multi', 'legacy')).toHaveLength(1)
    const [h0, g0] = [heads(x), gets(x)]
    const revision = await x.store.currentResourceVersion()
    await x.clock.advance(3 * I)
    expect(heads(x) - h0).toBe(6)
    expect(gets(x) - g0).toBe(0)
    expect(await x.store.currentResourceVersion()).toBe(revision)
  })

  it('resumes its schedule after a restart: same slot, backoff kept, nothing repeated', async () => {
    const clock = new FakeClock()
    const store = new MemoryStore({ clock })
    const client = new FakeRegistryClient()
    const x = await withStreams(['app', 'broken'], { clock, store, client })
    client.tag(A, 'team/broken', 'latest', undefined)
    await clock.advance(I)
    const key = streamKey(NS, 'broken')
    const bucket = x.controllers.scheduled?.bucketOf(key)
    const state = x.controllers.scheduled?.tagStates(key)?.get('t')
    expect(state?.failures).toBe(1)
    const historyBefore = await history(store, 'app', 't')
    await x.stop()
    h = undefined
    await clock.advance(I / 3)
    const y = startHarness({ clock, store, client })
    h = y
    await y.settle()
    expect(y.controllers.scheduled?.bucketOf(key)).toBe(bucket)
    expect(y.controllers.scheduled?.tagStates(key)?.get('t')).toMatchObject({
      failures: 1,
      nextCheck: state?.nextCheck,
    })
    const brokenHeads = () =>
      client.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/team/broken/')).length
    const b0 = brokenHeads()
    await clock.advance((state?.nextCheck ?? 0) - clock.now() - 1)
    expect(brokenHeads()).toBe(b0)
    await clock.advance(1)
    expect(brokenHeads()).toBe(b0 + 1)
    expect(await history(store, 'app', 't')).toEqual(historyBefore)
  })

  it('drops its annotations when a stream is no longer scheduled', async () => {
    const x = await withStreams(['app'])
    await x.store.guaranteedUpdate<{
      metadata: { name: string }
      spec: { tags: { importPolicy: object }[] }
    }>({ resource: 'imagestreams', namespace: NS, name: 'app' }, (s) => {
      for (const t of s.spec.tags) t.importPolicy = { importMode: 'Legacy' }
      return s
    })
    await x.settle()
    const stream = await getStream(x.store, 'app')
    expect(stream.metadata.annotations?.[SCHEDULE_ANNOTATION]).toBeUndefined()
    expect(x.controllers.scheduled?.bucketOf(streamKey(NS, 'app'))).toBeUndefined()
    const h0 = heads(x)
    await x.clock.advance(2 * I)
    expect(heads(x)).toBe(h0)
  })

  it('holds back imports when RateLimit-Remaining is spent, but keeps checking with HEAD', async () => {
    const x = await withStreams(['app'])
    x.client.setRateLimit(A, { remaining: 0, limit: 100 })
    pushImage(x.client, A, 'team/app', 'latest', testImage('app-2'))
    const [h0, g0] = [heads(x), gets(x)]
    await x.clock.advance(I)
    expect(heads(x) - h0).toBe(1)
    expect(gets(x) - g0).toBe(0)
    expect(x.metrics.rateLimitWaits.get({ registry: A, source: 'remaining' })).toBe(1)
    x.client.setRateLimit(A, { remaining: 50, limit: 100 })
    await x.clock.advance(I)
    expect(await history(x.store, 'app', 't')).toHaveLength(2)
  })
})
