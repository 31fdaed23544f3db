import { performance } from 'node:perf_hooks'
import type { Image, ImageStream } from '../src/api/image/v1/types.js'
import { NO_IN_USE_REFERENCES } from '../src/prune/in-use-references.js'
import { loadPruneState } from '../src/prune/list-all.js'
import { planImagePrune } from '../src/prune/plan.js'
import { fixtureImage, fixtureIndex, fixtureStream } from '../src/prune/prune-fixtures.js'
import { DEFAULT_PRUNE_OPTIONS } from '../src/prune/prune-options.js'
import { runImagePrune } from '../src/prune/run-image-prune.js'
import { systemClock } from '../src/shared/clock.js'
import { noopLogger } from '../src/shared/log.js'
import { MemoryStore } from '../src/store/memory-store.js'
import type { BenchRow } from './table.js'

const RUNS = 5
const NOTE =
  'no peer available: oc adm prune images needs an OpenShift cluster; median of 5 runs, no registry requests'

/**
 * Issue 7's benchmark: planning a prune of 10,000 Images and 2,000 streams held in a MemoryStore,
 * OpenShift's defaults (3 revisions, 60m; everything synthetic is old, so half the Images go):
 *  - 1,500 streams of single-platform images, 4 revisions each (6,000 Images);
 *  - 500 PreserveOriginal streams, 2 revisions each of a list with 3 children (4,000 Images), every
 *    child sharing a base layer (the children's blobs are counted through the lists).
 * Rows: the pure planning step on objects in memory, and a whole dry run (reading the store, then
 * planning), both as `isctl prune plan`.
 */
export async function benchPrune(): Promise<BenchRow[]> {
  const { streams, images } = syntheticCluster()
  // Stored a day ago: old enough for the default 60 minutes.
  const store = new MemoryStore({
    historyRetention: 100,
    clock: { now: () => Date.now() - 86_400_000, sleep: systemClock.sleep },
  })
  for (const i of images) await store.create('images', i as Image & { metadata: { name: string } })
  for (const s of streams) await store.create('imagestreams', s)
  const state = await loadPruneState(store, new AbortController().signal)
  const options = { ...DEFAULT_PRUNE_OPTIONS, keepTagRevisions: 1 }
  const benchmark = `prune planning, ${images.length.toLocaleString('en')} images / ${streams.length.toLocaleString('en')} streams`

  const pure = await median(async () => {
    const plan = planImagePrune({
      ...state,
      inUse: NO_IN_USE_REFERENCES,
      now: Date.now(),
      options,
    })
    if (plan.images.length === 0) throw new Error('bench: nothing planned')
  })
  const dryRun = await median(async () => {
    const report = await runImagePrune(
      { store, clock: systemClock, logger: noopLogger },
      options,
      new AbortController().signal
    )
    if (report.stats.deletedImages === 0) throw new Error('bench: nothing planned')
  })
  await store.close()
  return [
    {
      benchmark,
      subject: 'isctl prune plan',
      wallMs: pure,
      requests: 0,
      note: `plan only; ${NOTE}`,
    },
    {
      benchmark: `${benchmark}, dry run`,
      subject: 'isctl prune plan',
      wallMs: dryRun,
      requests: 0,
      note: `store reads + plan; ${NOTE}`,
    },
  ]
}

function syntheticCluster(): {
  streams: (ImageStream & { metadata: { name: string } })[]
  images: Image[]
} {
  const streams: (ImageStream & { metadata: { name: string } })[] = []
  const images: Image[] = []
  for (let s = 0; s < 1500; s++) {
    const revisions = [0, 1, 2, 3].map((r) => fixtureImage(`single-${s}-${r}`))
    images.push(...revisions)
    streams.push(
      fixtureStream(`ns-${s % 50}`, `app-${s}`, { latest: revisions.map((image) => ({ image })) })
    )
  }
  for (let s = 0; s < 500; s++) {
    const lists = [0, 1].map((r) => {
      const kids = ['amd64', 'arm64', 'ppc64le'].map((a) =>
        fixtureImage(`multi-${s}-${r}-${a}`, { layers: [`multi-${s}-${r}-${a}/layer`, 'base'] })
      )
      images.push(...kids)
      const list = fixtureIndex(`multi-${s}-${r}`, kids)
      images.push(list)
      return list
    })
    streams.push(
      fixtureStream(`ns-${s % 50}`, `multi-${s}`, { all: lists.map((image) => ({ image })) })
    )
  }
  return { streams, images }
}

async function median(fn: () => Promise<void>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] ?? 0
}
