import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Image, ImageStream } from '../api/image/v1/types.js'
import { type Digest, isDigest } from '../oci/digest.js'
import { DiskBlobStore } from '../registry/blob-store.js'
import { LAST_PULLED_ANNOTATION } from '../registry/last-pull.js'
import { ManifestStore } from '../registry/manifest-store.js'
import type { RepositoryName } from '../registry/names.js'
import { type Clock, sleep } from '../shared/clock.js'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { executePrunePlan } from './execute.js'
import { NO_IN_USE_REFERENCES } from './in-use-references.js'
import { loadPruneState } from './list-all.js'
import { type PlanOptions, planImagePrune } from './plan.js'
import { fixtureDigest as d, fixtureImage, fixtureIndex, fixtureStream } from './prune-fixtures.js'
import { DEFAULT_PRUNE_OPTIONS, type ImagePruneOptions } from './prune-options.js'
import { listRegistryBlobs } from './registry-storage.js'
import { runImagePrune } from './run-image-prune.js'

const NOW = Date.parse('2026-03-01T12:00:00Z')
const REPO: RepositoryName = { namespace: 'team', stream: 'app', name: 'team/app' }
const OPTIONS: ImagePruneOptions = {
  ...DEFAULT_PRUNE_OPTIONS,
  confirm: true,
  keepTagRevisions: 2,
  keepYoungerThanMs: 0,
}
const signal = new AbortController().signal

// A clock that stands where the test puts it; sleeps are real (the settle window).
function testClock(): Clock & { t: number } {
  const c = { t: NOW - 2 * 3_600_000, now: () => c.t, sleep }
  return c
}

type World = {
  store: MemoryStore
  blobs: DiskBlobStore
  links: ManifestStore
  clock: Clock & { t: number }
  dir: string
}

let w: World
beforeEach(async () => {
  const clock = testClock()
  const dir = await mkdtemp(join(tmpdir(), 'prune-'))
  const blobs = await DiskBlobStore.open({ dir, clock })
  w = { store: new MemoryStore({ clock }), blobs, links: new ManifestStore(blobs), clock, dir }
})
afterEach(async () => {
  await w.store.close()
  await rm(w.dir, { recursive: true, force: true })
})

const digest = (s: string): Digest => {
  if (!isDigest(s)) throw new Error(`not a digest: ${s}`)
  return s
}

// Stores an Image with its blobs (the fixture digests are sha256 of their labels, so the label is the
// content) and links them to team/app.
async function seedImage(
  image: Image,
  label: string,
  o: { layers?: string[] } = {}
): Promise<void> {
  await w.store.create('images', image as Image & { metadata: { name: string } })
  const contents = [label, ...(o.layers ?? [`${label}/layer`])]
  if (image.dockerImageManifests === undefined) contents.push(`${label}/config`)
  for (const c of contents) {
    await w.blobs.putBytes(digest(d(c)), Buffer.from(c))
    if (c !== label) await w.links.linkBlob(REPO, digest(d(c)), 'cache')
  }
  await w.links.linkManifest(REPO, digest(d(label)), 'cache')
}

async function seedStream(s: ImageStream & { metadata: { name: string } }): Promise<void> {
  await w.store.create('imagestreams', s)
}

const hasBlob = async (label: string): Promise<boolean> =>
  (await w.blobs.stat(digest(d(label)))) !== undefined
const imageExists = async (label: string): Promise<boolean> =>
  (await w.store.get({ resource: 'images', name: d(label) })) !== undefined
const historyOf = async (): Promise<string[]> => {
  const s = await w.store.get<ImageStream & { metadata: { name: string } }>({
    resource: 'imagestreams',
    namespace: 'team',
    name: 'app',
  })
  return (s?.status?.tags?.[0]?.items ?? []).map((i) => i.image)
}

const LABELS = ['r0', 'r1', 'r2', 'r3', 'r4']
async function seedMovingTag(): Promise<void> {
  for (const l of LABELS) await seedImage(fixtureImage(l), l)
  await seedStream(fixtureStream('team', 'app', { latest: LABELS.map((l) => ({ image: d(l) })) }))
  w.clock.t = NOW
}

const deps = (o: { settleMs?: number } = {}) => ({
  store: w.store,
  registry: { blobs: w.blobs, links: w.links },
  clock: w.clock,
  logger: noopLogger,
  settleMs: o.settleMs ?? 0,
})

describe('runImagePrune with a MemoryStore and a disk blob store', () => {
  it('keeps the newest two revisions and deletes the rest: items, links, Images, blobs', async () => {
    await seedMovingTag()
    const report = await runImagePrune(deps(), OPTIONS, signal)
    expect(await historyOf()).toEqual([d('r0'), d('r1')])
    for (const l of ['r2', 'r3', 'r4']) {
      expect(await imageExists(l)).toBe(false)
      for (const c of [l, `${l}/layer`, `${l}/config`]) expect(await hasBlob(c)).toBe(false)
      expect(await w.links.manifestLink(REPO, digest(d(l)))).toBeUndefined()
      expect(await w.links.blobLink(REPO, digest(d(`${l}/layer`)))).toBeUndefined()
    }
    for (const l of ['r0', 'r1']) {
      expect(await imageExists(l)).toBe(true)
      expect(await hasBlob(`${l}/layer`)).toBe(true)
      expect(await w.links.manifestLink(REPO, digest(d(l)))).toBe('cache')
    }
    expect(report.stats).toEqual({
      deletedImages: 3,
      deletedImageStreamTagItems: 3,
      updatedImageStreams: 1,
      deletedLayerLinks: 6,
      deletedManifestLinks: 3,
      deletedBlobs: 9,
    })
    expect(report.errors).toEqual([])
  })

  it('a dry run reports the same and changes nothing', async () => {
    await seedMovingTag()
    const before = await w.store.currentResourceVersion()
    const dry = await runImagePrune(deps(), { ...OPTIONS, confirm: false }, signal)
    expect(dry.dryRun).toBe(true)
    expect(await w.store.currentResourceVersion()).toBe(before)
    expect(await hasBlob('r4/layer')).toBe(true)
    expect(await w.links.manifestLink(REPO, digest(d('r4')))).toBe('cache')
    const real = await runImagePrune(deps(), OPTIONS, signal)
    expect(real.stats).toEqual(dry.stats)
    expect(real.images).toEqual(dry.images)
    expect([...real.blobs].sort()).toEqual([...dry.blobs].sort())
  })

  it('with --prune-registry=false deletes API objects only', async () => {
    await seedMovingTag()
    const report = await runImagePrune(deps(), { ...OPTIONS, pruneRegistry: false }, signal)
    expect(report.stats.deletedImages).toBe(3)
    expect(report.stats.deletedBlobs + report.stats.deletedLayerLinks).toBe(0)
    expect(await hasBlob('r4/layer')).toBe(true)
  })

  it("the seed's case: a child in use keeps its list, children and blobs; then they go", async () => {
    const kids1 = ['amd64', 'arm64'].map((a) => fixtureImage(`l1/${a}`))
    const kids2 = ['amd64', 'arm64'].map((a) => fixtureImage(`l2/${a}`))
    for (const [i, k] of [...kids1, ...kids2].entries()) {
      await seedImage(k, ['l1/amd64', 'l1/arm64', 'l2/amd64', 'l2/arm64'][i] ?? '')
    }
    await seedImage(fixtureIndex('l1', kids1), 'l1', { layers: [] })
    await seedImage(fixtureIndex('l2', kids2), 'l2', { layers: [] })
    await seedStream(
      fixtureStream('team', 'app', { all: [{ image: d('l2') }, { image: d('l1') }] })
    )
    w.clock.t = NOW
    const options = { ...OPTIONS, keepTagRevisions: 1, registryHostnames: ['registry.local'] }
    const inUse = [`registry.local/team/app@${d('l1/arm64')}`]

    const kept = await runImagePrune(deps(), { ...options, inUse }, signal)
    expect(kept.stats).toMatchObject({ deletedImages: 0, deletedBlobs: 0 })
    for (const l of ['l1', 'l1/amd64', 'l1/arm64']) expect(await imageExists(l)).toBe(true)
    for (const l of ['l1', 'l1/amd64/layer', 'l1/arm64/config']) expect(await hasBlob(l)).toBe(true)

    const pruned = await runImagePrune(deps(), options, signal)
    expect(pruned.images).toEqual([d('l1'), d('l1/amd64'), d('l1/arm64')].sort())
    for (const l of ['l1', 'l1/amd64', 'l1/arm64/layer', 'l1/arm64/config']) {
      expect(await hasBlob(l)).toBe(false)
    }
    expect(await w.links.manifestLink(REPO, digest(d('l1/arm64')))).toBeUndefined()
    expect(await hasBlob('l2/arm64/layer')).toBe(true)
  })

  it('deletes old orphan blobs and spares young ones', async () => {
    await seedMovingTag()
    await w.blobs.putBytes(digest(d('orphan')), Buffer.from('orphan'))
    const report = await runImagePrune(
      { ...deps(), orphanBlobGraceMs: 60 * 60_000 },
      { ...OPTIONS, keepTagRevisions: 5 },
      signal
    )
    // NB: the seeded blobs were written two hours "ago", the orphan just now.
    expect(report.blobs).toEqual([])
    w.clock.t = NOW + 2 * 3_600_000
    const later = await runImagePrune(
      { ...deps(), orphanBlobGraceMs: 60 * 60_000 },
      { ...OPTIONS, keepTagRevisions: 5 },
      signal
    )
    expect(later.blobs).toEqual([d('orphan')])
  })
})

describe('executePrunePlan against concurrent writes', () => {
  const planOptions: PlanOptions = {
    keepTagRevisions: 2,
    keepYoungerThanMs: 0,
    pruneOverSizeLimit: false,
    all: true,
    pruneRegistry: true,
  }
  async function planNow() {
    const state = await loadPruneState(w.store, signal)
    const plan = planImagePrune({
      ...state,
      inUse: NO_IN_USE_REFERENCES,
      blobs: await listRegistryBlobs(w.blobs, 0, signal),
      links: true,
      now: w.clock.now(),
      options: planOptions,
    })
    const ctx = { inUse: NO_IN_USE_REFERENCES, options: planOptions, images: state.images }
    return { plan, run: (settleMs = 0) => executePrunePlan(deps({ settleMs }), plan, ctx, signal) }
  }
  const update = (mutate: (s: ImageStream & { metadata: { name: string } }) => void) =>
    w.store.guaranteedUpdate<ImageStream & { metadata: { name: string } }>(
      { resource: 'imagestreams', namespace: 'team', name: 'app' },
      (s) => {
        mutate(s)
        return s
      }
    )

  it('an import after planning pushes items down: the new item stays, the planned ones go', async () => {
    await seedMovingTag()
    const { run } = await planNow()
    w.clock.t = NOW + 1000
    await seedImage(fixtureImage('new'), 'new')
    await update((s) => {
      s.status?.tags?.[0]?.items?.unshift({
        created: '2026-03-01T12:00:01Z',
        dockerImageReference: `x/y@${d('new')}`,
        image: d('new'),
        generation: 6,
      })
    })
    const r = await run()
    expect(await historyOf()).toEqual([d('new'), d('r0'), d('r1')])
    expect(r.images).toEqual([d('r2'), d('r3'), d('r4')].sort())
    expect(await hasBlob('new/layer')).toBe(true)
  })

  it('an Image referenced again after planning is kept, with its blobs and links', async () => {
    await seedMovingTag()
    const { run } = await planNow()
    // Another stream imports r3 by digest meanwhile: it reuses the existing Image.
    await seedStream(fixtureStream('other', 'copy', { v1: [{ image: d('r3') }] }))
    const r = await run()
    expect(r.skipped.images).toEqual([d('r3')])
    expect(await imageExists('r3')).toBe(true)
    expect(await hasBlob('r3/layer')).toBe(true)
    expect(await imageExists('r4')).toBe(false)
  })

  it('an Image pulled after planning is kept (the recorded pull is a reference)', async () => {
    await seedMovingTag()
    const { run } = await planNow()
    await w.store.guaranteedUpdate<Image & { metadata: { name: string } }>(
      { resource: 'images', name: d('r4') },
      (i) => {
        i.metadata.annotations = { [LAST_PULLED_ANNOTATION]: '2026-03-01T12:00:05Z' }
        return i
      }
    )
    const r = await run()
    expect(r.skipped.images).toEqual([d('r4')])
    expect(await hasBlob('r4/layer')).toBe(true)
  })

  it('an import that reused an Image just before its deletion gets it back', async () => {
    await seedMovingTag()
    const { run } = await planNow()
    // The import saw r4 exist (AlreadyExists) before the delete and writes its stream just after.
    const realDelete = w.store.delete.bind(w.store)
    let raced: Promise<unknown> | undefined
    w.store.delete = async (key, o) => {
      const last = await realDelete(key, o)
      if (key.name === d('r4')) {
        raced = seedStream(fixtureStream('other', 'late', { v1: [{ image: d('r4') }] }))
      }
      return last
    }
    const r = await run(200)
    await raced
    expect(r.restoredImages).toEqual([d('r4')])
    expect(r.images).toEqual([d('r2'), d('r3')].sort())
    expect(await imageExists('r4')).toBe(true)
    expect(await hasBlob('r4/layer')).toBe(true)
  })

  it('a push that reuses a planned blob keeps it', async () => {
    await seedMovingTag()
    const { run } = await planNow()
    w.clock.t = NOW + 1000
    await w.store.create(
      'images',
      fixtureImage('pushed', { layers: ['r4/layer'] }) as Image & {
        metadata: { name: string }
      }
    )
    const r = await run()
    expect(r.skipped.blobs).toContain(d('r4/layer'))
    expect(await hasBlob('r4/layer')).toBe(true)
    expect(await hasBlob('r4/config')).toBe(false)
  })

  it('an item whose Image was missing stays when the Image appeared meanwhile', async () => {
    await seedMovingTag()
    await update((s) => {
      s.status?.tags?.[0]?.items?.splice(1, 0, {
        created: '2020-01-01T00:00:00Z',
        dockerImageReference: `x/y@${d('late')}`,
        image: d('late'),
        generation: 9,
      })
    })
    const { plan, run } = await planNow()
    expect(plan.streams[0]?.removals.map((rm) => rm.reason)).toContain('ImageMissing')
    await seedImage(fixtureImage('late'), 'late')
    await run()
    expect(await historyOf()).toContain(d('late'))
  })

  it('leaves a stream alone that was deleted and created again', async () => {
    await seedMovingTag()
    const { run } = await planNow()
    await w.store.delete({ resource: 'imagestreams', namespace: 'team', name: 'app' })
    await seedStream(fixtureStream('team', 'app', { latest: LABELS.map((l) => ({ image: d(l) })) }))
    const r = await run()
    expect(r.streams).toEqual([])
    expect(await historyOf()).toHaveLength(5)
    // Its history protects every Image again.
    expect(r.images).toEqual([])
  })
})
