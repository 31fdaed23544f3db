import { describe, expect, it } from 'vitest'
import { applyJsonPatch } from './json-patch.js'
import { applyMergePatch } from './merge-patch.js'

describe('applyJsonPatch', () => {
  const doc = { spec: { tags: [{ name: 'a' }, { name: 'b' }] }, metadata: { 'a/b': 1 } }

  it('applies add, replace, remove, move, copy and test', () => {
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/spec/tags/-', value: { name: 'c' } },
      { op: 'add', path: '/spec/tags/0', value: { name: 'z' } },
      { op: 'replace', path: '/spec/tags/1/name', value: 'A' },
      { op: 'remove', path: '/spec/tags/2' },
      { op: 'copy', from: '/spec/tags/0', path: '/spec/first' },
      { op: 'move', from: '/metadata/a~1b', path: '/metadata/moved' },
      { op: 'test', path: '/spec/first/name', value: 'z' },
    ])
    expect(out).toEqual({
      spec: { tags: [{ name: 'z' }, { name: 'A' }, { name: 'c' }], first: { name: 'z' } },
      metadata: { moved: 1 },
    })
    expect(doc.spec.tags).toHaveLength(2)
  })

  it('fails a test operation or a missing path with Invalid', () => {
    expect(() =>
      applyJsonPatch(doc, [{ op: 'test', path: '/spec/tags/0/name', value: 'x' }])
    ).toThrow(expect.objectContaining({ reason: 'Invalid' }))
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/spec/nope' }])).toThrow(
      expect.objectContaining({ reason: 'Invalid' })
    )
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/spec/tags/9', value: 1 }])).toThrow(
      /out of bounds/
    )
  })

  it('rejects a document that is not a list of operations with BadRequest', () => {
    expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow(
      expect.objectContaining({ reason: 'BadRequest' })
    )
    expect(() => applyJsonPatch(doc, [{ op: 'frobnicate', path: '/x' }])).toThrow(
      expect.objectContaining({ reason: 'BadRequest' })
    )
  })
})

describe('applyMergePatch', () => {
  it('merges objects, deletes nulls and replaces arrays (RFC 7386)', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: true }
    expect(applyMergePatch(target, { a: { b: null, d: 3 }, list: [3] })).toEqual({
      a: { c: 2, d: 3 },
      list: [3],
      keep: true,
    })
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: true })
  })
})
