import { describe, expect, it } from 'vitest'
import {
  effectiveTagTimes,
  formatLastSeenDigests,
  formatScheduleRecord,
  materialKey,
  parseLastSeenDigests,
  parseScheduleRecord,
  scheduleRecordOf,
  type TagState,
  tagStateFromRecord,
} from './schedule-state.js'

const T = Date.parse('2026-07-01T10:00:00Z')
const I = 900_000

describe('schedule annotation', () => {
  const tags = new Map<string, TagState>([
    ['latest', { lastChecked: T, nextCheck: T + I, failures: 0, waiting: false, immutable: false }],
    [
      'broken',
      {
        lastChecked: T,
        nextCheck: T + 4 * I,
        failures: 2,
        reason: 'NotFound',
        waiting: false,
        immutable: false,
      },
    ],
    [
      'v1.2.3',
      {
        lastChecked: T - I,
        nextCheck: Number.POSITIVE_INFINITY,
        failures: 0,
        waiting: false,
        immutable: true,
      },
    ],
  ])

  it('round-trips through its JSON form, tags in name order', () => {
    const record = scheduleRecordOf(I, 225_000, tags)
    const text = formatScheduleRecord(record)
    expect(text).toBe(
      '{"intervalMs":900000,"offsetMs":225000,"tags":{' +
        '"broken":{"lastChecked":"2026-07-01T10:00:00.000Z","nextCheck":"2026-07-01T11:00:00.000Z","failures":2,"reason":"NotFound"},' +
        '"latest":{"lastChecked":"2026-07-01T10:00:00.000Z","nextCheck":"2026-07-01T10:15:00.000Z"},' +
        '"v1.2.3":{"lastChecked":"2026-07-01T09:45:00.000Z","immutable":true}}}'
    )
    const parsed = parseScheduleRecord(text)
    expect(parsed).toEqual(record)
    expect(tagStateFromRecord(parsed?.tags.broken)).toEqual(tags.get('broken'))
    expect(tagStateFromRecord(parsed?.tags['v1.2.3'])).toEqual(tags.get('v1.2.3'))
  })

  it('does not count the passing of time for tags on schedule as a change', () => {
    const a = scheduleRecordOf(I, 0, tags)
    const later = new Map([...tags].map(([k, v]) => [k, { ...v }]))
    const latest = later.get('latest') as TagState
    latest.lastChecked = T + 5 * I
    latest.nextCheck = T + 6 * I
    expect(materialKey(scheduleRecordOf(I, 0, later))).toBe(materialKey(a))
    const broken = later.get('broken') as TagState
    broken.failures = 3
    expect(materialKey(scheduleRecordOf(I, 0, later))).not.toBe(materialKey(a))
    expect(materialKey(scheduleRecordOf(I, 225_000, tags))).not.toBe(materialKey(a))
  })

  it('derives the real times of tags on schedule from a stale record', () => {
    const record = scheduleRecordOf(I, 0, tags)
    expect(effectiveTagTimes(record, 'latest', T + 3.5 * I)).toEqual({
      lastChecked: T + 3 * I,
      nextCheck: T + 4 * I,
    })
    expect(effectiveTagTimes(record, 'latest', T + 0.5 * I)).toEqual({
      lastChecked: T,
      nextCheck: T + I,
    })
    expect(effectiveTagTimes(record, 'broken', T + 10 * I)).toEqual({
      lastChecked: T,
      nextCheck: T + 4 * I,
    })
    expect(effectiveTagTimes(record, 'v1.2.3', T)).toEqual({ lastChecked: T - I })
  })

  it('ignores damaged values', () => {
    expect(parseScheduleRecord('not json')).toBeUndefined()
    expect(parseScheduleRecord('{"tags":{}}')).toBeUndefined()
    expect(parseLastSeenDigests('[1]')).toEqual({})
    expect(parseLastSeenDigests('{"a":"sha256:x","b":3}')).toEqual({ a: 'sha256:x' })
    expect(formatLastSeenDigests({})).toBeUndefined()
    expect(formatLastSeenDigests({ b: '2', a: '1' })).toBe('{"a":"1","b":"2"}')
  })
})
