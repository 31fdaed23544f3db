import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Image, ImageStream } from '../../src/api/image/v1/types.js'
import type { Digest } from '../../src/oci/digest.js'
import { readInUseFiles } from '../../src/prune/in-use-files.js'
import { DEFAULT_PRUNE_OPTIONS, type ImagePruneOptions } from '../../src/prune/prune-options.js'
import type { PruneReport } from '../../src/prune/report.js'
import { runImagePrune } from '../../src/prune/run-image-prune.js'
import { systemClock } from '../../src/shared/clock.js'
import { noopLogger } from '../../src/shared/log.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import {
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildIndex,
} from '../support/image-builder.js'
import { runSkopeo } from '../support/peers.js'
import { createPusher, type RegistryPusher } from '../support/push.js'
import { pushBuilt } from '../support/test-images.js'
import { ADMIN_CREDS, type OurRegistry, startOurRegistry } from './registry-harness.js'

// `adm prune images` server-side against our registry app (pull-through cache on disk, repository
// links) fed by real imports from the Debian docker-registry, with skopeo as the independent client.

let up: RunningRegistry
let ours: OurRegistry
let pusher: RegistryPusher
let work: string

beforeAll(async () => {
  up = await startRegistry('anonymous')
  ours = await startOurRegistry()
  pusher = createPusher(up)
  work = await mkdtemp(join(tmpdir(), 'prune-it-'))
})
afterAll(async () => {
  await pusher?.close()
  await Promise.all([up?.stop(), ours?.stop(), rm(work, { recursive: true, force: true })])
})

const OPTIONS: ImagePruneOptions = {
  ...DEFAULT_PRUNE_OPTIONS,
  keepTagRevisions: 2,
  keepYoungerThanMs: 0,
}

async function prune(o: Partial<ImagePruneOptions> = {}): Promise<PruneReport> {
  // Pulls are recorded in the background: settle them so the prune sees them.
  await ours.registry.services.lastPull.flush()
  const report = await runImagePrune(
    {
      store: ours.store,
      registry: {
        blobs: ours.registry.services.blobStore,
        links: ours.registry.services.manifests,
      },
      clock: systemClock,
      logger: noopLogger,
    },
    { ...OPTIONS, registryHostnames: [ours.host], ...o },
    new AbortController().signal
  )
  expect(report.errors).toEqual([])
  return report
}

function image(label: string, arch = 'amd64'): BuiltImage {
  return buildImage(
    {
      platform: { architecture: arch, os: 'linux' },
      env: [`LABEL=${label}`],
      labels: { 'io.imagestreams.test': 'prune' },
      created: '2026-01-01T00:00:00Z',
      files: [{ path: 'label.txt', content: `${label}\n` }],
    },
    'oci'
  )
}

async function importTag(stream: string, repo: string, tag: string, mode?: string): Promise<void> {
  await ours.importImages('team', stream, [
    {
      from: `${up.host}/${repo}:${tag}`,
      tag,
      insecure: true,
      ...(mode === undefined ? {} : { mode }),
    },
  ])
}

let copies = 0
// Pulls through our registry with skopeo (which also caches everything in our blob store).
async function pull(ref: string, all = false): Promise<void> {
  await runSkopeo([
    'copy',
    '--quiet',
    ...(all ? ['--all'] : []),
    '--src-tls-verify=false',
    '--src-creds',
    ADMIN_CREDS,
    `docker://${ours.host}/${ref}`,
    `oci:${join(work, `copy-${copies++}`)}:x`,
  ])
}

async function pullFails(ref: string): Promise<string> {
  const err = await pull(ref).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeDefined()
  return String(err)
}

const stored = async (digest: string): Promise<boolean> =>
  (await ours.registry.services.blobStore.stat(digest as Digest)) !== undefined
const imageExists = async (digest: string): Promise<boolean> =>
  (await ours.store.get({ resource: 'images', name: digest })) !== undefined
const blobsOf = (i: BuiltImage): string[] => [
  i.manifest.digest,
  i.config.digest,
  ...i.layers.map((l) => l.digest),
]
async function history(stream: string, tag: string): Promise<string[]> {
  const s = await ours.store.get<ImageStream & { metadata: { name: string } }>({
    resource: 'imagestreams',
    namespace: 'team',
    name: stream,
  })
  return (s?.status?.tags?.find((t) => t.tag === tag)?.items ?? []).map((i) => i.image)
}

describe('prune after five imports of a moving tag', () => {
  const revisions = [0, 1, 2, 3, 4].map((i) => image(`app-${i}`))
  const digests = revisions.map((r) => r.manifest.digest as string)

  beforeAll(async () => {
    for (const r of revisions) {
      await pushBuilt(pusher, 'team/app', 'latest', r)
      await importTag('app', 'team/app', 'latest')
    }
    // Pull every revision through our registry: its blobs land in our cache.
    for (const d of digests) await pull(`team/app@${d}`)
  })

  it('imported five revisions, newest first, and cached their blobs', async () => {
    expect(await history('app', 'latest')).toEqual([...digests].reverse())
    for (const r of revisions) for (const b of blobsOf(r)) expect(await stored(b)).toBe(true)
  })

  it('a dry run reports the three oldest and changes nothing', async () => {
    const before = await ours.store.currentResourceVersion()
    const usage = ours.registry.services.blobStore.usage()
    const report = await prune()
    expect(report.dryRun).toBe(true)
    expect(report.images).toEqual(digests.slice(0, 3).sort())
    expect(report.stats).toMatchObject({
      deletedImages: 3,
      deletedImageStreamTagItems: 3,
      updatedImageStreams: 1,
      deletedBlobs: 9,
    })
    expect(await ours.store.currentResourceVersion()).toBe(before)
    expect(ours.registry.services.blobStore.usage()).toEqual(usage)
  })

  it('--keep-tag-revisions=2 --keep-younger-than=0s --confirm keeps the newest two', async () => {
    const report = await prune({ confirm: true })
    expect(report.stats).toEqual({
      deletedImages: 3,
      deletedImageStreamTagItems: 3,
      updatedImageStreams: 1,
      deletedLayerLinks: 6,
      deletedManifestLinks: 3,
      deletedBlobs: 9,
    })
    expect(await history('app', 'latest')).toEqual([digests[4], digests[3]])
    for (const [i, r] of revisions.entries()) {
      expect(await imageExists(digests[i] ?? '')).toBe(i >= 3)
      for (const b of blobsOf(r)) expect(await stored(b)).toBe(i >= 3)
    }
  })

  it('a pruned digest answers MANIFEST_UNKNOWN; a kept one still pulls with skopeo', async () => {
    expect(await pullFails(`team/app@${digests[0]}`)).toMatch(/manifest unknown/i)
    await pull(`team/app@${digests[3]}`)
    await pull('team/app:latest')
  })
})

describe("the seed's case: a PreserveOriginal tag whose history moved on", () => {
  const kids1 = ['amd64', 'arm64'].map((a) => image(`list1-${a}`, a))
  const kids2 = ['amd64', 'arm64'].map((a) => image(`list2-${a}`, a))
  const kids3 = ['amd64', 'arm64'].map((a) => image(`list3-${a}`, a))
  const list1: BuiltIndex = buildIndex(kids1, 'oci')
  const list2: BuiltIndex = buildIndex(kids2, 'oci')
  const list3: BuiltIndex = buildIndex(kids3, 'oci')
  const child = kids1[1]?.manifest.digest ?? ''
  let workload = ''

  beforeAll(async () => {
    await pushBuilt(pusher, 'team/multi', 'all', list1)
    await importTag('multi', 'team/multi', 'all', 'PreserveOriginal')
    await pushBuilt(pusher, 'team/multi', 'all', list2)
    await importTag('multi', 'team/multi', 'all', 'PreserveOriginal')
    await pushBuilt(pusher, 'team/multi', 'all', list3)
    await importTag('multi', 'team/multi', 'all', 'PreserveOriginal')
    for (const l of [list1, list2, list3]) await pull(`team/multi@${l.index.digest}`, true)
    // `kubectl get pods -A -o json` of a cluster whose pod runs one child by digest.
    workload = join(work, 'pods.json')
    await writeFile(
      workload,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            kind: 'Pod',
            metadata: { name: 'web', namespace: 'team' },
            spec: { containers: [{ name: 'web', image: `${ours.host}/team/multi@${child}` }] },
            status: { phase: 'Running' },
          },
        ],
      })
    )
  })

  it('history holds the three lists, newest first', async () => {
    expect(await history('multi', 'all')).toEqual([
      list3.index.digest,
      list2.index.digest,
      list1.index.digest,
    ])
  })

  it('with the workload, the old list, its children and their blobs survive', async () => {
    const inUse = await readInUseFiles([workload], { now: Date.now(), keepYoungerThanMs: 0 })
    const report = await prune({ confirm: true, inUse })
    expect(report.images).toEqual([])
    expect(await history('multi', 'all')).toEqual([
      list3.index.digest,
      list2.index.digest,
      list1.index.digest,
    ])
    for (const k of [list1.index.digest, ...kids1.map((k) => k.manifest.digest)]) {
      expect(await imageExists(k)).toBe(true)
    }
    for (const k of kids1) for (const b of blobsOf(k)) expect(await stored(b)).toBe(true)
    expect(await stored(list1.index.digest)).toBe(true)
    await pull(`team/multi@${child}`)
  })

  it('once the workload is gone, they are pruned; the new list stays', async () => {
    const report = await prune({ confirm: true })
    expect(report.images).toEqual(
      [list1.index.digest, ...kids1.map((k) => k.manifest.digest)].sort()
    )
    expect(await history('multi', 'all')).toEqual([list3.index.digest, list2.index.digest])
    for (const k of kids1) for (const b of blobsOf(k)) expect(await stored(b)).toBe(false)
    expect(await stored(list1.index.digest)).toBe(false)
    for (const k of [...kids2, ...kids3])
      for (const b of blobsOf(k)) expect(await stored(b)).toBe(true)
    expect(await pullFails(`team/multi@${list1.index.digest}`)).toMatch(/manifest unknown/i)
    expect(await pullFails(`team/multi@${child}`)).toMatch(/manifest unknown/i)
    await pull(`team/multi@${list2.index.digest}`, true)
    await pull('team/multi:all', true)
  })
})

describe('an import racing a prune', () => {
  const revisions = [0, 1, 2, 3, 4, 5].map((i) => image(`race-${i}`))
  const digests = revisions.map((r) => r.manifest.digest as string)

  beforeAll(async () => {
    for (const r of revisions) {
      await pushBuilt(pusher, 'team/race', 'latest', r)
      await importTag('race', 'team/race', 'latest')
    }
  })

  it('loses nothing: every history item keeps its Image and pulls', async () => {
    // Prunes (keeping one revision) run while other streams import the old revisions by digest:
    // each such import reuses, or re-creates, an Image the prune is about to delete.
    const prunes = (async () => {
      const reports: PruneReport[] = []
      for (let i = 0; i < 3; i++) reports.push(await prune({ confirm: true, keepTagRevisions: 1 }))
      return reports
    })()
    const imports = (async () => {
      for (const [i, d] of digests.entries()) {
        await ours.importImages('team', `copy-${i}`, [
          { from: `${up.host}/team/race@${d}`, tag: 'pinned', insecure: true },
        ])
        await new Promise((r) => setTimeout(r, 150))
      }
    })()
    const [reports] = await Promise.all([prunes, imports])
    for (const r of reports) expect(r.errors).toEqual([])

    const streams = await ours.store.list<ImageStream & { metadata: { name: string } }>({
      resource: 'imagestreams',
      namespace: 'team',
    })
    for (const s of streams.items) {
      for (const t of s.status?.tags ?? []) {
        for (const item of t.items ?? []) {
          const img = await ours.store.get<Image & { metadata: { name: string } }>({
            resource: 'images',
            name: item.image,
          })
          expect(img, `${s.metadata.name}:${t.tag} → ${item.image}`).toBeDefined()
        }
      }
    }
    for (const [i, d] of digests.entries()) {
      expect(await history(`copy-${i}`, 'pinned')).toEqual([d])
      await pull(`team/copy-${i}:pinned`)
    }
  })
})
