import { describe, expect, it } from 'vitest'
import { parseRange } from './blobs.js'

describe('parseRange', () => {
  it.each([
    [undefined, 100, undefined],
    ['items=0-1', 100, undefined],
    ['bytes=0-1,5-6', 100, undefined],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=50-500', 100, { start: 50, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=10-5', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=abc', 100, 'unsatisfiable'],
    ['bytes=0-0', 0, 'unsatisfiable'],
  ] as const)('%s of %d bytes → %j', (header, size, want) => {
    expect(parseRange(header, size)).toEqual(want)
  })
})
