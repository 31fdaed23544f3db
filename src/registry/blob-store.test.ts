import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { computeDigest, type Digest } from '../oci/digest.js'
import type { Clock } from '../shared/clock.js'
import { DiskBlobStore, isBlobIntegrityError } from './blob-store.js'

let dir: string
let now = 1_000_000
const clock: Clock = { now: () => now, sleep: async () => undefined }

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blob-store-'))
  now = 1_000_000
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n))

async function readAll(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const c of s) chunks.push(c)
  return Buffer.concat(chunks)
}

describe('DiskBlobStore', () => {
  it('commits a verified blob and reads it back, whole and by range', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const data = bytes(600 * 1024)
    const digest = computeDigest(data)
    const w = await store.createWriter()
    await w.write(data.subarray(0, 1000))
    await w.write(data.subarray(1000))
    expect(await store.stat(digest)).toBeUndefined()
    expect(await w.commit(digest, { expectedSize: data.byteLength })).toEqual({
      digest,
      size: data.byteLength,
    })
    const whole = await store.open(digest)
    expect(whole?.size).toBe(data.byteLength)
    expect((await readAll(whole?.stream as ReadableStream<Uint8Array>)).equals(data)).toBe(true)
    const part = await store.open(digest, { start: 10, end: 19 })
    expect(
      (await readAll(part?.stream as ReadableStream<Uint8Array>)).equals(data.subarray(10, 20))
    ).toBe(true)
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
  })

  it('refuses content that does not match the digest and leaves nothing behind', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const w = await store.createWriter()
    await w.write(bytes(100))
    const wrong = computeDigest(bytes(100))
    const err = await w.commit(wrong).catch((e: unknown) => e)
    expect(isBlobIntegrityError(err)).toBe(true)
    expect(await store.stat(wrong)).toBeUndefined()
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
    expect(store.usage()).toEqual({ bytes: 0, blobs: 0 })
  })

  it('refuses a size mismatch', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const data = bytes(10)
    const w = await store.createWriter()
    await w.write(data)
    const err = (await w
      .commit(computeDigest(data), { expectedSize: 11 })
      .catch((e: unknown) => e)) as {
      code?: string
    }
    expect(err.code).toBe('SIZE_MISMATCH')
  })

  it('rolls a writer back to a mark, hash included', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const data = bytes(64)
    const w = await store.createWriter()
    await w.write(data.subarray(0, 32))
    const mark = w.mark()
    await w.write(bytes(50))
    await w.rollback(mark)
    expect(w.size).toBe(32)
    await w.write(data.subarray(32))
    expect((await w.commit(computeDigest(data))).size).toBe(64)
  })

  it('verifies a digest of another algorithm than the one hashed while writing', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const data = bytes(1000)
    const { createHash } = await import('node:crypto')
    const sha512 = `sha512:${createHash('sha512').update(data).digest('hex')}` as Digest
    const w = await store.createWriter()
    await w.write(data)
    expect((await w.commit(sha512)).digest).toBe(sha512)
    expect((await store.readBytes(sha512, 2000))?.byteLength).toBe(1000)
  })

  it('indexes existing blobs when opened again and removes interrupted writes', async () => {
    const first = await DiskBlobStore.open({ dir, clock })
    const data = bytes(10)
    await first.putBytes(computeDigest(data), data)
    const dangling = await first.createWriter()
    await dangling.write(bytes(5))
    const again = await DiskBlobStore.open({ dir, clock })
    expect(await again.stat(computeDigest(data))).toEqual({ digest: computeDigest(data), size: 10 })
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
  })

  it('evicts least recently used unpinned blobs down to the bound', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const blobs: Digest[] = []
    for (let i = 0; i < 4; i++) {
      now += 1000
      const data = bytes(100)
      blobs.push((await store.putBytes(computeDigest(data), data)).digest)
    }
    const [a, b, c, d] = blobs as [Digest, Digest, Digest, Digest]
    now += 1000
    await store.open(a).then((r) => r?.stream.cancel())
    const removed = await store.evict({ maxBytes: 200, isPinned: (x) => x === b })
    // b is pinned and a was used last: the oldest unpinned ones go, c then d.
    expect(removed.removed).toEqual([c, d])
    expect(removed.freedBytes).toBe(200)
    expect(store.usage()).toEqual({ bytes: 200, blobs: 2 })
    expect(await store.stat(a)).toBeDefined()
    expect(await store.stat(b)).toBeDefined()
  })

  it('collects garbage: unneeded blobs older than the grace period', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const old = bytes(10)
    const needed = bytes(10)
    await store.putBytes(computeDigest(old), old)
    await store.putBytes(computeDigest(needed), needed)
    now += 2 * 60 * 60_000
    const young = bytes(10)
    await store.putBytes(computeDigest(young), young)
    const r = await store.gc({ isNeeded: (x) => x === computeDigest(needed) })
    expect(r.removed).toEqual([computeDigest(old)])
    expect(await store.stat(computeDigest(young))).toBeDefined()
    expect(await store.open(computeDigest(old))).toBeUndefined()
  })

  it('lists every blob with its age by the store clock, deleting nothing', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    const older = bytes(10)
    await store.putBytes(computeDigest(older), older)
    now += 5000
    const newer = bytes(20)
    await store.putBytes(computeDigest(newer), newer)
    now += 1000
    const listed = [...(await store.list())].sort((a, b) => b.ageMs - a.ageMs)
    expect(listed).toEqual([
      { digest: computeDigest(older), size: 10, ageMs: 6000 },
      { digest: computeDigest(newer), size: 20, ageMs: 1000 },
    ])
    expect(store.usage()).toEqual({ bytes: 30, blobs: 2 })
  })

  it('never builds a path from an invalid digest', async () => {
    const store = await DiskBlobStore.open({ dir, clock })
    await expect(store.open('sha256:../../etc/passwd' as Digest)).rejects.toThrow(/invalid digest/)
  })
})
