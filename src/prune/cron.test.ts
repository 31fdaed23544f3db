import { describe, expect, it } from 'vitest'
import { parseCronSchedule, parseGoDuration } from './cron.js'
import { parsePruneSchedule } from './schedule.js'

const at = (s: string): number => Date.parse(s)
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')

describe('parseCronSchedule', () => {
  it.each([
    ['0 0 * * *', '2026-03-01T12:34:56Z', '2026-03-02T00:00:00Z'],
    ['@daily', '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'],
    ['@hourly', '2026-03-01T12:34:56Z', '2026-03-01T13:00:00Z'],
    ['*/15 * * * *', '2026-03-01T12:34:56Z', '2026-03-01T12:45:00Z'],
    ['30 2 * * MON-FRI', '2026-02-28T12:00:00Z', '2026-03-02T02:30:00Z'],
    ['0 0 * * 7', '2026-03-02T00:00:00Z', '2026-03-08T00:00:00Z'],
    ['0 0 29 2 *', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00Z'],
    ['0 0 1 * 1', '2026-03-01T12:00:00Z', '2026-03-02T00:00:00Z'],
    ['0 12 * JAN,jul *', '2026-03-01T00:00:00Z', '2026-07-01T12:00:00Z'],
    ['@every 6h', '2026-03-01T00:00:30Z', '2026-03-01T06:00:30Z'],
  ])('%s after %s runs at %s', (spec, after, next) => {
    expect(iso(parseCronSchedule(spec).next(at(after)))).toBe(next)
  })

  it.each([
    '',
    '* * * *',
    '60 * * * *',
    '* * * * 8',
    '5-1 * * * *',
    '*/0 * * * *',
    '@every 10s',
    '0 0 31 2 *',
  ])('rejects %j', (spec) => {
    expect(() => parseCronSchedule(spec).next(at('2026-03-01T00:00:00Z'))).toThrow(
      /invalid prune schedule/
    )
  })
})

describe('parsePruneSchedule', () => {
  it('is off by default', () => {
    expect(parsePruneSchedule(undefined)).toBeUndefined()
    expect(parsePruneSchedule('')).toBeUndefined()
    expect(parsePruneSchedule('off')).toBeUndefined()
    expect(parsePruneSchedule('0 0 * * *')).toBeDefined()
  })
})

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['10', undefined],
    ['5d', undefined],
    ['', undefined],
  ])('%j is %j ms', (s, ms) => {
    expect(parseGoDuration(s)).toBe(ms)
  })
})
