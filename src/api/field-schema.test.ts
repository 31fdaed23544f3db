import { describe, expect, it } from 'vitest'
import {
  anyValue,
  arrayOf,
  bool,
  int,
  mapOf,
  num,
  obj,
  pruneWithSchema,
  str,
} from './field-schema.js'

type Doc = {
  name?: string
  count?: number
  ratio?: number
  on?: boolean
  tags?: string[]
  meta?: Record<string, string>
  raw?: unknown
}

const schema = obj<Doc>({
  name: str,
  count: int,
  ratio: num,
  on: bool,
  tags: arrayOf(str),
  meta: mapOf(str),
  raw: anyValue,
})

describe('pruneWithSchema', () => {
  it('keeps known fields, nulls, map keys and opaque values as given', () => {
    const input = {
      name: 'a',
      count: 1,
      ratio: 0.5,
      on: false,
      tags: ['x'],
      meta: { 'any/key': 'v' },
      raw: { deep: [1, { x: null }] },
      extra: null,
    }
    const { obj: out, unknown, wrongTypes } = pruneWithSchema(schema, input)
    expect(out).toStrictEqual({
      name: 'a',
      count: 1,
      ratio: 0.5,
      on: false,
      tags: ['x'],
      meta: { 'any/key': 'v' },
      raw: { deep: [1, { x: null }] },
    })
    expect(unknown).toEqual(['extra'])
    expect(wrongTypes).toEqual([])
    expect(pruneWithSchema(schema, { name: null }).obj).toStrictEqual({ name: null })
  })

  it('does not alias the input', () => {
    const input = { raw: { a: 1 }, tags: ['x'] }
    const { obj: out } = pruneWithSchema(schema, input)
    ;(out as typeof input).raw.a = 2
    expect(input.raw.a).toBe(1)
  })

  it.each<[string, unknown, { field: string; expected: string; got: string }]>([
    ['string for integer', { count: '1' }, { field: 'count', expected: 'integer', got: 'string' }],
    [
      'fraction for integer',
      { count: 1.5 },
      { field: 'count', expected: 'integer', got: 'number' },
    ],
    ['object for array', { tags: {} }, { field: 'tags', expected: 'array', got: 'object' }],
    [
      'number in array',
      { tags: ['a', 2] },
      { field: 'tags[1]', expected: 'string', got: 'integer' },
    ],
    ['array for map', { meta: [] }, { field: 'meta', expected: 'object', got: 'array' }],
    ['number in map', { meta: { a: 1 } }, { field: 'meta[a]', expected: 'string', got: 'integer' }],
    ['string for boolean', { on: 'true' }, { field: 'on', expected: 'boolean', got: 'string' }],
  ])('reports and drops %s', (_name, input, wrong) => {
    const result = pruneWithSchema(schema, input)
    expect(result.wrongTypes).toEqual([wrong])
  })

  it('reports a wrong top-level type', () => {
    expect(pruneWithSchema(schema, 'x').wrongTypes).toEqual([
      { field: '', expected: 'object', got: 'string' },
    ])
  })
})
