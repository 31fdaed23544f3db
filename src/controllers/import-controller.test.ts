import { afterEach, describe, expect, it } from 'vitest'
import { setGenerationsOnUpdate } from '../api/image/v1/generations.js'
import { ImageAnnotation } from '../api/image/v1/types.js'
import { AppError, Reason } from '../shared/errors.js'
import { MemoryStore } from '../store/memory-store.js'
import type { StoredImageStream } from './controller-deps.js'
import { FakeClock } from './runtime/fake-clock.js'
import {
  createStream,
  getStream,
  type Harness,
  history,
  NS,
  pushImage,
  startHarness,
  testImage,
} from './testing/controller-harness.js'
import { FakeRegistryClient, tooManyRequests } from './testing/fake-registry-client.js'

const A = 'reg-a.test:5000'
const B = 'reg-b.test:5000'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

describe('import controller', () => {
  it('imports a newly created stream, each tag with its own import policy', async () => {
    h = startHarness({ settings: { disableScheduledImport: true } })
    const v1 = testImage('v1')
    pushImage(h.client, A, 'team/app', 'v1', v1)
    pushImage(h.client, A, 'team/app', 'v2', testImage('v2'))
    await h.settle()
    await createStream(h.store, 'app', [
      { name: 'one', from: `${A}/team/app:v1` },
      { name: 'two', from: `${A}/team/app:v2`, importMode: 'PreserveOriginal' },
    ])
    await h.settle()
    expect(h.imports).toHaveLength(1)
    const images = h.imports[0]?.spec.images ?? []
    expect(images.map((i) => [i.to?.name, i.importPolicy?.importMode])).toEqual([
      ['one', 'Legacy'],
      ['two', 'PreserveOriginal'],
    ])
    expect((await history(h.store, 'app', 'one')).map((e) => e.image)).toEqual([v1.manifest.digest])
    expect(
      h.metrics.imports.get({ trigger: 'change', registry: A, result: 'success', reason: '' })
    ).toBe(2)
    // Level-driven: the import is recorded, so nothing is imported again.
    await h.clock.advance(600_000)
    expect(h.imports).toHaveLength(1)
  })

  it('after a restart imports exactly what is still pending', async () => {
    const clock = new FakeClock()
    const store = new MemoryStore({ clock })
    const client = new FakeRegistryClient()
    pushImage(client, A, 'team/app', 'v1', testImage('v1'))
    pushImage(client, A, 'team/app', 'v2', testImage('v2'))
    h = startHarness({ clock, store, client, settings: { disableScheduledImport: true } })
    await createStream(store, 'done', [{ name: 'v1', from: `${A}/team/app:v1` }])
    await createStream(store, 'moved', [{ name: 't', from: `${A}/team/app:v1` }])
    await h.settle()
    expect(h.imports).toHaveLength(2)
    await h.stop()
    // While the server is down: a new stream, and a tag of a second stream pointed elsewhere.
    await createStream(store, 'new', [{ name: 'v2', from: `${A}/team/app:v2` }])
    await store.guaranteedUpdate<StoredImageStream>(
      { resource: 'imagestreams', namespace: NS, name: 'moved' },
      (s) => {
        const old = structuredClone(s)
        const tag = s.spec.tags?.[0]
        if (tag?.from) tag.from.name = `${A}/team/app:v2`
        setGenerationsOnUpdate(s, old)
        return s
      }
    )
    h = startHarness({ clock, store, client, settings: { disableScheduledImport: true } })
    await h.settle()
    expect(h.imports.map((i) => i.metadata.name).sort()).toEqual(['moved', 'new'])
    expect((await history(store, 'new', 'v2')).length).toBe(1)
    expect((await history(store, 'moved', 't')).length).toBe(2)
    expect((await history(store, 'done', 'v1')).length).toBe(1)
    await h.clock.advance(60_000)
    expect(h.imports).toHaveLength(2)
  })

  it('imports a spec.dockerImageRepository stream without the check annotation as a whole', async () => {
    h = startHarness({ settings: { disableScheduledImport: true } })
    pushImage(h.client, A, 'team/app', 'a', testImage('a'))
    pushImage(h.client, A, 'team/app', 'b', testImage('b'))
    await h.settle()
    await h.store.create('imagestreams', {
      metadata: { name: 'repo', namespace: NS, generation: 1 },
      spec: { dockerImageRepository: `${A}/team/app` },
    })
    await h.settle()
    expect(h.imports[0]?.spec.repository?.from.name).toBe(`${A}/team/app`)
    const stream = await getStream(h.store, 'repo')
    expect(stream.metadata.annotations?.[ImageAnnotation.DockerRepositoryCheck]).toBeDefined()
    expect((stream.status?.tags ?? []).map((t) => t.tag).sort()).toEqual(['a', 'b'])
    await h.clock.advance(60_000)
    expect(h.imports).toHaveLength(1)
  })

  it('retries an import that failed as a request, with backoff', async () => {
    let conflicts = 1
    h = startHarness({
      settings: { disableScheduledImport: true },
      beforeImport: () => {
        if (conflicts-- > 0) throw new AppError(Reason.Conflict, 'the image stream was updated')
      },
    })
    pushImage(h.client, A, 'team/app', 'v1', testImage('v1'))
    await h.settle()
    await createStream(h.store, 'app', [{ name: 'v1', from: `${A}/team/app:v1` }])
    await h.settle()
    expect(h.imports).toHaveLength(1)
    await h.clock.advance(500)
    expect(h.imports).toHaveLength(2)
    expect((await history(h.store, 'app', 'v1')).length).toBe(1)
    expect(h.metrics.reconciles.get({ controller: 'imagestream-import', outcome: 'error' })).toBe(1)
  })

  it('leaves the tags of a registry that asked us to wait for later, and imports the others', async () => {
    h = startHarness({ settings: { disableScheduledImport: true } })
    pushImage(h.client, A, 'team/app', 'v1', testImage('a1'))
    pushImage(h.client, B, 'team/app', 'v1', testImage('b1'))
    await h.settle()
    h.controllers.budget.tooManyRequests(A, 30_000)
    await createStream(h.store, 'app', [
      { name: 'a', from: `${A}/team/app:v1` },
      { name: 'b', from: `${B}/team/app:v1` },
    ])
    await h.settle()
    expect(h.imports.map((i) => (i.spec.images ?? []).map((x) => x.to?.name))).toEqual([['b']])
    expect(h.client.count('GET', A)).toBe(0)
    await h.clock.advance(29_999)
    expect(h.imports).toHaveLength(1)
    await h.clock.advance(1)
    expect(h.imports.map((i) => (i.spec.images ?? []).map((x) => x.to?.name))).toEqual([
      ['b'],
      ['a'],
    ])
    expect((await history(h.store, 'app', 'a')).length).toBe(1)
  })

  it('records a 429 as a TooManyRequests condition and retries once the wait is over', async () => {
    h = startHarness({ settings: { disableScheduledImport: true } })
    pushImage(h.client, A, 'team/app', 'v1', testImage('v1'))
    let limited = true
    h.client.fail((req) =>
      limited && req.method === 'GET' ? tooManyRequests(req, 20_000) : undefined
    )
    await h.settle()
    await createStream(h.store, 'app', [{ name: 'v1', from: `${A}/team/app:v1` }])
    await h.settle()
    const failed = await getStream(h.store, 'app')
    const condition = failed.status?.tags?.[0]?.conditions?.[0]
    expect(condition).toMatchObject({
      type: 'ImportSuccess',
      status: 'False',
      reason: 'TooManyRequests',
    })
    expect(
      h.metrics.imports.get({
        trigger: 'change',
        registry: A,
        result: 'failure',
        reason: 'TooManyRequests',
      })
    ).toBe(1)
    limited = false
    await h.clock.advance(19_999)
    expect(h.imports).toHaveLength(1)
    await h.clock.advance(1)
    expect(h.imports).toHaveLength(2)
    const ok = await getStream(h.store, 'app')
    expect(ok.status?.tags?.[0]?.conditions ?? []).toEqual([])
    expect(ok.status?.tags?.[0]?.items).toHaveLength(1)
  })
})
