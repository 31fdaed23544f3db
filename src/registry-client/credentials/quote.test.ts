import { describe, expect, it } from 'vitest'
import { quote } from './quote.js'

describe('quote', () => {
  it.each([
    ['plain', 'quay.io/team', '"quay.io/team"'],
    ['control characters escaped', 'a\nb\u0007', '"a\\nb\\u0007"'],
    ['quotes escaped', 'a"b', '"a\\"b"'],
    ['long text truncated', 'x'.repeat(250), `"${'x'.repeat(200)}…"`],
  ])('%s', (_name, text, want) => {
    expect(quote(text)).toBe(want)
  })
})
