import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import type { Store, StoredObject, WatchEvent } from './store.js'
import { isStoreExpiredError } from './store-errors.js'

/** Knobs the contract suite turns; an implementation maps them to its own configuration. */
export type StoreContractOptions = {
  /** Keep only about this many events of history (watch and continue expire beyond it). */
  readonly historyRetention?: number
  /** Per-watcher live buffer, where the implementation has one (small values test slow consumers). */
  readonly watchBufferSize?: number
}

/** A fresh, empty store and how to dispose of it (close it and remove its files). */
export type StoreFixture = {
  readonly store: Store
  cleanup(): Promise<void>
}

type Counter = {
  metadata: { name: string; namespace?: string; resourceVersion?: string }
  value: number
}

const IS = 'imagestreams'

/**
 * Registers the Store contract tests for one implementation: CRUD with Kubernetes errors,
 * optimistic concurrency, guaranteedUpdate under contention, paging with snapshot continue tokens,
 * namespaces, and watch replay, ordering and expiry. makeStore must return an empty store each call.
 */
export function describeStoreContract(
  name: string,
  makeStore: (o: StoreContractOptions) => Promise<StoreFixture>
): void {
  describe(`${name} (Store contract)`, () => {
    let fixtures: StoreFixture[] = []
    let store: Store
    let aborts: AbortController[] = []

    const open = async (o: StoreContractOptions = {}): Promise<Store> => {
      const f = await makeStore(o)
      fixtures.push(f)
      return f.store
    }
    const signal = (): AbortSignal => {
      const c = new AbortController()
      aborts.push(c)
      return c.signal
    }

    beforeEach(async () => {
      store = await open()
    })
    afterEach(async () => {
      for (const c of aborts) c.abort()
      for (const f of fixtures) await f.cleanup()
      fixtures = []
      aborts = []
    })

    describe('create and get', () => {
      it('sets uid, creationTimestamp and resourceVersion, and get returns the stored object', async () => {
        const created = await store.create(IS, stream('a', 'ns1', { spec: { tags: [] } }))
        expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
        expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
        expect(created.metadata.resourceVersion).toBe('1')
        expect(created).toMatchObject({ kind: 'ImageStream', spec: { tags: [] } })
        expect(await store.get({ resource: IS, namespace: 'ns1', name: 'a' })).toEqual(created)
      })

      it('returns undefined from get for a missing object', async () => {
        expect(await store.get({ resource: IS, namespace: 'ns1', name: 'nope' })).toBeUndefined()
      })

      it('rejects a duplicate name with AlreadyExists and writes nothing', async () => {
        await store.create(IS, stream('a'))
        const err = await store.create(IS, stream('a')).catch((e: unknown) => e)
        expect(isAppError(err, Reason.AlreadyExists)).toBe(true)
        expect((err as Error).message).toBe('imagestreams "a" already exists')
        expect(await store.currentResourceVersion()).toBe('1')
      })

      it('rejects an object that already has a resourceVersion', async () => {
        const o = stream('a')
        o.metadata.resourceVersion = '7'
        await expect(store.create(IS, o)).rejects.toSatisfy((e) => isAppError(e, Reason.BadRequest))
      })

      it('rejects an object without a name as Invalid', async () => {
        const o = { metadata: { name: '' } }
        await expect(store.create(IS, o)).rejects.toSatisfy((e) => isAppError(e, Reason.Invalid))
      })

      it('shares no objects with callers', async () => {
        const input = stream('a', 'ns1', { spec: { n: 1 } })
        const created = await store.create(IS, input)
        expect(input.metadata.uid).toBeUndefined()
        created.spec = { n: 2 }
        const got = await store.get({ resource: IS, namespace: 'ns1', name: 'a' })
        expect(got?.spec).toEqual({ n: 1 })
        if (got !== undefined) got.spec = { n: 3 }
        expect((await store.get({ resource: IS, namespace: 'ns1', name: 'a' }))?.spec).toEqual({
          n: 1,
        })
      })

      it('treats namespace "" and no namespace as the same cluster-scoped namespace', async () => {
        await store.create('images', {
          metadata: { name: 'sha256:abc' },
          dockerImageReference: 'x',
        })
        const got = await store.get({ resource: 'images', namespace: '', name: 'sha256:abc' })
        expect(got?.dockerImageReference).toBe('x')
        const dup = store.create('images', { metadata: { name: 'sha256:abc', namespace: '' } })
        await expect(dup).rejects.toSatisfy((e) => isAppError(e, Reason.AlreadyExists))
      })
    })

    describe('revisions', () => {
      it('start at "0" and advance by exactly one per write of any resource', async () => {
        expect(await store.currentResourceVersion()).toBe('0')
        const a = await store.create(IS, stream('a'))
        await store.create('secrets', { metadata: { name: 'a', namespace: 'ns1' }, data: {} })
        const a2 = await store.update(IS, { ...a, spec: { x: 1 } })
        expect(a2.metadata.resourceVersion).toBe('3')
        const gone = await store.delete({ resource: 'secrets', namespace: 'ns1', name: 'a' })
        expect(gone.metadata.resourceVersion).toBe('4')
        expect(await store.currentResourceVersion()).toBe('4')
      })
    })

    describe('update', () => {
      it('replaces the object, keeps uid and creationTimestamp, and advances resourceVersion', async () => {
        const a = await store.create(IS, stream('a', 'ns1', { spec: { n: 1 } }))
        const u = await store.update(IS, {
          ...a,
          metadata: { ...a.metadata, uid: 'forged', creationTimestamp: '1999-01-01T00:00:00Z' },
          spec: { n: 2 },
        })
        expect(u.metadata.uid).toBe(a.metadata.uid)
        expect(u.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp)
        expect(u.metadata.resourceVersion).toBe('2')
        expect(await store.get({ resource: IS, namespace: 'ns1', name: 'a' })).toEqual(u)
      })

      it('rejects a stale resourceVersion with the Kubernetes Conflict message', async () => {
        const a = await store.create(IS, stream('x'))
        await store.update(IS, { ...a, spec: { n: 1 } })
        const err = await store.update(IS, { ...a, spec: { n: 2 } }).catch((e: unknown) => e)
        expect(isAppError(err, Reason.Conflict)).toBe(true)
        expect((err as Error).message).toBe(
          'Operation cannot be fulfilled on imagestreams "x": the object has been modified; please apply your changes to the latest version and try again'
        )
        expect((await store.get({ resource: IS, namespace: 'ns1', name: 'x' }))?.spec).toEqual({
          n: 1,
        })
      })

      it('requires a resourceVersion unless ignoreResourceVersion is set', async () => {
        await store.create(IS, stream('a'))
        const noRv = stream('a', 'ns1', { spec: { n: 1 } })
        await expect(store.update(IS, noRv)).rejects.toSatisfy((e) => isAppError(e, Reason.Invalid))
        const u = await store.update(IS, noRv, { ignoreResourceVersion: true })
        expect(u.spec).toEqual({ n: 1 })
      })

      it('writes over a stale resourceVersion with ignoreResourceVersion', async () => {
        const a = await store.create(IS, stream('a'))
        await store.update(IS, { ...a, spec: { n: 1 } })
        const u = await store.update(IS, { ...a, spec: { n: 2 } }, { ignoreResourceVersion: true })
        expect(u).toMatchObject({ spec: { n: 2 }, metadata: { resourceVersion: '3' } })
      })

      it('rejects a malformed resourceVersion with BadRequest', async () => {
        const a = await store.create(IS, stream('a'))
        const bad = { ...a, metadata: { ...a.metadata, resourceVersion: 'abc' } }
        await expect(store.update(IS, bad)).rejects.toSatisfy((e) =>
          isAppError(e, Reason.BadRequest)
        )
      })

      it('reports NotFound for a missing object', async () => {
        const o = stream('a')
        o.metadata.resourceVersion = '1'
        const err = await store.update(IS, o).catch((e: unknown) => e)
        expect(isAppError(err, Reason.NotFound)).toBe(true)
        expect((err as Error).message).toBe('imagestreams "a" not found')
      })

      it('writes nothing when nothing changes', async () => {
        const a = await store.create(IS, stream('a', 'ns1', { spec: { n: 1 } }))
        const same = await store.update(IS, a)
        // NB: like etcd-backed Kubernetes, a no-op update keeps the old resourceVersion.
        expect(same).toEqual(a)
        expect(await store.currentResourceVersion()).toBe('1')
      })
    })

    describe('delete', () => {
      it('returns the last state with the deletion revision and removes the object', async () => {
        const a = await store.create(IS, stream('a', 'ns1', { spec: { n: 1 } }))
        const gone = await store.delete({ resource: IS, namespace: 'ns1', name: 'a' })
        expect(gone).toEqual({ ...a, metadata: { ...a.metadata, resourceVersion: '2' } })
        expect(await store.get({ resource: IS, namespace: 'ns1', name: 'a' })).toBeUndefined()
        await store.create(IS, stream('a'))
      })

      it('reports NotFound for a missing object', async () => {
        const err = await store
          .delete({ resource: IS, namespace: 'ns1', name: 'a' })
          .catch((e) => e)
        expect(isAppError(err, Reason.NotFound)).toBe(true)
      })

      it('checks resourceVersion and uid preconditions', async () => {
        const a = await store.create(IS, stream('a'))
        const key = { resource: IS, namespace: 'ns1', name: 'a' }
        const e1 = await store.delete(key, { resourceVersion: '9' }).catch((e: unknown) => e)
        expect(isAppError(e1, Reason.Conflict)).toBe(true)
        expect((e1 as Error).message).toBe(
          'Operation cannot be fulfilled on imagestreams "a": Precondition failed: ResourceVersion in precondition: 9, ResourceVersion in object meta: 1'
        )
        const e2 = await store.delete(key, { uid: 'other' }).catch((e: unknown) => e)
        expect(isAppError(e2, Reason.Conflict)).toBe(true)
        expect(await store.get(key)).toEqual(a)
        const uid = a.metadata.uid ?? ''
        await store.delete(key, { resourceVersion: '1', uid })
        expect(await store.get(key)).toBeUndefined()
      })
    })

    describe('guaranteedUpdate', () => {
      const key = { resource: 'counters', namespace: 'ns1', name: 'c' }

      it('loses no update under 50 concurrent writers', async () => {
        await store.create('counters', { metadata: { name: 'c', namespace: 'ns1' }, value: 0 })
        const before = Number(await store.currentResourceVersion())
        let calls = 0
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.guaranteedUpdate<Counter>(key, async (c) => {
              calls++
              // Yield so that the writers interleave between read and write and really conflict.
              await new Promise((resolve) => setTimeout(resolve, i % 3))
              c.value += 1
              return c
            })
          )
        )
        expect((await store.get<Counter>(key))?.value).toBe(50)
        // NB: more calls than writes proves the writers did conflict and retry.
        expect(calls).toBeGreaterThan(50)
        expect(Number(await store.currentResourceVersion())).toBe(before + 50)
        expect(results.map((r) => r.value).sort((x, y) => x - y)).toEqual(
          Array.from({ length: 50 }, (_, i) => i + 1)
        )
      })

      it('writes nothing when mutate returns undefined', async () => {
        const c = await store.create('counters', {
          metadata: { name: 'c', namespace: 'ns1' },
          value: 0,
        })
        const r = await store.guaranteedUpdate<Counter>(key, (cur) => {
          cur.value = 99
          return undefined
        })
        expect(r).toEqual(c)
        expect(await store.currentResourceVersion()).toBe('1')
      })

      it('passes mutate errors through and writes nothing', async () => {
        await store.create('counters', { metadata: { name: 'c', namespace: 'ns1' }, value: 0 })
        const boom = new Error('boom')
        await expect(
          store.guaranteedUpdate<Counter>(key, () => {
            throw boom
          })
        ).rejects.toBe(boom)
        expect(await store.currentResourceVersion()).toBe('1')
      })

      it('reports NotFound for a missing object', async () => {
        const p = store.guaranteedUpdate<Counter>(key, (c) => c)
        await expect(p).rejects.toSatisfy((e) => isAppError(e, Reason.NotFound))
      })

      it('rejects a mutate that renames the object', async () => {
        await store.create('counters', { metadata: { name: 'c', namespace: 'ns1' }, value: 0 })
        const p = store.guaranteedUpdate<Counter>(key, (c) => ({
          ...c,
          metadata: { name: 'd', namespace: 'ns1' },
        }))
        await expect(p).rejects.toSatisfy((e) => isAppError(e, Reason.BadRequest))
      })

      it('stops with the signal reason when aborted', async () => {
        await store.create('counters', { metadata: { name: 'c', namespace: 'ns1' }, value: 0 })
        const c = new AbortController()
        const reason = new Error('stop')
        const p = store.guaranteedUpdate<Counter>(
          key,
          (cur) => {
            c.abort(reason)
            return { ...cur, value: 1 }
          },
          { signal: c.signal }
        )
        await expect(p).rejects.toBe(reason)
        expect((await store.get<Counter>(key))?.value).toBe(0)
      })
    })

    describe('list', () => {
      it('orders by namespace, then name, and returns the store revision', async () => {
        for (const [ns, n] of [
          ['b', 'x'],
          ['a', 'z'],
          ['a', 'y'],
          ['c', 'a'],
        ] as const) {
          await store.create(IS, stream(n, ns))
        }
        const all = await store.list({ resource: IS })
        expect(all.items.map(nsName)).toEqual(['a/y', 'a/z', 'b/x', 'c/a'])
        expect(all.resourceVersion).toBe('4')
        expect(all.continue).toBeUndefined()
      })

      it('isolates namespaces and resources', async () => {
        await store.create(IS, stream('same', 'a', { spec: { ns: 'a' } }))
        await store.create(IS, stream('same', 'b', { spec: { ns: 'b' } }))
        await store.create('secrets', { metadata: { name: 'same', namespace: 'a' } })
        expect((await store.list({ resource: IS, namespace: 'a' })).items.map(nsName)).toEqual([
          'a/same',
        ])
        expect((await store.get({ resource: IS, namespace: 'b', name: 'same' }))?.spec).toEqual({
          ns: 'b',
        })
        expect(await store.get({ resource: IS, namespace: 'c', name: 'same' })).toBeUndefined()
        expect((await store.list({ resource: 'secrets' })).items.map(nsName)).toEqual(['a/same'])
        expect((await store.list({ resource: IS, namespace: 'c' })).items).toEqual([])
      })

      it('lists cluster-scoped objects with namespace "" or none', async () => {
        await store.create('images', { metadata: { name: 'i2' } })
        await store.create('images', { metadata: { name: 'i1', namespace: '' } })
        expect((await store.list({ resource: 'images' })).items.map(nsName)).toEqual(['/i1', '/i2'])
        expect((await store.list({ resource: 'images', namespace: '' })).items).toHaveLength(2)
      })

      it('applies filter before limit', async () => {
        for (let i = 0; i < 10; i++) {
          await store.create(
            IS,
            stream(`s${i}`, 'ns1', { metadata: { labels: { odd: String(i % 2 === 1) } } })
          )
        }
        const filter = (o: StoredObject): boolean => o.metadata.labels?.odd === 'true'
        const p1 = await store.list({ resource: IS, filter, limit: 3 })
        expect(p1.items.map((o) => o.metadata.name)).toEqual(['s1', 's3', 's5'])
        const p2 = await store.list({ resource: IS, filter, limit: 3, continue: p1.continue ?? '' })
        expect(p2.items.map((o) => o.metadata.name)).toEqual(['s7', 's9'])
        // NB: no continue on the last page although unfiltered objects remain after s9.
        expect(p2.continue).toBeUndefined()
      })

      it('pages through everything with limit and continue', async () => {
        for (let i = 0; i < 7; i++) await store.create(IS, stream(`s${i}`))
        const names = await listAll(store, { resource: IS, limit: 3 })
        expect(names.pages).toEqual([3, 3, 1])
        expect(names.names).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6'])
        expect(new Set(names.revisions)).toEqual(new Set(['7']))
      })

      it('continues the snapshot of the first page across interleaved writes', async () => {
        for (let i = 0; i < 9; i++)
          await store.create(IS, stream(`s${i}`, 'ns1', { spec: { v: 0 } }))
        const p1 = await store.list({ resource: IS, limit: 3 })
        expect(p1.resourceVersion).toBe('9')
        // Change objects of later pages and earlier ones, in every way.
        const s5 = await store.get({ resource: IS, namespace: 'ns1', name: 's5' })
        if (s5 === undefined) throw new Error('s5 missing')
        await store.update(IS, { ...s5, spec: { v: 1 } })
        await store.delete({ resource: IS, namespace: 'ns1', name: 's6' })
        await store.create(IS, stream('s45', 'ns1', { spec: { v: 1 } }))
        await store.create(IS, stream('s00', 'ns1', { spec: { v: 1 } }))
        await store.delete({ resource: IS, namespace: 'ns1', name: 's1' })
        await store.delete({ resource: IS, namespace: 'ns1', name: 's7' })
        await store.create(IS, stream('s7', 'ns1', { spec: { v: 2 } }))
        const p2 = await store.list({ resource: IS, limit: 3, continue: p1.continue ?? '' })
        await store.delete({ resource: IS, namespace: 'ns1', name: 's8' })
        const p3 = await store.list({ resource: IS, limit: 3, continue: p2.continue ?? '' })
        expect(p3.continue).toBeUndefined()
        const pages = [p1, p2, p3]
        expect(pages.map((p) => p.resourceVersion)).toEqual(['9', '9', '9'])
        const items = pages.flatMap((p) => p.items)
        expect(items.map((o) => o.metadata.name)).toEqual([
          's0',
          's1',
          's2',
          's3',
          's4',
          's5',
          's6',
          's7',
          's8',
        ])
        expect(items.every((o) => (o.spec as { v: number }).v === 0)).toBe(true)
        expect(items.map((o) => o.metadata.resourceVersion)).toEqual([
          '1',
          '2',
          '3',
          '4',
          '5',
          '6',
          '7',
          '8',
          '9',
        ])
        // A fresh list shows the present.
        const now = await store.list({ resource: IS })
        expect(now.items.map((o) => o.metadata.name)).toEqual([
          's0',
          's00',
          's2',
          's3',
          's4',
          's45',
          's5',
          's7',
        ])
      })

      it('rejects malformed or foreign continue tokens and bad limits with BadRequest', async () => {
        for (let i = 0; i < 3; i++) await store.create(IS, stream(`s${i}`))
        const bad = (p: Promise<unknown>): Promise<void> =>
          expect(p).rejects.toSatisfy((e) => isAppError(e, Reason.BadRequest))
        await bad(store.list({ resource: IS, continue: 'not a token!' }))
        await bad(
          store.list({ resource: IS, continue: Buffer.from('{"v":1}').toString('base64url') })
        )
        const p1 = await store.list({ resource: IS, limit: 1 })
        const token = p1.continue ?? ''
        expect(token).not.toBe('')
        await bad(store.list({ resource: 'secrets', continue: token }))
        await bad(store.list({ resource: IS, namespace: 'ns2', continue: token }))
        await bad(store.list({ resource: IS, limit: -1 }))
        await bad(store.list({ resource: IS, limit: 1.5 }))
      })

      it('expires a continue token whose revision left the history', async () => {
        const small = await open({ historyRetention: 3 })
        for (let i = 0; i < 4; i++) await small.create(IS, stream(`s${i}`))
        const p1 = await small.list({ resource: IS, limit: 2 })
        for (let i = 0; i < 4; i++) await small.create(IS, stream(`t${i}`))
        const err = await small
          .list({ resource: IS, limit: 2, continue: p1.continue ?? '' })
          .catch((e) => e)
        expect(isStoreExpiredError(err)).toBe(true)
        expect((err as { code: number }).code).toBe(410)
      })
    })

    describe('watch', () => {
      it('replays missed events in order, then delivers live ones', async () => {
        const a = await store.create(IS, stream('a'))
        const from = a.metadata.resourceVersion
        const a2 = await store.update(IS, { ...a, spec: { n: 1 } })
        await store.create(IS, stream('b', 'ns2'))
        await store.delete({ resource: IS, namespace: 'ns1', name: 'a' })
        const w = store.watch({ resource: IS, resourceVersion: from ?? '', signal: signal() })
        const it1 = w[Symbol.asyncIterator]()
        const replayed = [await next(it1), await next(it1), await next(it1)]
        expect(replayed.map(summary)).toEqual([
          'MODIFIED ns1/a 2',
          'ADDED ns2/b 3',
          'DELETED ns1/a 4',
        ])
        expect(replayed[0]?.object).toEqual(a2)
        await store.create(IS, stream('c'))
        expect(summary(await next(it1))).toBe('ADDED ns1/c 5')
      })

      it('starts at the current revision without a resourceVersion', async () => {
        await store.create(IS, stream('old'))
        for (const resourceVersion of [undefined, '']) {
          const it1 = store
            .watch({
              resource: IS,
              ...(resourceVersion === undefined ? {} : { resourceVersion }),
              signal: signal(),
            })
            [Symbol.asyncIterator]()
          const n = await store.create(IS, stream(`new${resourceVersion ?? 'u'}`))
          expect((await next(it1)).object).toEqual(n)
        }
      })

      it('delivers only the watched resource and namespace', async () => {
        const it1 = store
          .watch({ resource: IS, namespace: 'ns1', signal: signal() })
          [Symbol.asyncIterator]()
        await store.create(IS, stream('x', 'ns2'))
        await store.create('secrets', { metadata: { name: 'x', namespace: 'ns1' } })
        await store.create(IS, stream('x', 'ns1'))
        expect(summary(await next(it1))).toBe('ADDED ns1/x 3')
      })

      it('carries the last state in DELETED events', async () => {
        const a = await store.create(
          IS,
          stream('a', 'ns1', { metadata: { labels: { app: 'web' } }, spec: { n: 5 } })
        )
        const it1 = store.watch({ resource: IS, signal: signal() })[Symbol.asyncIterator]()
        await store.delete({ resource: IS, namespace: 'ns1', name: 'a' })
        const ev = await next(it1)
        expect(ev.type).toBe('DELETED')
        expect(ev.object).toEqual({ ...a, metadata: { ...a.metadata, resourceVersion: '2' } })
      })

      it('ends when the signal aborts', async () => {
        const c = new AbortController()
        const it1 = store.watch({ resource: IS, signal: c.signal })[Symbol.asyncIterator]()
        const pending = it1.next()
        c.abort()
        expect(await pending).toEqual({ done: true, value: undefined })
        const it2 = store.watch({ resource: IS, signal: c.signal })[Symbol.asyncIterator]()
        expect((await it2.next()).done).toBe(true)
      })

      it('ends when the store closes', async () => {
        const it1 = store.watch({ resource: IS, signal: signal() })[Symbol.asyncIterator]()
        const pending = it1.next()
        await store.close()
        expect((await pending).done).toBe(true)
        await expect(store.get({ resource: IS, name: 'a' })).rejects.toSatisfy((e) =>
          isAppError(e, Reason.ServiceUnavailable)
        )
      })

      it('fails with an Expired error for a revision older than the history', async () => {
        const small = await open({ historyRetention: 3 })
        for (let i = 0; i < 6; i++) await small.create(IS, stream(`s${i}`))
        const it1 = small
          .watch({ resource: IS, resourceVersion: '1', signal: signal() })
          [Symbol.asyncIterator]()
        const err = await it1.next().catch((e: unknown) => e)
        expect(isStoreExpiredError(err)).toBe(true)
        expect((err as Error).message).toBe('too old resource version: 1 (3)')
        // The oldest revision still retained works.
        const it2 = small
          .watch({ resource: IS, resourceVersion: '3', signal: signal() })
          [Symbol.asyncIterator]()
        expect(summary(await next(it2))).toBe('ADDED ns1/s3 4')
      })

      it('rejects a malformed resourceVersion with BadRequest', async () => {
        const it1 = store
          .watch({ resource: IS, resourceVersion: 'x1', signal: signal() })
          [Symbol.asyncIterator]()
        await expect(it1.next()).rejects.toSatisfy((e) => isAppError(e, Reason.BadRequest))
      })

      it('delivers every event in order to a slow consumer', async () => {
        const slow = await open({ watchBufferSize: 4 })
        const it1 = slow.watch({ resource: IS, signal: signal() })[Symbol.asyncIterator]()
        const c = await slow.create('counters', {
          metadata: { name: 'c', namespace: 'ns1' },
          value: 0,
        })
        for (let i = 0; i < 40; i++) await slow.create(IS, stream(`s${i}`))
        await slow.update('counters', { ...c, value: 1 })
        await slow.create(IS, stream('last'))
        const seen: string[] = []
        for (let i = 0; i < 41; i++) seen.push((await next(it1)).object.metadata.name)
        expect(seen).toEqual([...Array.from({ length: 40 }, (_, i) => `s${i}`), 'last'])
      })

      it('gives every watcher every event', async () => {
        const its = [0, 1, 2].map(() =>
          store.watch({ resource: IS, signal: signal() })[Symbol.asyncIterator]()
        )
        for (let i = 0; i < 5; i++) await store.create(IS, stream(`s${i}`))
        for (const it1 of its) {
          const got: string[] = []
          for (let i = 0; i < 5; i++) got.push(summary(await next(it1)))
          expect(got).toEqual([0, 1, 2, 3, 4].map((i) => `ADDED ns1/s${i} ${i + 1}`))
        }
      })

      it('waits for a revision beyond the current one', async () => {
        const it1 = store
          .watch({ resource: IS, resourceVersion: '2', signal: signal() })
          [Symbol.asyncIterator]()
        for (let i = 0; i < 3; i++) await store.create(IS, stream(`s${i}`))
        expect(summary(await next(it1))).toBe('ADDED ns1/s2 3')
      })

      it('lets a list and a watch from its revision see every change exactly once', async () => {
        for (let i = 0; i < 3; i++) await store.create(IS, stream(`s${i}`))
        const l = await store.list({ resource: IS })
        await store.create(IS, stream('s3'))
        const it1 = store
          .watch({ resource: IS, resourceVersion: l.resourceVersion, signal: signal() })
          [Symbol.asyncIterator]()
        await store.delete({ resource: IS, namespace: 'ns1', name: 's0' })
        expect([summary(await next(it1)), summary(await next(it1))]).toEqual([
          'ADDED ns1/s3 4',
          'DELETED ns1/s0 5',
        ])
      })
    })
  })
}

function stream(
  name: string,
  namespace = 'ns1',
  extra: Record<string, unknown> = {}
): StoredObject {
  const { metadata, ...rest } = extra as { metadata?: Record<string, unknown> }
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { ...metadata, name, namespace },
    ...rest,
  }
}

function nsName(o: StoredObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`
}

function summary(e: WatchEvent): string {
  return `${e.type} ${nsName(e.object)} ${e.object.metadata.resourceVersion ?? ''}`
}

async function next(it: AsyncIterator<WatchEvent>): Promise<WatchEvent> {
  const r = await it.next()
  if (r.done === true) throw new Error('watch ended unexpectedly')
  return r.value
}

async function listAll(
  store: Store,
  o: { resource: string; limit: number }
): Promise<{ names: string[]; pages: number[]; revisions: string[] }> {
  const out = { names: [] as string[], pages: [] as number[], revisions: [] as string[] }
  let token: string | undefined
  do {
    const page = await store.list({ ...o, ...(token === undefined ? {} : { continue: token }) })
    out.names.push(...page.items.map((i) => i.metadata.name))
    out.pages.push(page.items.length)
    out.revisions.push(page.resourceVersion)
    token = page.continue
  } while (token !== undefined)
  return out
}
