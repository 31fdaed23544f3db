import { describe, expect, it } from 'vitest'
import type {
  Image,
  ImageImportStatus,
  ImageStream,
  ImageStreamImport,
  TagReference,
} from '../api/image/v1/types.js'
import { applyImport } from './apply-import.js'
import { forbiddenStatus, notFoundStatus, successStatus } from './import-status.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`
const NOW = '2026-03-01T10:00:00Z'
const EARLIER = '2026-02-01T10:00:00Z'

function image(digest: string, repo = 'quay.io/team/app'): Image {
  return { metadata: { name: digest }, dockerImageReference: `${repo}@${digest}` }
}

function ok(digest: string, repo?: string): ImageImportStatus {
  return { status: successStatus(), image: image(digest, repo), tag: 'v1' }
}

function isi(
  results: ImageImportStatus[],
  o: { mode?: string; referencePolicy?: string; to?: string } = {}
): ImageStreamImport {
  return {
    metadata: { name: 'app', namespace: 'ns' },
    spec: {
      import: true,
      images: results.map(() => ({
        from: { kind: 'DockerImage', name: 'quay.io/team/app:v1' },
        to: { name: o.to ?? 'v1' },
        importPolicy: { importMode: o.mode ?? 'Legacy' },
        referencePolicy: { type: o.referencePolicy ?? 'Source' },
      })),
    },
    status: { images: results },
  }
}

function stream(
  o: { tag?: Partial<TagReference>; items?: string[]; generation?: number } = {}
): ImageStream {
  const generation = o.generation ?? 1
  return {
    metadata: { name: 'app', namespace: 'ns', generation },
    spec: {
      tags:
        o.tag === undefined
          ? []
          : [
              {
                name: 'v1',
                from: { kind: 'DockerImage', name: 'quay.io/team/app:v1' },
                generation,
                importPolicy: { importMode: 'Legacy' },
                referencePolicy: { type: 'Source' },
                ...o.tag,
              },
            ],
    },
    status: {
      tags:
        o.items === undefined
          ? []
          : [
              {
                tag: 'v1',
                items: o.items.map((d) => ({
                  created: EARLIER,
                  dockerImageReference: `quay.io/team/app@${d}`,
                  image: d,
                  generation,
                })),
              },
            ],
    },
  }
}

const apply = (s: ImageStream, i: ImageStreamImport, nextGeneration = 2) => {
  applyImport(s, i, { now: NOW, nextGeneration })
  return s
}
const items = (s: ImageStream) =>
  s.status?.tags?.find((t) => t.tag === 'v1')?.items?.map((i) => [i.image, i.generation])
const conditions = (s: ImageStream) => s.status?.tags?.find((t) => t.tag === 'v1')?.conditions

describe('applyImport: success (importSuccessful)', () => {
  it('a first import creates the spec tag (generation 0 until saved) and the first item', () => {
    const s = apply(stream(), isi([ok(A)]), 1)
    expect(s.spec.tags).toEqual([
      {
        name: 'v1',
        from: { kind: 'DockerImage', name: 'quay.io/team/app:v1' },
        generation: 0,
        importPolicy: { importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
    ])
    expect(s.status?.tags).toEqual([
      {
        tag: 'v1',
        items: [
          {
            created: NOW,
            dockerImageReference: `quay.io/team/app@${A}`,
            image: A,
            generation: 1,
          },
        ],
      },
    ])
  })

  it('the same image again changes nothing (no new item, no generation reset)', () => {
    const before = stream({ tag: {}, items: [A] })
    const s = apply(structuredClone(before), isi([ok(A)]))
    expect(s).toEqual(before)
  })

  it('a tag moved to a new image: a new item first, the old one kept second', () => {
    const s = apply(stream({ tag: {}, items: [A] }), isi([ok(B)]))
    expect(items(s)).toEqual([
      [B, 2],
      [A, 1],
    ])
    expect(s.spec.tags?.[0]?.generation).toBe(0)
  })

  it('a re-import requested by a newer spec generation only updates the generation of the item', () => {
    const s = stream({ tag: {}, items: [A] })
    const tag = s.spec.tags?.[0]
    if (tag) tag.generation = 2
    apply(s, isi([ok(A)]), 3)
    expect(items(s)).toEqual([[A, 3]])
  })

  it('the same image from another repository replaces the reference in place', () => {
    const s = apply(stream({ tag: {}, items: [A] }), isi([ok(A, 'mirror.io/team/app')]))
    expect(s.status?.tags?.[0]?.items).toEqual([
      {
        created: EARLIER,
        dockerImageReference: `mirror.io/team/app@${A}`,
        image: A,
        generation: 2,
      },
    ])
  })

  it('clears conditions on success', () => {
    const s = stream({ tag: {}, items: [A] })
    const list = s.status?.tags?.[0]
    if (list) {
      list.conditions = [
        { type: 'ImportSuccess', status: 'False', reason: 'NotFound', generation: 1 },
      ]
    }
    apply(s, isi([ok(A)]))
    expect(conditions(s)).toBeUndefined()
  })

  it('always takes the request’s import policy (a request without a mode resets PreserveOriginal)', () => {
    const s = stream({
      tag: { importPolicy: { importMode: 'PreserveOriginal', scheduled: true } },
      items: [A],
    })
    apply(s, isi([ok(A)], { mode: 'Legacy' }))
    expect(s.spec.tags?.[0]?.importPolicy).toEqual({ importMode: 'Legacy' })
    expect(items(s)).toEqual([[A, 1]])
  })

  it('never changes a reference policy that is set', () => {
    const s = stream({ tag: { referencePolicy: { type: 'Local' } }, items: [A] })
    apply(s, isi([ok(B)], { referencePolicy: 'Source' }))
    expect(s.spec.tags?.[0]?.referencePolicy).toEqual({ type: 'Local' })
  })

  it('ignores images without a destination tag', () => {
    const i = isi([ok(A)])
    const spec = i.spec.images?.[0]
    if (spec) delete spec.to
    const before = stream()
    expect(apply(structuredClone(before), i)).toEqual(before)
  })
})

describe('applyImport: failure (checkImportFailure)', () => {
  const missing: ImageImportStatus = {
    status: notFoundStatus('quay.io/team/app:v9'),
    tag: 'v9',
  }

  it('records ImportSuccess=False, keeps the history and resets the spec generation', () => {
    const s = apply(stream({ tag: {}, items: [A] }), isi([missing]))
    expect(items(s)).toEqual([[A, 1]])
    expect(conditions(s)).toEqual([
      {
        type: 'ImportSuccess',
        status: 'False',
        lastTransitionTime: NOW,
        reason: 'NotFound',
        message: 'dockerimage.image.openshift.io "quay.io/team/app:v9" not found',
        generation: 2,
      },
    ])
    expect(s.spec.tags?.[0]?.generation).toBe(0)
  })

  it('the same failure again changes nothing (BZ 1788700)', () => {
    const s = apply(stream({ tag: {}, items: [A] }), isi([missing]))
    const tag = s.spec.tags?.[0]
    if (tag) tag.generation = 2
    const before = structuredClone(s)
    apply(s, isi([missing]), 3)
    expect(s).toEqual(before)
  })

  it('a different message replaces the condition', () => {
    const s = apply(stream({ tag: {}, items: [A] }), isi([missing]))
    const other: ImageImportStatus = { status: { ...missing.status, message: 'other' } }
    apply(s, isi([other]), 3)
    expect(conditions(s)?.map((c) => [c.message, c.generation])).toEqual([['other', 3]])
  })

  it('an empty message becomes "unknown error prevented import"', () => {
    const s = apply(
      stream({ tag: {} }),
      isi([{ status: { status: 'Failure', reason: 'InternalError' } }])
    )
    expect(conditions(s)?.[0]?.message).toBe('unknown error prevented import')
  })

  it('a failed new tag still gets its spec tag', () => {
    const s = apply(stream(), isi([missing], { mode: 'PreserveOriginal' }), 1)
    expect(s.spec.tags).toEqual([
      {
        name: 'v1',
        from: { kind: 'DockerImage', name: 'quay.io/team/app:v1' },
        generation: 0,
        importPolicy: { importMode: 'PreserveOriginal' },
        referencePolicy: { type: 'Source' },
      },
    ])
    expect(s.status?.tags?.[0]).toMatchObject({ tag: 'v1', items: null })
  })

  it('a registry refused by allowedRegistriesForImport creates no tag', () => {
    const refused = {
      status: forbiddenStatus('importing images from registry "x:443" is forbidden'),
    }
    const before = stream()
    expect(apply(structuredClone(before), isi([refused]))).toEqual(before)
  })
})

describe('applyImport: repository images', () => {
  it('points each imported tag at <repository>:<tag>', () => {
    const s = stream()
    applyImport(
      s,
      {
        metadata: { name: 'app' },
        spec: {
          import: true,
          repository: {
            from: { kind: 'DockerImage', name: 'quay.io/team/app' },
            importPolicy: { importMode: 'Legacy' },
            referencePolicy: { type: 'Source' },
          },
        },
        status: {
          repository: {
            images: [
              { ...ok(A), tag: 'v2' },
              { status: notFoundStatus('quay.io/team/app:v3'), tag: 'v3' },
            ],
          },
        },
      },
      { now: NOW, nextGeneration: 1 }
    )
    expect(s.spec.tags?.map((t) => [t.name, t.from?.name])).toEqual([['v2', 'quay.io/team/app:v2']])
    expect(s.status?.tags?.map((t) => [t.tag, t.conditions?.[0]?.reason ?? 'ok'])).toEqual([
      ['v2', 'ok'],
      ['v3', 'NotFound'],
    ])
  })
})
