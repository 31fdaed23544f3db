import { describe, expect, it } from 'vitest'
import { threeWayMergePatch } from './three-way-merge.js'

describe('threeWayMergePatch', () => {
  it('is empty when the applied file matches the live object', () => {
    const file = { metadata: { name: 'a', labels: { x: '1' } }, spec: { tags: [{ name: 'v1' }] } }
    const live = {
      metadata: { name: 'a', labels: { x: '1' }, uid: 'u', resourceVersion: '3' },
      spec: { tags: [{ name: 'v1', generation: 2, importPolicy: { importMode: 'Legacy' } }] },
      status: {},
    }
    expect(threeWayMergePatch(file, file, live)).toEqual({})
  })

  it('sets changed fields and nulls fields removed since the last apply', () => {
    const original = {
      metadata: { name: 'a', labels: { x: '1', y: '2' } },
      spec: { lookupPolicy: { local: true } },
    }
    const modified = { metadata: { name: 'a', labels: { x: '3' } }, spec: {} }
    const current = {
      metadata: { name: 'a', labels: { x: '1', y: '2', z: 'server' } },
      spec: { lookupPolicy: { local: true } },
    }
    expect(threeWayMergePatch(original, modified, current)).toEqual({
      metadata: { labels: { x: '3', y: null } },
      spec: { lookupPolicy: null },
    })
  })

  it('replaces a list whose items changed', () => {
    const modified = { spec: { tags: [{ name: 'v1' }, { name: 'v2' }] } }
    const current = { spec: { tags: [{ name: 'v1', generation: 1 }] } }
    expect(threeWayMergePatch(undefined, modified, current)).toEqual({
      spec: { tags: [{ name: 'v1' }, { name: 'v2' }] },
    })
  })
})
