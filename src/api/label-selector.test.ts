import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import { type LabelRequirement, matchesLabels, parseLabelSelector } from './label-selector.js'

describe('parseLabelSelector', () => {
  it.each<[string, LabelRequirement[]]>([
    ['', []],
    ['app=x', [{ key: 'app', operator: '=', values: ['x'] }]],
    ['app==x', [{ key: 'app', operator: '=', values: ['x'] }]],
    ['tier!=y', [{ key: 'tier', operator: '!=', values: ['y'] }]],
    ['env in (a, b)', [{ key: 'env', operator: 'in', values: ['a', 'b'] }]],
    ['env notin (a)', [{ key: 'env', operator: 'notin', values: ['a'] }]],
    ['!key', [{ key: 'key', operator: '!', values: [] }]],
    ['key', [{ key: 'key', operator: 'exists', values: [] }]],
    ['app=', [{ key: 'app', operator: '=', values: [''] }]],
    ['n>3', [{ key: 'n', operator: 'gt', values: ['3'] }]],
    [
      'app=x,tier!=y,env in (a,b),!key,key',
      [
        { key: 'app', operator: '=', values: ['x'] },
        { key: 'tier', operator: '!=', values: ['y'] },
        { key: 'env', operator: 'in', values: ['a', 'b'] },
        { key: 'key', operator: '!', values: [] },
        { key: 'key', operator: 'exists', values: [] },
      ],
    ],
    ['example.com/team = core', [{ key: 'example.com/team', operator: '=', values: ['core'] }]],
  ])('%j', (input, expected) => {
    expect(parseLabelSelector(input)).toEqual(expected)
  })

  it.each<[string, string]>([
    ['=x', "found '=', expected: identifier"],
    ['!', "found '', expected: identifier after '!'"],
    ['a b', "found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['env in a', "found 'a', expected: '('"],
    ['env in (a b)', "found 'b', expected: ',', ')' or identifier"],
    ['a b/c=d', "found 'b/c', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b!', "found '!', expected: ',' or 'end of string'"],
    ['n>x', "for 'Gt', 'Lt' operators, the value must be an integer"],
  ])('rejects %j', (input, message) => {
    let caught: unknown
    try {
      parseLabelSelector(input)
    } catch (err) {
      caught = err
    }
    expect(isAppError(caught, Reason.BadRequest)).toBe(true)
    expect((caught as Error).message).toBe(`unable to parse requirement: ${message}`)
  })

  it('rejects invalid keys and values', () => {
    expect(() => parseLabelSelector('-a=b')).toThrow(/invalid label key "-a"/)
    expect(() => parseLabelSelector('a=-b')).toThrow(/invalid label value: "-b": at key: "a"/)
  })
})

describe('matchesLabels', () => {
  const labels = { app: 'x', tier: 'web', env: 'a', n: '5' }
  it.each<[string, boolean]>([
    ['', true],
    ['app=x', true],
    ['app=y', false],
    ['tier!=db', true],
    ['tier!=web', false],
    ['missing!=v', true],
    ['env in (a,b)', true],
    ['env notin (a,b)', false],
    ['missing notin (a)', true],
    ['missing in (a)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['n>3', true],
    ['n<3', false],
    ['app=x,tier!=y,env in (a,b),!key,n', true],
  ])('%j', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected)
  })

  it('treats missing labels as an empty set', () => {
    expect(matchesLabels(parseLabelSelector('!a'), undefined)).toBe(true)
    expect(matchesLabels(parseLabelSelector('a'), null)).toBe(false)
  })
})
