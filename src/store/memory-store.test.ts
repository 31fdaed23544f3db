import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import { MemoryStore } from './memory-store.js'
import { describeStoreContract } from './store.contract.js'
import type { StoredObject } from './store.js'

describeStoreContract('MemoryStore', async (o) => {
  const store = new MemoryStore(o)
  return { store, cleanup: () => store.close() }
})

describe('MemoryStore', () => {
  it('rejects a historyRetention below one', () => {
    for (const historyRetention of [0, 1.5, -3]) {
      expect(() => new MemoryStore({ historyRetention })).toThrow(
        expect.toSatisfy((e) => isAppError(e, Reason.Invalid))
      )
    }
  })

  it('stamps creationTimestamp from the injected clock, in seconds', async () => {
    const store = new MemoryStore({
      clock: { now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678), sleep: async () => {} },
    })
    const o = await store.create<StoredObject>('imagestreams', {
      metadata: { name: 'a', namespace: 'n' },
    })
    expect(o.metadata.creationTimestamp).toBe('2024-01-02T03:04:05Z')
    await store.close()
  })
})
