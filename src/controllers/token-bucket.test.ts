import { describe, expect, it } from 'vitest'
import { FakeClock } from './runtime/fake-clock.js'
import { TokenBucket } from './token-bucket.js'

describe('TokenBucket', () => {
  it('starts with a burst of twice the rate, then refills at perMinute/60 per second', async () => {
    const clock = new FakeClock()
    const b = new TokenBucket({ clock, perMinute: 60 })
    for (let i = 0; i < 120; i++) expect(b.tryTake()).toBe(0)
    expect(b.tryTake()).toBe(1000)
    await clock.advance(999)
    expect(b.tryTake()).toBe(1)
    await clock.advance(1)
    expect(b.tryTake()).toBe(0)
    await clock.advance(3_600_000)
    expect(b.available()).toBe(120)
  })

  it('is unlimited for zero or less', () => {
    const b = new TokenBucket({ clock: new FakeClock(), perMinute: 0 })
    for (let i = 0; i < 10_000; i++) expect(b.tryTake()).toBe(0)
    expect(b.unlimited).toBe(true)
  })
})
