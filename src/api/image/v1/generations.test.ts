import { describe, expect, it } from 'vitest'
import { formatFieldError } from '../../field-errors.js'
import {
  applyTagChanges,
  isImportableTag,
  latestObservedTagGeneration,
  setGenerationsOnCreate,
  setGenerationsOnUpdate,
  setObservedGenerationsOnStatusUpdate,
  specsEqual,
  tagNeedsImport,
  tagReferenceChanged,
} from './generations.js'
import { findSpecTag, findStatusTag, latestTagEvent } from './tag-history.js'
import type { ImageStream, NamedTagEventList, TagEvent, TagReference } from './types.js'

const NOW = '2026-08-22T10:00:00Z'
const DIGEST1 = `sha256:${'1'.repeat(64)}`
const DIGEST2 = `sha256:${'2'.repeat(64)}`

const docker = (name: string, from: string, extra: Partial<TagReference> = {}): TagReference => ({
  name,
  from: { kind: 'DockerImage', name: from },
  importPolicy: { importMode: 'Legacy' },
  referencePolicy: { type: 'Source' },
  ...extra,
})
const alias = (name: string, from: string, extra: Partial<TagReference> = {}): TagReference => ({
  name,
  from: { kind: 'ImageStreamTag', name: from },
  importPolicy: { importMode: 'Legacy' },
  referencePolicy: { type: 'Source' },
  ...extra,
})
const item = (ref: string, image: string, generation: number): TagEvent => ({
  created: '2026-08-01T00:00:00Z',
  dockerImageReference: ref,
  image,
  generation,
})

function stream(
  generation: number,
  tags: TagReference[],
  status: NamedTagEventList[] = [],
  name = 'app'
): ImageStream {
  return {
    metadata: { name, namespace: 'team', generation },
    spec: { tags },
    status: { dockerImageRepository: '', tags: status },
  }
}

describe('setGenerationsOnCreate', () => {
  it('sets the stream and every spec tag to generation 1', () => {
    const s = stream(7, [
      docker('a', 'x:1', { generation: 5 }),
      docker('b', 'x:2', { generation: null }),
    ])
    setGenerationsOnCreate(s)
    expect(s.metadata.generation).toBe(1)
    expect(s.spec.tags?.map((t) => t.generation)).toEqual([1, 1])
  })
})

describe('tagReferenceChanged', () => {
  const base = docker('a', 'quay.io/a/b:1', { generation: 3 })
  it.each<[string, TagReference, boolean]>([
    ['nothing', { ...base }, false],
    ['from.name', docker('a', 'quay.io/a/b:2', { generation: 3 }), true],
    [
      'namespace made explicit to the stream namespace',
      { ...base, from: { kind: 'DockerImage', name: 'quay.io/a/b:1', namespace: 'team' } },
      false,
    ],
    [
      'namespace',
      { ...base, from: { kind: 'DockerImage', name: 'quay.io/a/b:1', namespace: 'other' } },
      true,
    ],
    ['reference', { ...base, reference: true }, true],
    ['import mode', { ...base, importPolicy: { importMode: 'PreserveOriginal' } }, true],
    ['scheduled only', { ...base, importPolicy: { importMode: 'Legacy', scheduled: true } }, false],
    ['generation reset to 0', { ...base, generation: 0 }, true],
    ['generation changed to non-zero', { ...base, generation: 9 }, false],
    ['generation dropped', { ...base, generation: null }, false],
    ['from removed', { ...base, from: null }, false],
    ['from emptied', { ...base, from: {} }, false],
  ])('%s', (_name, next, changed) => {
    expect(tagReferenceChanged(base, next, 'team')).toBe(changed)
  })
})

describe('setGenerationsOnUpdate', () => {
  it('increments the generation when the spec changes and stamps changed tags', () => {
    const old = stream(4, [
      docker('a', 'x:1', { generation: 2 }),
      docker('b', 'x:2', { generation: 4 }),
    ])
    const next = stream(0, [
      docker('a', 'x:1', { generation: 2 }),
      docker('b', 'x:3', { generation: 4 }),
      docker('c', 'x:4'),
    ])
    setGenerationsOnUpdate(next, old)
    expect(next.metadata.generation).toBe(5)
    expect(next.spec.tags?.map((t) => [t.name, t.generation])).toEqual([
      ['a', 2],
      ['b', 5],
      ['c', 5],
    ])
  })

  it('ignores user-set generations other than 0', () => {
    const old = stream(4, [docker('a', 'x:1', { generation: 2 })])
    const next = stream(4, [docker('a', 'x:1', { generation: 99 })])
    setGenerationsOnUpdate(next, old)
    expect(next.metadata.generation).toBe(4)
    expect(findSpecTag(next, 'a')?.generation).toBe(2)
  })

  it('treats generation 0 as a re-import request', () => {
    const old = stream(4, [docker('a', 'x:1', { generation: 2 })])
    const next = stream(4, [docker('a', 'x:1', { generation: 0 })])
    setGenerationsOnUpdate(next, old)
    expect(next.metadata.generation).toBe(5)
    expect(findSpecTag(next, 'a')?.generation).toBe(5)
  })

  it('merges a legacy nil generation with the stored one', () => {
    const old = stream(4, [docker('a', 'x:1', { generation: 3 })])
    const next = stream(4, [docker('a', 'x:1', { generation: null })])
    setGenerationsOnUpdate(next, old)
    expect(next.metadata.generation).toBe(4)
    expect(findSpecTag(next, 'a')?.generation).toBe(3)
  })

  it('does not count a reordering of tags as a spec change', () => {
    const old = stream(4, [
      docker('a', 'x:1', { generation: 2 }),
      docker('b', 'x:2', { generation: 3 }),
    ])
    const next = stream(4, [
      docker('b', 'x:2', { generation: 3 }),
      docker('a', 'x:1', { generation: 2 }),
    ])
    setGenerationsOnUpdate(next, old)
    expect(next.metadata.generation).toBe(4)
  })

  it('compares specs semantically', () => {
    expect(
      specsEqual(
        { tags: [{ name: 'a', annotations: {} }] },
        { tags: [{ name: 'a', annotations: null }] }
      )
    ).toBe(true)
    expect(specsEqual({ lookupPolicy: { local: false } }, {})).toBe(true)
    expect(specsEqual({ lookupPolicy: { local: true } }, {})).toBe(false)
  })
})

describe('observed generations', () => {
  it.each<[string, NamedTagEventList | undefined, number]>([
    ['no status', undefined, 0],
    ['item only', { tag: 'a', items: [item('r', 'i', 3)] }, 3],
    [
      'newer failure condition',
      {
        tag: 'a',
        items: [item('r', 'i', 3)],
        conditions: [{ type: 'ImportSuccess', status: 'False', generation: 5 }],
      },
      5,
    ],
    [
      'condition only',
      {
        tag: 'a',
        items: null,
        conditions: [{ type: 'ImportSuccess', status: 'False', generation: 2 }],
      },
      2,
    ],
  ])('latestObservedTagGeneration: %s', (_name, list, expected) => {
    const s = stream(5, [docker('a', 'x:1', { generation: 5 })], list === undefined ? [] : [list])
    expect(latestObservedTagGeneration(s, 'a')).toBe(expected)
  })

  it.each<[string, TagReference, NamedTagEventList[], boolean]>([
    ['never imported', docker('a', 'x:1', { generation: 1 }), [], true],
    [
      'imported at this generation',
      docker('a', 'x:1', { generation: 2 }),
      [{ tag: 'a', items: [item('r', 'i', 2)] }],
      false,
    ],
    [
      'spec newer than status',
      docker('a', 'x:1', { generation: 3 }),
      [{ tag: 'a', items: [item('r', 'i', 2)] }],
      true,
    ],
    [
      'failed at this generation',
      docker('a', 'x:1', { generation: 3 }),
      [
        {
          tag: 'a',
          items: null,
          conditions: [{ type: 'ImportSuccess', status: 'False', generation: 3 }],
        },
      ],
      false,
    ],
    ['reference tag', docker('a', 'x:1', { generation: 3, reference: true }), [], false],
    ['alias', alias('a', 'b', { generation: 3 }), [], false],
    [
      'no generation yet',
      docker('a', 'x:1', { generation: null }),
      [{ tag: 'a', items: [item('r', 'i', 9)] }],
      true,
    ],
  ])('tagNeedsImport: %s', (_name, tag, status, expected) => {
    expect(tagNeedsImport(stream(3, [tag], status), tag)).toBe(expected)
  })

  it('recognises importable tags', () => {
    expect(isImportableTag(docker('a', 'x'))).toBe(true)
    expect(isImportableTag({ name: 'a' })).toBe(false)
  })

  it('fills missing item generations on status updates', () => {
    const old = stream(
      6,
      [docker('changed', 'x:1', { generation: 4 }), docker('same', 'x:2', { generation: 4 })],
      [
        { tag: 'same', items: [item('r', 'i', 0)] },
        { tag: 'changed', items: [item('r', 'old', 2)] },
      ]
    )
    const next = structuredClone(old)
    next.status = {
      tags: [
        { tag: 'changed', items: [item('r', 'new', 0)] },
        { tag: 'nospec', items: [item('q', 'j', 0)] },
        { tag: 'same', items: [item('r', 'i', 0)] },
        { tag: 'set', items: [item('r', 'i', 3)] },
      ],
    }
    setObservedGenerationsOnStatusUpdate(next, old)
    expect(next.status.tags?.map((t) => [t.tag, t.items?.[0]?.generation])).toEqual([
      ['changed', 4],
      ['nospec', 6],
      ['same', 6],
      ['set', 3],
    ])
  })
})

describe('applyTagChanges', () => {
  it('resolves a new alias into status from the current stream', () => {
    const s = stream(
      2,
      [alias('latest', '2', { generation: 2 }), docker('2', 'quay.io/a/b:2', { generation: 1 })],
      [{ tag: '2', items: [item(`quay.io/a/b@${DIGEST1}`, DIGEST1, 1)] }]
    )
    expect(applyTagChanges(s, undefined, { now: NOW })).toEqual([])
    // NB: the alias first gets generation 2, then the tracking pass copies tag 2's item, generation
    // included, as OpenShift's updateChangedTrackingTags does.
    expect(latestTagEvent(s, 'latest')).toEqual(item(`quay.io/a/b@${DIGEST1}`, DIGEST1, 1))
  })

  it('records reference tags immediately and leaves importable tags to the importer', () => {
    const s = stream(1, [
      docker('ref', 'quay.io/a/b:1', { reference: true }),
      docker('imp', 'quay.io/a/b:2'),
    ])
    expect(applyTagChanges(s, undefined, { now: NOW })).toEqual([])
    expect(latestTagEvent(s, 'ref')).toEqual({
      created: NOW,
      dockerImageReference: 'quay.io/a/b:1',
      image: '',
      generation: 1,
    })
    expect(findStatusTag(s, 'imp')).toBeUndefined()
  })

  it('skips unchanged tags on update', () => {
    const old = stream(3, [alias('latest', '2', { generation: 2 })])
    const next = stream(
      3,
      [alias('latest', '2', { generation: 2 })],
      [{ tag: '2', items: [item('r', DIGEST1, 3)] }]
    )
    applyTagChanges(next, old, { now: NOW })
    // Only the tracking copy (status of 2 changed) updates latest, with 2's item.
    expect(latestTagEvent(next, 'latest')).toEqual(item('r', DIGEST1, 3))
  })

  it('resolves ImageStreamImage tags by digest prefix, from another stream', () => {
    const other = stream(
      1,
      [],
      [{ tag: 'x', items: [item(`reg.local/team/web@${DIGEST2}`, DIGEST2, 1)] }],
      'web'
    )
    const s = stream(4, [{ name: 'pinned', from: { kind: 'ImageStreamImage', name: 'web@2222' } }])
    const errs = applyTagChanges(s, undefined, {
      now: NOW,
      lookupStream: (ns, name) => (ns === 'team' && name === 'web' ? other : undefined),
      internalRegistry: 'reg.local',
    })
    expect(errs).toEqual([])
    expect(latestTagEvent(s, 'pinned')).toEqual({
      created: NOW,
      dockerImageReference: `reg.local/team/app@${DIGEST2}`,
      image: DIGEST2,
      generation: 4,
    })
  })

  it('reports what OpenShift reports for bad references', () => {
    const s = stream(1, [
      { name: 'a', from: { kind: 'ImageStreamTag', name: 'a:b:c' } },
      { name: 'b', from: { kind: 'ImageStreamTag', name: 'missing:1' } },
      { name: 'c', from: { kind: 'ImageStreamImage', name: 'app@nothing' } },
      { name: 'd', from: { kind: 'ImageStreamTag', name: 'nothing-yet' } },
    ])
    expect(applyTagChanges(s, undefined, { now: NOW }).map(formatFieldError)).toEqual([
      'spec.tags[0].from.name: Invalid value: "a:b:c": must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>',
      'spec.tags[1].from.name: Not found: "missing:1"',
      'spec.tags[2].from.name: Invalid value: "app@nothing": error generating tag event: imagestreamimage.image.openshift.io "nothing" not found',
    ])
    expect(findStatusTag(s, 'd')).toBeUndefined()
  })

  it('refuses ambiguous image prefixes', () => {
    const s = stream(
      1,
      [{ name: 'p', from: { kind: 'ImageStreamImage', name: 'sha256:' } }],
      [
        { tag: 'x', items: [item('r1', DIGEST1, 1)] },
        { tag: 'y', items: [item('r2', DIGEST2, 1)] },
      ]
    )
    expect(applyTagChanges(s, undefined, { now: NOW }).map(formatFieldError)).toEqual([
      `spec.tags[0].from.name: Invalid value: "sha256:": error generating tag event: Operation cannot be fulfilled on imagestreamimage.image.openshift.io "sha256:": multiple images match the prefix "sha256:": ${DIGEST1}, ${DIGEST2}`,
    ])
  })
})
