import { describe, expect, it } from 'vitest'
import { ageSince, agoSince, longHumanDuration, shortHumanDuration } from './human-duration.js'

const s = 1000
const m = 60 * s
const h = 60 * m
const d = 24 * h

describe('shortHumanDuration (kubectl AGE)', () => {
  it.each([
    [-5 * s, '<invalid>'],
    [-500, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [3 * m + 20 * s, '3m20s'],
    [5 * m, '5m'],
    [15 * m, '15m'],
    [5 * h + 10 * m, '5h10m'],
    [30 * h, '30h'],
    [3 * d + 4 * h, '3d4h'],
    [400 * d, '400d'],
    [3 * 365 * d + 20 * d, '3y20d'],
    [9 * 365 * d, '9y'],
  ])('%d ms is %s', (ms, want) => {
    expect(shortHumanDuration(ms)).toBe(want)
  })

  it('says <unknown> without a timestamp', () => {
    expect(ageSince(undefined, 0)).toBe('<unknown>')
    expect(ageSince('2026-08-22T10:00:00Z', Date.parse('2026-08-22T10:05:00Z'))).toBe('5m')
  })
})

describe('longHumanDuration (oc UPDATED)', () => {
  it.each([
    [500, 'Less than a second'],
    [1 * s, '1 second'],
    [30 * s, '30 seconds'],
    [61 * s, 'About a minute'],
    [10 * m, '10 minutes'],
    [50 * m, '50 minutes'],
    [65 * m, 'About an hour'],
    [5 * h, '5 hours'],
    [3 * d, '3 days'],
    [20 * d, '2 weeks'],
    [90 * d, '3 months'],
    [800 * d, '2 years'],
  ])('%d ms is %s', (ms, want) => {
    expect(longHumanDuration(ms)).toBe(want)
  })
})

describe('agoSince', () => {
  it('renders oc UPDATED cells and nothing for a missing or bad time', () => {
    const now = Date.parse('2026-11-27T12:00:00Z')
    expect(agoSince('2026-11-27T11:55:00Z', now)).toBe('5 minutes ago')
    expect(agoSince(undefined, now)).toBe('')
    expect(agoSince('not a time', now)).toBe('')
  })
})
