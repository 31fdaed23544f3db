import { describe, expect, it } from 'vitest'
import { noopLogger } from '../../shared/log.js'
import { MemoryStore } from '../../store/memory-store.js'
import type { StoredObject, WatchEvent } from '../../store/store.js'
import { FakeClock } from './fake-clock.js'
import { listAndWatch } from './list-watch.js'

const obj = (name: string, v = 0): StoredObject => ({ metadata: { name, namespace: 'ns' }, v })

describe('listAndWatch', () => {
  it('lists, then delivers every later change in order', async () => {
    const store = new MemoryStore()
    await store.create('things', obj('a'))
    const lists: string[][] = []
    const events: string[] = []
    const ac = new AbortController()
    const done = listAndWatch<StoredObject>({
      store,
      resource: 'things',
      clock: new FakeClock(),
      logger: noopLogger,
      signal: ac.signal,
      pageSize: 1,
      onList: (items) => {
        lists.push(items.map((i) => i.metadata.name))
      },
      onEvent: (e) => {
        events.push(`${e.type} ${e.object.metadata.name}`)
      },
    })
    await new Promise((r) => setImmediate(r))
    await store.create('things', obj('b'))
    await store.delete({ resource: 'things', namespace: 'ns', name: 'a' })
    await new Promise((r) => setImmediate(r))
    ac.abort()
    await done
    expect(lists).toEqual([['a']])
    expect(events).toEqual(['ADDED b', 'DELETED a'])
  })

  it('lists again when its watch falls out of the store history (410 Expired)', async () => {
    const store = new MemoryStore({ historyRetention: 3, watchBufferSize: 1 })
    await store.create('things', obj('a'))
    const lists: string[][] = []
    const seen: WatchEvent<StoredObject>[] = []
    let release: (() => void) | undefined
    const ac = new AbortController()
    const done = listAndWatch<StoredObject>({
      store,
      resource: 'things',
      clock: new FakeClock(),
      logger: noopLogger,
      signal: ac.signal,
      onList: (items) => {
        lists.push(items.map((i) => i.metadata.name))
      },
      onEvent: async (e) => {
        seen.push(e)
        // A slow consumer: the first event holds the watch while many writes happen.
        if (seen.length === 1) await new Promise<void>((r) => (release = r))
      },
    })
    await new Promise((r) => setImmediate(r))
    await store.create('things', obj('b'))
    await new Promise((r) => setImmediate(r))
    for (let i = 0; i < 10; i++) await store.create('things', obj(`c${i}`))
    release?.()
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    ac.abort()
    await done
    expect(lists).toHaveLength(2)
    expect(lists[1]).toHaveLength(12)
  })
})
