import { describe, expect, it } from 'vitest'
import { parseRateLimitValue, RateLimitTracker } from './rate-limit.js'

describe('parseRateLimitValue', () => {
  it.each([
    ['100;w=21600', 100],
    ['76;w=21600', 76],
    ['5', 5],
    [' 0 ; w=60', 0],
  ])('%s → %s', (v, n) => {
    expect(parseRateLimitValue(v)).toBe(n)
  })

  it.each([undefined, '', 'lots', '-1;w=5'])('ignores %s', (v) => {
    expect(parseRateLimitValue(v)).toBeUndefined()
  })
})

describe('RateLimitTracker', () => {
  it('keeps the latest values per registry', () => {
    const t = new RateLimitTracker()
    expect(t.get('r')).toBeUndefined()
    t.record('r', { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' })
    t.record('r', { 'ratelimit-remaining': '75;w=21600' })
    t.record('r', {}, 12345)
    expect(t.get('r')).toEqual({ limit: 100, remaining: 75, retryAfterUntil: 12345 })
  })
})
