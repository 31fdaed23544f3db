import { describe, expect, it } from 'vitest'
import { patchMetaFor } from './patch-meta.js'
import { applyStrategicMergePatch } from './strategic-merge-patch.js'

const stream = (path: string) => patchMetaFor('ImageStream', path)
const sa = (path: string) => patchMetaFor('ServiceAccount', path)

const original = {
  metadata: { name: 'web', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    tags: [
      { name: 'one', from: { kind: 'DockerImage', name: 'r/a:1' }, generation: 1 },
      { name: 'two', from: { kind: 'DockerImage', name: 'r/a:2' }, generation: 1 },
      { name: 'three', from: { kind: 'DockerImage', name: 'r/a:3' }, generation: 1 },
    ],
  },
}

describe('applyStrategicMergePatch', () => {
  it('merges spec.tags by name, keeping tags the patch does not name', () => {
    const out = applyStrategicMergePatch(
      original,
      { spec: { tags: [{ name: 'two', from: { name: 'r/a:22' } }] } },
      stream
    ) as typeof original
    expect(out.spec.tags.map((t) => t.name)).toEqual(['one', 'two', 'three'])
    expect(out.spec.tags[1]).toEqual({
      name: 'two',
      from: { kind: 'DockerImage', name: 'r/a:22' },
      generation: 1,
    })
  })

  it('deletes a field set to null and an element marked $patch: delete', () => {
    const out = applyStrategicMergePatch(
      original,
      {
        metadata: { labels: { a: null } },
        spec: {
          tags: [
            { name: 'one', generation: null },
            { name: 'three', $patch: 'delete' },
          ],
        },
      },
      stream
    ) as typeof original
    expect(out.metadata.labels).toEqual({ b: '2' })
    expect(out.spec.tags).toEqual([
      { name: 'one', from: { kind: 'DockerImage', name: 'r/a:1' } },
      { name: 'two', from: { kind: 'DockerImage', name: 'r/a:2' }, generation: 1 },
    ])
  })

  it('orders merged elements by $setElementOrder as kubectl apply sends it', () => {
    const out = applyStrategicMergePatch(
      original,
      {
        spec: {
          '$setElementOrder/tags': [{ name: 'three' }, { name: 'new' }, { name: 'one' }],
          tags: [{ name: 'new', from: { kind: 'DockerImage', name: 'r/a:4' } }],
        },
      },
      stream
    ) as typeof original
    // NB: `two` is not in the order list; it keeps its place relative to the original elements.
    expect(out.spec.tags.map((t) => t.name)).toEqual(['two', 'three', 'new', 'one'])
  })

  it('replaces lists without a merge strategy and whole maps with $patch: replace', () => {
    const out = applyStrategicMergePatch(
      {
        status: { tags: [{ tag: 'a', items: [{ image: '1' }, { image: '2' }] }] },
        spec: { lookupPolicy: { local: true, x: 1 } },
      },
      {
        status: { tags: [{ tag: 'a', items: [{ image: '3' }] }] },
        spec: { lookupPolicy: { $patch: 'replace', local: false } },
      },
      stream
    )
    expect(out).toEqual({
      status: { tags: [{ tag: 'a', items: [{ image: '3' }] }] },
      spec: { lookupPolicy: { local: false } },
    })
  })

  it('replaces a keyed list when an element says $patch: replace', () => {
    const out = applyStrategicMergePatch(
      original,
      { spec: { tags: [{ $patch: 'replace' }, { name: 'only' }] } },
      stream
    ) as typeof original
    expect(out.spec.tags).toEqual([{ name: 'only' }])
  })

  it('merges scalar lists with merge strategy as sets and honours $deleteFromPrimitiveList', () => {
    const out = applyStrategicMergePatch(
      { metadata: { finalizers: ['x', 'y'] } },
      { metadata: { finalizers: ['z', 'x'], '$deleteFromPrimitiveList/finalizers': ['y'] } },
      stream
    )
    expect(out).toEqual({ metadata: { finalizers: ['z', 'x'] } })
  })

  it('merges service account secrets and imagePullSecrets by name', () => {
    const out = applyStrategicMergePatch(
      { secrets: [{ name: 'a' }], imagePullSecrets: [{ name: 'p' }] },
      { secrets: [{ name: 'b' }], imagePullSecrets: [{ name: 'q' }] },
      sa
    ) as { secrets: { name: string }[]; imagePullSecrets: { name: string }[] }
    expect(out.secrets.map((s) => s.name).sort()).toEqual(['a', 'b'])
    expect(out.imagePullSecrets.map((s) => s.name).sort()).toEqual(['p', 'q'])
  })

  it('tolerates $retainKeys by dropping keys it does not list', () => {
    const out = applyStrategicMergePatch(
      { spec: { lookupPolicy: { local: true }, dockerImageRepository: 'x' } },
      { spec: { $retainKeys: ['lookupPolicy'], lookupPolicy: { local: false } } },
      stream
    )
    expect(out).toEqual({ spec: { lookupPolicy: { local: false } } })
  })

  it('strips directives from elements it adds and does not modify its inputs', () => {
    const input = structuredClone(original)
    const out = applyStrategicMergePatch(
      input,
      { spec: { tags: [{ name: 'four', annotations: { a: 'b', c: null } }] } },
      stream
    ) as typeof original
    // NB: without $setElementOrder a new element goes first, as in Kubernetes' mergeSortedSlice.
    expect(out.spec.tags[0]).toEqual({ name: 'four', annotations: { a: 'b' } })
    expect(input).toEqual(original)
  })

  it('rejects unknown directives and elements without the merge key', () => {
    expect(() =>
      applyStrategicMergePatch(original, { spec: { $patch: 'explode' } }, stream)
    ).toThrow(/unknown patch type/)
    expect(() =>
      applyStrategicMergePatch(original, { spec: { tags: [{ from: { name: 'x' } }] } }, stream)
    ).toThrow(/does not contain declared merge key: name/)
  })
})
