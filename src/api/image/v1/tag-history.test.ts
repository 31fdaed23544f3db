import { describe, expect, it } from 'vitest'
import {
  addTagEvent,
  differentTagEvent,
  differentTagGeneration,
  findStatusTag,
  hasTagCondition,
  importFailedCondition,
  latestTagEvent,
  recordImportFailure,
  resolveTagReference,
  setTagConditions,
  splitImageStreamTag,
  UNKNOWN_IMPORT_ERROR,
  updateTrackingTags,
} from './tag-history.js'
import type {
  ImageStream,
  NamedTagEventList,
  TagEvent,
  TagEventCondition,
  TagReference,
} from './types.js'

const T0 = '2026-08-01T00:00:00Z'
const T1 = '2026-08-02T00:00:00Z'

function event(ref: string, image: string, generation: number, created = T1): TagEvent {
  return { created, dockerImageReference: ref, image, generation }
}

const failed: TagEventCondition = {
  type: 'ImportSuccess',
  status: 'False',
  lastTransitionTime: T0,
  reason: 'NotFound',
  message: 'not found',
  generation: 2,
}

function stream(statusTags: NamedTagEventList[] = [], specTags: TagReference[] = []): ImageStream {
  return {
    metadata: { name: 'app', namespace: 'team', generation: 2 },
    spec: { tags: specTags },
    status: { dockerImageRepository: '', tags: statusTags },
  }
}

describe('addTagEvent', () => {
  const current = event('quay.io/a/b@sha256:1', 'sha256:1', 2, T0)
  const older = event('quay.io/a/b@sha256:0', 'sha256:0', 1, T0)

  it.each<[string, TagEvent, boolean, TagEvent[], boolean]>([
    [
      'same reference, image and generation: no change',
      event('quay.io/a/b@sha256:1', 'sha256:1', 2),
      false,
      [current, older],
      true,
    ],
    [
      'same reference and image: only the generation moves',
      event('quay.io/a/b@sha256:1', 'sha256:1', 3),
      true,
      [{ ...current, generation: 3 }, older],
      false,
    ],
    [
      'same reference: image replaced in place',
      event('quay.io/a/b@sha256:1', 'sha256:9', 3),
      true,
      [{ ...current, image: 'sha256:9', generation: 3 }, older],
      false,
    ],
    [
      'same image: reference replaced in place',
      event('mirror.io/a/b@sha256:1', 'sha256:1', 3),
      true,
      [{ ...current, dockerImageReference: 'mirror.io/a/b@sha256:1', generation: 3 }, older],
      false,
    ],
    [
      'new image: prepended',
      event('quay.io/a/b@sha256:2', 'sha256:2', 3),
      true,
      [event('quay.io/a/b@sha256:2', 'sha256:2', 3), current, older],
      false,
    ],
  ])('%s', (_name, next, changed, items, keepsConditions) => {
    const s = stream([
      { tag: 'latest', items: [{ ...current }, { ...older }], conditions: [failed] },
    ])
    expect(addTagEvent(s, 'latest', next)).toBe(changed)
    const list = findStatusTag(s, 'latest')
    expect(list?.items).toEqual(items)
    expect(list?.conditions).toEqual(keepsConditions ? [failed] : undefined)
  })

  it('starts a history, keeping status tags in name order', () => {
    const s = stream([
      { tag: 'a', items: [older] },
      { tag: 'c', items: [older] },
    ])
    expect(addTagEvent(s, 'b', current)).toBe(true)
    expect(s.status?.tags?.map((t) => t.tag)).toEqual(['a', 'b', 'c'])
    expect(findStatusTag(s, 'b')).toEqual({ tag: 'b', items: [current] })
  })

  it('creates status when there is none and clears conditions of an empty history', () => {
    const bare: ImageStream = { metadata: { name: 'app' }, spec: {} }
    expect(addTagEvent(bare, 'latest', current)).toBe(true)
    expect(bare.status).toEqual({ tags: [{ tag: 'latest', items: [current] }] })
    const failedOnly = stream([{ tag: 'latest', items: null, conditions: [failed] }])
    addTagEvent(failedOnly, 'latest', current)
    expect(findStatusTag(failedOnly, 'latest')).toEqual({ tag: 'latest', items: [current] })
  })

  it('does not share the event object with the stream', () => {
    const s = stream()
    const e = event('r', 'i', 1)
    addTagEvent(s, 'latest', e)
    e.generation = 99
    expect(latestTagEvent(s, 'latest')?.generation).toBe(1)
  })
})

describe('latestTagEvent', () => {
  it('returns the first item, reading an empty tag as latest', () => {
    const s = stream([{ tag: 'latest', items: [event('a', 'x', 1), event('b', 'y', 1)] }])
    expect(latestTagEvent(s, '')?.dockerImageReference).toBe('a')
    expect(latestTagEvent(s, 'other')).toBeUndefined()
    expect(latestTagEvent(stream([{ tag: 'latest', items: null }]), 'latest')).toBeUndefined()
  })
})

describe('differentTagEvent and differentTagGeneration', () => {
  const s = stream(
    [{ tag: 'latest', items: [event('r', 'i', 2)] }],
    [{ name: 'latest', generation: 3 }, { name: 'old', generation: 2 }, { name: 'nogen' }]
  )
  it.each<[string, TagEvent, boolean]>([
    ['same reference and image', event('r', 'i', 9), false],
    ['new image', event('r', 'j', 2), true],
    ['new reference', event('q', 'i', 2), true],
  ])('differentTagEvent: %s', (_name, next, expected) => {
    expect(differentTagEvent(s, 'latest', next)).toBe(expected)
  })

  it('differentTagEvent is true without history', () => {
    expect(differentTagEvent(s, 'none', event('r', 'i', 1))).toBe(true)
  })

  it.each<[string, boolean]>([
    ['latest', true],
    ['nogen', true],
    ['missing', true],
    ['old', true],
  ])('differentTagGeneration(%s)', (tag, expected) => {
    expect(differentTagGeneration(s, tag)).toBe(expected)
  })

  it('differentTagGeneration is false once status caught up', () => {
    const caught = stream(
      [{ tag: 'latest', items: [event('r', 'i', 3)] }],
      [{ name: 'latest', generation: 3 }]
    )
    expect(differentTagGeneration(caught, 'latest')).toBe(false)
  })
})

describe('import failure conditions', () => {
  const failure = {
    reason: 'Unauthorized',
    message: 'you may not have access',
    generation: 3,
    now: T1,
  }

  it('builds the ImportSuccess=False condition, with a default message', () => {
    expect(importFailedCondition(failure)).toEqual({
      type: 'ImportSuccess',
      status: 'False',
      lastTransitionTime: T1,
      reason: 'Unauthorized',
      message: 'you may not have access',
      generation: 3,
    })
    expect(importFailedCondition({ ...failure, message: '' }).message).toBe(UNKNOWN_IMPORT_ERROR)
  })

  it.each<[string, TagEventCondition[] | undefined, boolean]>([
    ['no condition yet', undefined, true],
    [
      'same reason and message: not rewritten (BZ 1788700)',
      [{ ...importFailedCondition(failure), generation: 1, lastTransitionTime: T0 }],
      false,
    ],
    [
      'same reason, new message: replaced',
      [{ ...importFailedCondition(failure), message: 'old' }],
      true,
    ],
    ['other reason: replaced', [failed], true],
  ])('%s', (_name, conditions, recorded) => {
    const list: NamedTagEventList = { tag: 'latest', items: [event('r', 'i', 2)] }
    if (conditions !== undefined) list.conditions = conditions
    const s = stream([list], [{ name: 'latest', generation: 2 }])
    expect(recordImportFailure(s, 'latest', failure)).toBe(recorded)
    const after = findStatusTag(s, 'latest')
    expect(after?.items).toEqual([event('r', 'i', 2)])
    if (recorded) {
      expect(after?.conditions).toEqual([importFailedCondition(failure)])
      expect(s.spec.tags?.[0]?.generation).toBe(0)
    } else {
      expect(after?.conditions).toEqual(conditions)
      expect(s.spec.tags?.[0]?.generation).toBe(2)
    }
  })

  it('records a failure of a tag that never imported with items null', () => {
    const s = stream()
    recordImportFailure(s, 'new', failure)
    expect(findStatusTag(s, 'new')).toEqual({
      tag: 'new',
      items: null,
      conditions: [importFailedCondition(failure)],
    })
  })

  it('clears conditions on success', () => {
    const s = stream([{ tag: 'latest', items: [], conditions: [failed] }])
    expect(hasTagCondition(s, 'latest', failed)).toBe(true)
    setTagConditions(s, 'latest')
    expect(findStatusTag(s, 'latest')).toEqual({ tag: 'latest', items: [] })
    setTagConditions(s, 'absent')
    expect(findStatusTag(s, 'absent')).toBeUndefined()
  })
})

describe('updateTrackingTags', () => {
  const ist = (name: string, from: string, namespace?: string): TagReference => ({
    name,
    from: { kind: 'ImageStreamTag', name: from, ...(namespace === undefined ? {} : { namespace }) },
  })

  it('copies the new image to tags tracking the updated one', () => {
    const s = stream(
      [],
      [
        ist('latest', '2'),
        ist('stable', 'app:2'),
        ist('other-stream', 'web:2'),
        ist('other-ns', '2', 'elsewhere'),
        ist('same-ns', '2', 'team'),
        ist('untracked', '3'),
        { name: '2', from: { kind: 'DockerImage', name: 'quay.io/a/b:2' } },
      ]
    )
    const e = event('quay.io/a/b@sha256:1', 'sha256:1', 2)
    expect(updateTrackingTags(s, '2', { items: [e] })).toBe(3)
    expect(s.status?.tags?.map((t) => t.tag)).toEqual(['latest', 'same-ns', 'stable'])
    expect(latestTagEvent(s, 'stable')).toEqual(e)
  })

  it('copies a failure condition without dropping history', () => {
    const s = stream([{ tag: 'latest', items: [event('r', 'i', 1)] }], [ist('latest', '2')])
    expect(updateTrackingTags(s, '2', { items: null, conditions: [failed] })).toBe(1)
    expect(findStatusTag(s, 'latest')).toEqual({
      tag: 'latest',
      items: [event('r', 'i', 1)],
      conditions: [failed],
    })
  })
})

describe('resolveTagReference', () => {
  const docker: TagReference = {
    name: '2',
    from: { kind: 'DockerImage', name: 'quay.io/openshift/jenkins:4.13' },
  }
  const alias = (name: string, from: string, namespace?: string): TagReference => ({
    name,
    from: { kind: 'ImageStreamTag', name: from, ...(namespace === undefined ? {} : { namespace }) },
  })

  it.each<[string, TagReference[], string, { tag: string; multiple: boolean }]>([
    ['a direct tag', [docker], '2', { tag: '2', multiple: false }],
    ['one alias', [alias('latest', '2'), docker], 'latest', { tag: '2', multiple: true }],
    [
      'alias chain with stream prefix',
      [alias('latest', 'app:stable'), alias('stable', '2'), docker],
      'latest',
      { tag: '2', multiple: true },
    ],
    [
      'same namespace given explicitly',
      [alias('latest', '2', 'team'), docker],
      'latest',
      { tag: '2', multiple: true },
    ],
    ['a tag without from', [{ name: 'pushed' }], 'pushed', { tag: 'pushed', multiple: false }],
  ])('resolves %s', (_name, tags, tag, expected) => {
    const result = resolveTagReference(stream([], tags), tag)
    expect(result).toMatchObject({ ok: true, ...expected })
  })

  it.each<[string, TagReference[], string, string]>([
    [
      'a cycle',
      [alias('a', 'b'), alias('b', 'a')],
      'a',
      'tag "a" on the image stream is a reference to same tag',
    ],
    [
      'a self reference',
      [alias('mytag', 'mytag')],
      'mytag',
      'tag "mytag" on the image stream is a reference to same tag',
    ],
    [
      'another stream',
      [alias('mytag', 'otherimage:mytag')],
      'mytag',
      'tag "mytag" points to an imagestreamtag from another ImageStream',
    ],
    [
      'another namespace',
      [alias('mytag', '2', 'other')],
      'mytag',
      'tag "mytag" points to an imagestreamtag from another ImageStream',
    ],
    [
      'a missing target',
      [alias('mytag', 'nonexisting')],
      'mytag',
      `the tag "mytag" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
    ],
  ])('fails on %s', (_name, tags, tag, message) => {
    const result = resolveTagReference(stream([], tags), tag)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toBe(message)
  })

  it('splits stream tags as OpenShift does', () => {
    expect(splitImageStreamTag('app:')).toEqual({ name: 'app', tag: 'latest', ok: true })
    expect(splitImageStreamTag('app:1:2')).toEqual({ name: 'app', tag: '1:2', ok: true })
    expect(splitImageStreamTag('app')).toEqual({ name: 'app', tag: 'latest', ok: false })
  })
})
