import { describe, expect, it } from 'vitest'
import { semanticallyEqual } from './semantic-equal.js'

describe('semanticallyEqual (apimachinery Semantic.DeepEqual on JSON)', () => {
  it.each([
    [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ],
    [{ a: [], b: null, c: {}, d: false }, {}],
    [{ tags: [{ name: 'x', conditions: [] }] }, { tags: [{ name: 'x' }] }],
    [{ policy: { insecure: false } }, { policy: {} }],
  ])('%j equals %j', (a, b) => {
    expect(semanticallyEqual(a, b)).toBe(true)
  })

  it.each([
    [{ generation: 0 }, {}],
    [{ a: [1, 2] }, { a: [2, 1] }],
    [{ a: 'x' }, { a: 'y' }],
    [{ a: true }, {}],
  ])('%j differs from %j', (a, b) => {
    expect(semanticallyEqual(a, b)).toBe(false)
  })
})
