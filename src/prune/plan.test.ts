import { describe, expect, it } from 'vitest'
import type { Image, ImageStream } from '../api/image/v1/types.js'
import { LAST_PULLED_ANNOTATION } from '../registry/last-pull.js'
import { classifyPullSpecs, NO_IN_USE_REFERENCES } from './in-use-references.js'
import {
  BlobRemovalReason,
  ItemRemovalReason,
  type PlanInput,
  type PlanOptions,
  type PrunePlan,
  planImagePrune,
} from './plan.js'
import { fixtureDigest as d, fixtureImage, fixtureIndex, fixtureStream } from './prune-fixtures.js'

const NOW = Date.parse('2026-03-01T12:00:00Z')
const ago = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString()
const OPTIONS: PlanOptions = {
  keepTagRevisions: 3,
  keepYoungerThanMs: 60 * 60_000,
  pruneOverSizeLimit: false,
  all: true,
  pruneRegistry: true,
}
const HOST = 'registry.local:5000'

function plan(
  streams: readonly ImageStream[],
  images: readonly Image[],
  o: Partial<PlanOptions> & { inUse?: readonly string[] } & Partial<
      Pick<PlanInput, 'blobs' | 'links' | 'sizeLimits'>
    > = {}
): PrunePlan {
  const { inUse, blobs, links, sizeLimits, ...options } = o
  return planImagePrune({
    streams,
    images,
    inUse: inUse === undefined ? NO_IN_USE_REFERENCES : classifyPullSpecs(inUse, [HOST]),
    ...(blobs === undefined ? {} : { blobs }),
    ...(links === undefined ? {} : { links }),
    ...(sizeLimits === undefined ? {} : { sizeLimits }),
    now: NOW,
    options: { ...OPTIONS, ...options },
  })
}

const removedRevisions = (p: PrunePlan): number[] =>
  p.streams.flatMap((s) => s.removals.map((r) => r.revision))
const deletedImages = (p: PrunePlan): string[] => p.images.map((i) => i.name)
const deletedBlobs = (p: PrunePlan): string[] => p.blobs.map((b) => b.digest)

// Five imports of a moving tag, oldest last; all old.
const revisions = ['r0', 'r1', 'r2', 'r3', 'r4'].map((l) => fixtureImage(l))
const moving = fixtureStream('team', 'app', { latest: revisions.map((image) => ({ image })) })

describe('planImagePrune: tag revisions', () => {
  it.each([
    [0, [0, 1, 2, 3, 4]],
    [1, [1, 2, 3, 4]],
    [2, [2, 3, 4]],
    [3, [3, 4]],
    [5, []],
  ])('--keep-tag-revisions=%i removes revisions %j', (keep, removed) => {
    const p = plan([moving], revisions, { keepTagRevisions: keep })
    expect(removedRevisions(p)).toEqual(removed)
    expect(deletedImages(p).sort()).toEqual(removed.map((i) => d(`r${i}`)).sort())
    expect(
      (p.streams[0]?.removals ?? []).every((r) => r.reason === ItemRemovalReason.Revision)
    ).toBe(true)
    expect(p.streams[0]?.deletedTags ?? []).toEqual(keep === 0 ? ['latest'] : [])
  })

  it('drops an item whose Image is gone, even within the kept revisions', () => {
    const s = fixtureStream('team', 'app', {
      latest: [{ image: revisions[0] as Image }, { image: d('gone') }],
    })
    const p = plan([s], [revisions[0] as Image])
    expect(p.streams[0]?.removals).toMatchObject([{ revision: 1, reason: 'ImageMissing' }])
  })

  it('counts revisions per tag, and every stream of the cluster', () => {
    const other = fixtureStream('other', 'web', {
      a: [{ image: revisions[0] as Image }, { image: revisions[1] as Image }],
      b: [{ image: revisions[2] as Image }, { image: revisions[3] as Image }],
    })
    const p = plan([other], revisions, { keepTagRevisions: 1 })
    expect(p.streams[0]?.removals.map((r) => `${r.tag}:${r.revision}`)).toEqual(['a:1', 'b:1'])
    // r4 is in no history at all.
    expect(deletedImages(p).sort()).toEqual([d('r1'), d('r3'), d('r4')].sort())
  })
})

describe('planImagePrune: age', () => {
  it.each([
    ['an item younger than the limit', { itemAge: 30, streamAge: 600, imageAge: 600 }, [4]],
    [
      'nothing of a stream younger than the limit',
      { itemAge: 600, streamAge: 30, imageAge: 600 },
      [],
    ],
    ['items but not young Images', { itemAge: 600, streamAge: 600, imageAge: 30 }, [3, 4]],
  ])('keeps %s', (_name, a, removed) => {
    const images = revisions.map((_, i) =>
      fixtureImage(`r${i}`, { created: i === 3 ? ago(a.imageAge) : ago(600) })
    )
    const s = fixtureStream(
      'team',
      'app',
      {
        latest: images.map((image, i) => ({
          image,
          created: i === 3 ? ago(a.itemAge) : ago(600),
        })),
      },
      { created: ago(a.streamAge) }
    )
    const p = plan([s], images)
    expect(removedRevisions(p)).toEqual(removed)
    // A young Image is never deleted, in history or not.
    if (a.imageAge < 60) expect(deletedImages(p)).not.toContain(d('r3'))
  })

  it('--keep-younger-than=0s makes everything old', () => {
    const images = revisions.map((_, i) => fixtureImage(`r${i}`, { created: ago(1) }))
    const s = fixtureStream(
      'team',
      'app',
      { latest: images.map((image) => ({ image, created: ago(1) })) },
      { created: ago(1) }
    )
    expect(
      removedRevisions(plan([s], images, { keepYoungerThanMs: 0, keepTagRevisions: 2 }))
    ).toEqual([2, 3, 4])
  })
})

describe('planImagePrune: in use', () => {
  it.each([
    ['by tag of our registry keeps revision 0', [`${HOST}/team/app:latest`], 0, [1, 2, 3, 4]],
    ['by tag defaults to latest', [`${HOST}/team/app`], 0, [1, 2, 3, 4]],
    ['by tag of another host keeps nothing', ['other.example/team/app:latest'], 0, [0, 1, 2, 3, 4]],
    ['by tag of another tag keeps nothing', [`${HOST}/team/app:v2`], 0, [0, 1, 2, 3, 4]],
    ['by digest keeps that revision', [`${HOST}/team/app@${d('r3')}`], 1, [1, 2, 4]],
    ['by digest from any host and repository', [`quay.io/x/y@${d('r3')}`], 1, [1, 2, 4]],
    ['by tag and digest keeps both', [`${HOST}/team/app:latest@${d('r3')}`], 0, [1, 2, 4]],
    ['an unparsable spec keeps nothing', ['UPPER CASE!'], 1, [1, 2, 3, 4]],
  ])('%s', (_name, inUse, keep, removed) => {
    const p = plan([moving], revisions, { inUse, keepTagRevisions: keep })
    expect(removedRevisions(p)).toEqual(removed)
  })

  it('keeps images pulled through our registry since the cutoff, not before', () => {
    const images = revisions.map((_, i) =>
      fixtureImage(`r${i}`, {
        annotations: { [LAST_PULLED_ANNOTATION]: i === 3 ? ago(10) : ago(600) },
      })
    )
    const p = plan([moving], images, { keepTagRevisions: 1 })
    expect(removedRevisions(p)).toEqual([1, 2, 4])
  })
})

// The seed's case: a PreserveOriginal tag whose history moved on; its old list has three children.
const kids1 = ['amd64', 'arm64', 'ppc64le'].map((a) =>
  fixtureImage(`l1/${a}`, { layers: [`l1/${a}/layer`, 'shared/base'] })
)
const list1 = fixtureIndex('l1', kids1)
const kids2 = ['amd64', 'arm64'].map((a) =>
  fixtureImage(`l2/${a}`, { layers: [`l2/${a}/layer`, 'shared/base'] })
)
const list2 = fixtureIndex('l2', kids2)
const multi = fixtureStream('team', 'multi', { all: [{ image: list2 }, { image: list1 }] })
const multiImages = [list1, ...kids1, list2, ...kids2]
const l1Everything = [list1, ...kids1].map((i) => i.metadata.name ?? '')
const blobsOf = (images: readonly Image[]): string[] =>
  images.flatMap((i) => [
    i.metadata.name ?? '',
    ...(i.dockerImageLayers ?? []).map((l) => l.name),
    ...(i.dockerImageMetadata?.Id === undefined ? [] : [i.dockerImageMetadata.Id]),
  ])
const inventory = (digests: readonly string[], young: readonly string[] = []) =>
  [...new Set(digests)].map((digest) => ({ digest, young: young.includes(digest) }))

describe('planImagePrune: manifest lists', () => {
  it('a workload using one child by digest keeps the list, every child and their blobs', () => {
    const child = kids1[1]?.metadata.name ?? ''
    const p = plan([multi], multiImages, {
      keepTagRevisions: 1,
      inUse: [`${HOST}/team/multi@${child}`],
      blobs: inventory(blobsOf(multiImages)),
    })
    expect(p.streams).toEqual([])
    expect(p.images).toEqual([])
    expect(p.blobs).toEqual([])
  })

  it('without the workload the old list goes with its children and their own blobs', () => {
    const p = plan([multi], multiImages, {
      keepTagRevisions: 1,
      blobs: inventory(blobsOf(multiImages)),
    })
    expect(removedRevisions(p)).toEqual([1])
    expect(deletedImages(p).sort()).toEqual([...l1Everything].sort())
    // The base layer is shared with the kept list's children.
    const freed = blobsOf([list1, ...kids1]).filter((b) => b !== d('shared/base'))
    expect(deletedBlobs(p).sort()).toEqual([...new Set(freed)].sort())
    expect(p.blobs.every((b) => b.reason === BlobRemovalReason.Freed)).toBe(true)
  })

  it('a child pulled recently keeps its list (the pull is the reference)', () => {
    const pulled = fixtureImage('l1/arm64', {
      layers: ['l1/arm64/layer', 'shared/base'],
      annotations: { [LAST_PULLED_ANNOTATION]: ago(5) },
    })
    const images = multiImages.map((i) => (i.metadata.name === pulled.metadata.name ? pulled : i))
    const p = plan([multi], images, { keepTagRevisions: 1 })
    expect(p.streams).toEqual([])
    expect(p.images).toEqual([])
  })

  it('a list in no history is kept when one of its children is in use (upwards)', () => {
    const p = plan([], multiImages, { inUse: [`x.example/a/b@${kids1[2]?.metadata.name}`] })
    expect(deletedImages(p).sort()).toEqual(
      [list2, ...kids2].map((i) => i.metadata.name ?? '').sort()
    )
  })

  it('a kept list keeps its children, which are in no history (downwards)', () => {
    const s = fixtureStream('team', 'multi', { all: [{ image: list1 }] })
    expect(deletedImages(plan([s], [list1, ...kids1]))).toEqual([])
  })

  it('a child kept only through its list does not keep the other lists that contain it', () => {
    const sharedKid = kids1[0] as Image
    const other = fixtureIndex('other', [sharedKid, fixtureImage('other/arm64')])
    const s = fixtureStream('team', 'multi', { all: [{ image: list1 }] })
    const p = plan([s], [list1, ...kids1, other, fixtureImage('other/arm64')])
    expect(deletedImages(p).sort()).toEqual([d('other'), d('other/arm64')].sort())
  })

  it('counts blobs of children: a layer a kept list child needs stays when a single image goes', () => {
    const single = fixtureImage('single', { layers: ['single/layer', 'shared/base'] })
    const s = fixtureStream('team', 'multi', { all: [{ image: list2 }] })
    const images = [list2, ...kids2, single]
    const p = plan([s], images, { blobs: inventory(blobsOf(images)) })
    expect(deletedImages(p)).toEqual([d('single')])
    expect(deletedBlobs(p).sort()).toEqual(
      [d('single'), d('single/layer'), d('single/config')].sort()
    )
  })

  it('plans orphan blobs only once older than the grace, and never needed ones', () => {
    const s = fixtureStream('team', 'multi', { all: [{ image: list2 }] })
    const images = [list2, ...kids2]
    const p = plan([s], images, {
      blobs: inventory(
        [...blobsOf(images), d('orphan/old'), d('orphan/young')],
        [d('orphan/young')]
      ),
    })
    expect(p.blobs).toEqual([{ digest: d('orphan/old'), reason: BlobRemovalReason.Orphan }])
  })

  it('plans no blobs without a registry or with --prune-registry=false', () => {
    expect(plan([moving], revisions, { keepTagRevisions: 1 }).blobsPlanned).toBe(false)
    const p = plan([moving], revisions, {
      keepTagRevisions: 1,
      pruneRegistry: false,
      blobs: inventory(blobsOf(revisions)),
    })
    expect(p.blobsPlanned).toBe(false)
    expect(p.blobs).toEqual([])
  })
})

describe('planImagePrune: repository links', () => {
  it('unlinks what only removed items needed, list children included', () => {
    const p = plan([multi], multiImages, { keepTagRevisions: 1, links: true })
    const sp = p.streams[0]
    expect(sp?.manifestLinks).toEqual([...l1Everything].sort())
    const layers = blobsOf(kids1).filter((b) => !l1Everything.includes(b) && b !== d('shared/base'))
    expect(sp?.layerLinks).toEqual([...layers].sort())
  })

  it('keeps a link another item of the stream still needs', () => {
    const s = fixtureStream('team', 'app', {
      a: [{ image: revisions[0] as Image }, { image: revisions[1] as Image }],
      b: [{ image: revisions[1] as Image }],
    })
    const p = plan([s], revisions, { keepTagRevisions: 1, links: true })
    expect(p.streams[0]?.manifestLinks).toEqual([])
    expect(p.streams[0]?.layerLinks).toEqual([])
  })
})

describe('planImagePrune: scope and modes', () => {
  it('--namespace prunes only that namespace and no Images', () => {
    const other = fixtureStream('other', 'app', { latest: revisions.map((image) => ({ image })) })
    const p = plan([moving, other], revisions, { namespace: 'other', keepTagRevisions: 1 })
    expect(p.streams.map((s) => s.namespace)).toEqual(['other'])
    expect(p.imagesPlanned).toBe(false)
    expect(p.images).toEqual([])
  })

  it('--all=false deletes only images pushed to our registry', () => {
    const managed = fixtureImage('managed', {
      annotations: { 'openshift.io/image.managed': 'true' },
    })
    const p = plan([], [managed, fixtureImage('imported')], { all: false })
    expect(deletedImages(p)).toEqual([d('managed')])
  })

  it('--prune-over-size-limit removes only items over the namespace limit', () => {
    const images = revisions.map((_, i) => fixtureImage(`r${i}`, { size: i % 2 === 0 ? 5000 : 10 }))
    const p = plan([moving], images, {
      pruneOverSizeLimit: true,
      keepTagRevisions: 0,
      keepYoungerThanMs: 0,
      sizeLimits: new Map([['team', 1000]]),
    })
    expect(removedRevisions(p)).toEqual([0, 2, 4])
    expect(p.streams[0]?.removals.every((r) => r.reason === 'OverSizeLimit')).toBe(true)
  })
})
