import { describe, expect, it } from 'vitest'
import type { Image } from '../api/image/v1/types.js'
import type { Digest } from '../oci/digest.js'
import type { Clock } from '../shared/clock.js'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { LAST_PULLED_ANNOTATION, LastPullRecorder, lastPulledAt } from './last-pull.js'

const digest = `sha256:${'a'.repeat(64)}` as Digest

describe('LastPullRecorder', () => {
  it('writes the annotation at most once a minute per image', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const clock: Clock = { now: () => now, sleep: async () => undefined }
    const store = new MemoryStore()
    await store.create<Image & { metadata: { name: string } }>('images', {
      metadata: { name: digest },
    })
    const rec = new LastPullRecorder({ store, clock, logger: noopLogger })
    const read = async () =>
      (
        await store.get<Image & { metadata: { name: string } }>({
          resource: 'images',
          name: digest,
        })
      )?.metadata
    rec.record(digest)
    await rec.flush()
    const first = await read()
    expect(first?.annotations?.[LAST_PULLED_ANNOTATION]).toBe('2026-01-01T00:00:00Z')
    now += 30_000
    rec.record(digest)
    await rec.flush()
    expect((await read())?.resourceVersion).toBe(first?.resourceVersion)
    now += 31_000
    rec.record(digest)
    await rec.flush()
    expect((await read())?.annotations?.[LAST_PULLED_ANNOTATION]).toBe('2026-01-01T00:01:01Z')
    expect(lastPulledAt({ metadata: (await read()) ?? {} })).toBe(now)
  })

  it('ignores digests without an Image', async () => {
    const rec = new LastPullRecorder({
      store: new MemoryStore(),
      clock: { now: () => 0, sleep: async () => undefined },
      logger: noopLogger,
    })
    rec.record(digest)
    await expect(rec.flush()).resolves.toBeUndefined()
  })
})
