import { describe, expect, it } from 'vitest'
import { AppError, Reason, TerminalError } from '../../shared/errors.js'
import { noopLogger } from '../../shared/log.js'
import { Controller, type ReconcileEvent, type ReconcileResult } from './controller.js'
import { FakeClock } from './fake-clock.js'
import { Manager } from './manager.js'
import type { Runnable } from './runnable.js'

type Step = (key: string, signal: AbortSignal) => Promise<ReconcileResult | undefined>

function harness(step: Step, workers = 1) {
  const clock = new FakeClock()
  const calls: { key: string; at: number }[] = []
  const events: ReconcileEvent[] = []
  const controller = new Controller({
    name: 'test',
    clock,
    logger: noopLogger,
    workers,
    backoff: { baseMs: 100, maxMs: 400 },
    reconciler: {
      reconcile: async (key, signal) => {
        calls.push({ key, at: clock.now() })
        return step(key, signal)
      },
    },
    observer: { reconciled: (e) => events.push(e) },
  })
  const stop = new AbortController()
  const running = controller.start(stop.signal)
  return { clock, calls, events, controller, stop, running }
}

describe('Controller', () => {
  it('reconciles each queued key once and forgets it on success', async () => {
    let release: (() => void) | undefined
    const h = harness(async (key) => {
      if (key === 'busy') await new Promise<void>((resolve) => (release = resolve))
      return undefined
    })
    h.controller.queue.add('busy')
    await h.clock.flush()
    h.controller.queue.add('a')
    h.controller.queue.add('b')
    h.controller.queue.add('a')
    release?.()
    await h.clock.flush()
    expect(h.calls.map((c) => c.key)).toEqual(['busy', 'a', 'b'])
    expect(h.events.map((e) => e.outcome)).toEqual(['success', 'success', 'success'])
    h.stop.abort()
    await h.running
  })

  it('requeues after requeueAfter', async () => {
    let n = 0
    const h = harness(async () => (n++ === 0 ? { requeueAfter: 1000 } : undefined))
    h.controller.queue.add('a')
    await h.clock.flush()
    await h.clock.advance(999)
    expect(h.calls).toHaveLength(1)
    await h.clock.advance(1)
    expect(h.calls.map((c) => c.at - (h.calls[0]?.at ?? 0))).toEqual([0, 1000])
    expect(h.events.map((e) => e.outcome)).toEqual(['requeue', 'success'])
    h.stop.abort()
    await h.running
  })

  it('retries a thrown error with per-key exponential backoff, then resets it on success', async () => {
    let n = 0
    const h = harness(async () => {
      n++
      if (n <= 4) throw new Error('boom')
      return undefined
    })
    h.controller.queue.add('a')
    await h.clock.advance(2000)
    const start = h.calls[0]?.at ?? 0
    expect(h.calls.map((c) => c.at - start)).toEqual([0, 100, 300, 700, 1100])
    expect(h.controller.queue.numRequeues('a')).toBe(0)
    expect(h.events.map((e) => e.outcome)).toEqual(['error', 'error', 'error', 'error', 'success'])
    h.stop.abort()
    await h.running
  })

  it('does not retry a TerminalError, and treats NotFound as done', async () => {
    const h = harness(async (key) => {
      if (key === 'terminal') throw new TerminalError('cannot ever work')
      throw new AppError(Reason.NotFound, 'gone')
    })
    h.controller.queue.add('terminal')
    h.controller.queue.add('gone')
    await h.clock.advance(10_000)
    expect(h.calls.map((c) => c.key)).toEqual(['terminal', 'gone'])
    expect(h.events.map((e) => e.outcome)).toEqual(['terminal', 'success'])
    h.stop.abort()
    await h.running
  })

  it('runs at most N reconciles at once and never one key twice at once', async () => {
    let inFlight = 0
    let peak = 0
    const releases: (() => void)[] = []
    const h = harness(async () => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise<void>((resolve) => releases.push(resolve))
      inFlight--
      return undefined
    }, 3)
    for (const k of ['a', 'b', 'c', 'd', 'e']) h.controller.queue.add(k)
    await h.clock.flush()
    expect(inFlight).toBe(3)
    // 'a' is held: adding it again must wait until its reconcile is done.
    h.controller.queue.add('a')
    while (releases.length > 0) {
      releases.shift()?.()
      await h.clock.flush()
    }
    expect(peak).toBe(3)
    expect(h.calls.map((c) => c.key)).toEqual(['a', 'b', 'c', 'd', 'e', 'a'])
    h.stop.abort()
    await h.running
  })

  it('start resolves only after in-flight reconciles have finished', async () => {
    let finished = false
    const h = harness(async (_key, signal) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
      await h.clock.flush()
      finished = true
      return undefined
    })
    h.controller.queue.add('a')
    await h.clock.flush()
    h.stop.abort()
    await h.running
    expect(finished).toBe(true)
    // An aborted reconcile is neither retried nor counted.
    expect(h.events).toEqual([])
  })

  it('runs its sources and stops when a source fails', async () => {
    const clock = new FakeClock()
    const controller = new Controller({
      name: 'src',
      clock,
      logger: noopLogger,
      reconciler: { reconcile: async () => undefined },
      sources: [
        async (queue) => {
          queue.add('from-source')
          throw new Error('watch broke')
        },
      ],
    })
    await expect(controller.start(new AbortController().signal)).rejects.toThrow('watch broke')
  })
})

describe('Manager', () => {
  function runnable(log: string[], name: string, fail?: Error): Runnable {
    return {
      start: async (signal) => {
        log.push(`start ${name}`)
        if (fail !== undefined) throw fail
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
        await new Promise<void>((resolve) => setImmediate(resolve))
        log.push(`stop ${name}`)
      },
    }
  }

  it('starts every runnable and resolves after all have stopped', async () => {
    const log: string[] = []
    const m = new Manager({ logger: noopLogger })
      .add('a', runnable(log, 'a'))
      .add('b', runnable(log, 'b'))
    const ac = new AbortController()
    const running = m.start(ac.signal)
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(log).toEqual(['start a', 'start b'])
    ac.abort()
    await running
    expect(log.slice(2).sort()).toEqual(['stop a', 'stop b'])
  })

  it('stops everything when one runnable fails and rejects with its error', async () => {
    const log: string[] = []
    const m = new Manager({ logger: noopLogger })
      .add('a', runnable(log, 'a'))
      .add('bad', runnable(log, 'bad', new Error('no good')))
    await expect(m.start(new AbortController().signal)).rejects.toThrow('no good')
    expect(log).toContain('stop a')
  })

  it('can be started only once', async () => {
    const m = new Manager({ logger: noopLogger })
    const ac = new AbortController()
    ac.abort()
    await m.start(ac.signal)
    await expect(m.start(ac.signal)).rejects.toThrow('already started')
  })
})
