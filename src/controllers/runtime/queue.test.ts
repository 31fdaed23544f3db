import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.js'
import { FakeClock } from './fake-clock.js'
import { WorkQueue } from './queue.js'

function setup(backoff = { baseMs: 100, maxMs: 1000 }) {
  const clock = new FakeClock()
  const depths: number[] = []
  const queue = new WorkQueue({ clock, backoff, onDepth: (d) => depths.push(d) })
  return { clock, queue, depths }
}

describe('WorkQueue', () => {
  it('hands out keys in FIFO order and dedups keys that wait', async () => {
    const { queue } = setup()
    queue.add('a')
    queue.add('b')
    queue.add('a')
    expect(queue.length).toBe(2)
    expect(await queue.get()).toBe('a')
    expect(await queue.get()).toBe('b')
    expect(queue.length).toBe(0)
  })

  it('re-queues a key added while held only when the worker is done with it', async () => {
    const { queue } = setup()
    queue.add('a')
    const key = await queue.get()
    queue.add('a')
    queue.add('a')
    // NB: never two workers on one key: it is not ready while held.
    expect(queue.length).toBe(0)
    queue.done(key ?? '')
    expect(queue.length).toBe(1)
    expect(await queue.get()).toBe('a')
  })

  it('wakes a waiting get when a key arrives', async () => {
    const { queue } = setup()
    const got = queue.get()
    queue.add('x')
    expect(await got).toBe('x')
  })

  it('delays addAfter by the clock and keeps the earliest of several times', async () => {
    const { queue, clock } = setup()
    queue.addAfter('a', 1000)
    queue.addAfter('a', 300)
    queue.addAfter('a', 2000)
    queue.addAfter('b', 500)
    expect(queue.delayedCount).toBe(2)
    await clock.advance(299)
    expect(queue.length).toBe(0)
    await clock.advance(1)
    expect(queue.length).toBe(1)
    expect(await queue.get()).toBe('a')
    await clock.advance(200)
    expect(await queue.get()).toBe('b')
    await clock.advance(5000)
    // The later times of 'a' were superseded by the earliest one.
    expect(queue.length).toBe(0)
    expect(queue.delayedCount).toBe(0)
  })

  it('re-arms its timer when an earlier delayed key comes', async () => {
    const { queue, clock } = setup()
    queue.addAfter('late', 10_000)
    await clock.advance(10)
    queue.addAfter('early', 100)
    await clock.advance(100)
    expect(await queue.get()).toBe('early')
    await clock.advance(9_890)
    expect(await queue.get()).toBe('late')
  })

  it('backs off per key exponentially up to the cap and forgets on success', async () => {
    const { queue, clock } = setup({ baseMs: 100, maxMs: 350 })
    const readyAfter = async (): Promise<number> => {
      const start = clock.now()
      queue.addRateLimited('k')
      while (queue.length === 0) await clock.advance(10)
      await queue.get()
      queue.done('k')
      return clock.now() - start
    }
    expect(await readyAfter()).toBe(100)
    expect(await readyAfter()).toBe(200)
    expect(await readyAfter()).toBe(350)
    expect(await readyAfter()).toBe(350)
    expect(queue.numRequeues('k')).toBe(4)
    queue.forget('k')
    expect(queue.numRequeues('k')).toBe(0)
    expect(await readyAfter()).toBe(100)
  })

  it('an immediate add supersedes a pending delayed add', async () => {
    const { queue, clock } = setup()
    queue.addAfter('a', 1000)
    queue.add('a')
    expect(await queue.get()).toBe('a')
    queue.done('a')
    await clock.advance(1000)
    expect(queue.length).toBe(0)
  })

  it('shutDown wakes waiters with undefined and drops queued and delayed keys', async () => {
    const { queue, clock } = setup()
    const waiting = queue.get()
    const other = new WorkQueue({ clock })
    other.add('x')
    other.addAfter('y', 100)
    other.shutDown()
    queue.shutDown()
    expect(await waiting).toBeUndefined()
    expect(await other.get()).toBeUndefined()
    other.add('z')
    await clock.advance(200)
    expect(other.length).toBe(0)
    expect(clock.pendingSleeps).toBe(0)
  })

  it('get resolves undefined when its signal aborts', async () => {
    const { queue } = setup()
    const ac = new AbortController()
    const got = queue.get(ac.signal)
    ac.abort()
    expect(await got).toBeUndefined()
    queue.add('a')
    expect(queue.length).toBe(1)
  })

  it('reports its depth', async () => {
    const { queue, depths } = setup()
    queue.add('a')
    queue.add('b')
    await queue.get()
    expect(depths).toEqual([1, 2, 1])
  })
})

describe('backoffDelay', () => {
  it.each([
    [0, 5],
    [1, 10],
    [3, 40],
    [10, 1000],
    [5000, 1000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(backoffDelay({ baseMs: 5, maxMs: 1000 }, failures)).toBe(ms)
  })
})
