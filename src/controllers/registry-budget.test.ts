import { describe, expect, it } from 'vitest'
import type { RateLimitState } from '../registry-client/rate-limit.js'
import { RegistryBudget, type RegistryWait } from './registry-budget.js'
import { FakeClock } from './runtime/fake-clock.js'

function setup(state: Map<string, RateLimitState> = new Map()) {
  const clock = new FakeClock()
  const waits: RegistryWait[] = []
  const budget = new RegistryBudget({
    clock,
    rateLimit: (r) => state.get(r),
    defaultWaitMs: 10_000,
    maxWaitMs: 100_000,
    onWait: (w) => waits.push(w),
  })
  return { clock, budget, waits, state }
}

describe('RegistryBudget', () => {
  it('blocks a registry for its Retry-After only', async () => {
    const { clock, budget, waits } = setup()
    const t0 = clock.now()
    expect(budget.tooManyRequests('a', 5_000)).toBe(t0 + 5_000)
    expect(budget.blockedUntil('a')).toBe(t0 + 5_000)
    expect(budget.blockedUntil('b')).toBeUndefined()
    await clock.advance(5_000)
    expect(budget.blockedUntil('a')).toBeUndefined()
    expect(waits).toEqual([{ registry: 'a', source: 'retry-after', waitMs: 5_000 }])
  })

  it('doubles its own wait for 429s without Retry-After, capped, until a success', () => {
    const { clock, budget } = setup()
    const t0 = clock.now()
    expect(budget.tooManyRequests('a')).toBe(t0 + 10_000)
    expect(budget.tooManyRequests('a')).toBe(t0 + 20_000)
    expect(budget.tooManyRequests('a')).toBe(t0 + 40_000)
    expect(budget.tooManyRequests('a')).toBe(t0 + 80_000)
    expect(budget.tooManyRequests('a')).toBe(t0 + 100_000)
    expect(budget.tooManyRequests('a', 10_000_000)).toBe(t0 + 100_000)
    budget.succeeded('a')
    expect(budget.tooManyRequests('b')).toBe(t0 + 10_000)
  })

  it("honours the client's Retry-After bookkeeping", () => {
    const { clock, budget, state } = setup()
    state.set('a', { retryAfterUntil: clock.now() + 3_000 })
    expect(budget.blockedUntil('a')).toBe(clock.now() + 3_000)
  })

  it('counts manifest GETs against RateLimit-Remaining until the registry reports again', () => {
    const { budget, state } = setup()
    expect(budget.manifestGetAllowance('hub')).toBe(Number.POSITIVE_INFINITY)
    state.set('hub', { remaining: 5, limit: 100 })
    expect(budget.manifestGetAllowance('hub')).toBe(5)
    budget.spend('hub', 3)
    expect(budget.manifestGetAllowance('hub')).toBe(2)
    // A fresh response (a new state object) replaces the local count.
    state.set('hub', { remaining: 4, limit: 100 })
    expect(budget.manifestGetAllowance('hub')).toBe(4)
  })
})

describe('RegistryBudget.observe', () => {
  it('reports a Retry-After the client waited out by itself once, and never one it already counted', () => {
    const { clock, budget, waits, state } = setup()
    state.set('a', { retryAfterUntil: clock.now() + 2_000 })
    budget.observe('a')
    budget.observe('a')
    expect(waits).toEqual([{ registry: 'a', source: 'retry-after', waitMs: 2_000 }])
    state.set('b', { retryAfterUntil: clock.now() + 4_000 })
    budget.tooManyRequests('b', 4_000)
    budget.observe('b')
    expect(waits.filter((w) => w.registry === 'b')).toHaveLength(1)
  })
})
