import { describe, expect, it } from 'vitest'
import { compareSemVer, parseSemVer, prioritizeTags } from './prioritize-tags.js'

describe('prioritizeTags (library-go PrioritizeTags)', () => {
  it.each([
    [
      ['other', 'latest', 'v5.5', '5.2.3', 'v5.3.6-bother', '5.3.6-abba', '5.6'],
      ['latest', '5.6', 'v5.5', 'v5.3.6-bother', '5.3.6-abba', '5.2.3', 'other'],
    ],
    [
      ['1.1', '1.0.2', '1.0'],
      ['1.1', '1.0', '1.0.2'],
    ],
    [
      ['v1.0', '1.0'],
      ['1.0', 'v1.0'],
    ],
    [
      ['v1', '1', 'b', 'a'],
      ['1', 'a', 'b', 'v1'],
    ],
    [
      ['5.1-rc1', '5.1', 'v5.1-rc2'],
      ['5.1', 'v5.1-rc2', '5.1-rc1'],
    ],
    [
      ['10.0.0', '9.0.0', '1.10.0', '1.9.0'],
      ['10.0.0', '9.0.0', '1.10.0', '1.9.0'],
    ],
    [
      ['01.2.3', '1.2.3'],
      ['1.2.3', '01.2.3'],
    ],
    [
      ['tag-1', 'tag-0', 'latest'],
      ['latest', 'tag-0', 'tag-1'],
    ],
  ])('orders %j as %j', (input, expected) => {
    expect(prioritizeTags(input)).toEqual(expected)
  })

  it('does not change its argument', () => {
    const tags = ['b', 'latest']
    prioritizeTags(tags)
    expect(tags).toEqual(['b', 'latest'])
  })
})

describe('parseSemVer / compareSemVer (blang/semver)', () => {
  it.each(['1.2', '01.2.3', '1.2.3-01', '1.2.3-', 'v1.2.3', '1.2.3+', '1.2.3-a_b'])(
    'rejects %s',
    (s) => {
      expect(parseSemVer(s)).toBeUndefined()
    }
  )

  it.each([
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-rc.1', '1.0.0'],
    ['1.9.0', '1.10.0'],
  ])('%s < %s', (a, b) => {
    const x = parseSemVer(a)
    const y = parseSemVer(b)
    if (x === undefined || y === undefined) throw new Error('parse')
    expect(compareSemVer(x, y)).toBeLessThan(0)
    expect(compareSemVer(y, x)).toBeGreaterThan(0)
  })

  it('ignores build metadata', () => {
    const x = parseSemVer('1.0.0+a')
    const y = parseSemVer('1.0.0+b')
    if (x === undefined || y === undefined) throw new Error('parse')
    expect(compareSemVer(x, y)).toBe(0)
  })
})
