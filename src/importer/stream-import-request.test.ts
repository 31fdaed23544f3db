import { describe, expect, it } from 'vitest'
import type { ImageStream, TagReference } from '../api/image/v1/types.js'
import { imageStreamImportForStream } from './stream-import-request.js'

const CHECKED = { 'openshift.io/image.dockerRepositoryCheck': '2026-01-01T00:00:00Z' }

function tag(
  name: string,
  generation: number | undefined,
  o: Partial<TagReference> = {}
): TagReference {
  return {
    name,
    from: { kind: 'DockerImage', name: `quay.io/team/app:${name}` },
    ...(generation === undefined ? {} : { generation }),
    importPolicy: { importMode: 'PreserveOriginal', scheduled: true },
    referencePolicy: { type: 'Local' },
    ...o,
  }
}

function stream(o: {
  tags: TagReference[]
  observed?: Record<string, number>
  failed?: Record<string, number>
  annotations?: Record<string, string>
  repository?: string
}): ImageStream {
  const names = new Set([...Object.keys(o.observed ?? {}), ...Object.keys(o.failed ?? {})])
  return {
    metadata: {
      name: 'app',
      namespace: 'ns',
      resourceVersion: '42',
      uid: 'u-1',
      generation: 3,
      annotations: o.annotations ?? CHECKED,
    },
    spec: {
      tags: o.tags,
      ...(o.repository === undefined ? {} : { dockerImageRepository: o.repository }),
    },
    status: {
      tags: [...names].map((t) => ({
        tag: t,
        items:
          o.observed?.[t] === undefined
            ? null
            : [
                {
                  created: null,
                  dockerImageReference: 'x@sha256:1',
                  image: 'sha256:1',
                  generation: o.observed[t] ?? 0,
                },
              ],
        ...(o.failed?.[t] === undefined
          ? {}
          : {
              conditions: [
                { type: 'ImportSuccess', status: 'False', generation: o.failed[t] ?? 0 },
              ],
            }),
      })),
    },
  }
}

const names = (s: ImageStream, o: { tags?: string[] } = {}) =>
  imageStreamImportForStream(s, { mode: 'spec-policy', ...o })?.spec.images?.map((i) => i.to?.name)

describe('imageStreamImportForStream', () => {
  it('imports the tags whose spec generation is newer than observed, with their own policies', () => {
    const s = stream({
      tags: [tag('a', 3), tag('b', 2), tag('c', 3)],
      observed: { a: 2, b: 2, c: 1 },
      failed: { c: 3 },
    })
    const isi = imageStreamImportForStream(s, { mode: 'spec-policy' })
    expect(isi).toEqual({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamImport',
      metadata: { name: 'app', namespace: 'ns', resourceVersion: '42', uid: 'u-1' },
      spec: {
        import: true,
        images: [
          {
            from: { kind: 'DockerImage', name: 'quay.io/team/app:a' },
            to: { name: 'a' },
            importPolicy: { importMode: 'PreserveOriginal', scheduled: true },
            referencePolicy: { type: 'Local' },
          },
        ],
      },
    })
  })

  it('returns nothing when every tag is observed, or only reference/stream tags exist', () => {
    expect(
      imageStreamImportForStream(stream({ tags: [tag('a', 2)], observed: { a: 2 } }), {
        mode: 'spec-policy',
      })
    ).toBeUndefined()
    const refs = [
      tag('r', 5, { reference: true }),
      tag('i', 5, { from: { kind: 'ImageStreamTag', name: 'other:latest' } }),
    ]
    expect(
      imageStreamImportForStream(stream({ tags: refs }), { mode: 'spec-policy' })
    ).toBeUndefined()
  })

  it('a tag without generation is imported along with newer ones, not on its own', () => {
    expect(names(stream({ tags: [tag('a', 3), tag('n', undefined)], observed: { a: 1 } }))).toEqual(
      ['a', 'n']
    )
    expect(names(stream({ tags: [tag('n', undefined)] }))).toBeUndefined()
  })

  it('without the check annotation: every importable tag not yet observed', () => {
    const s = stream({
      tags: [tag('a', 2), tag('b', undefined)],
      observed: { a: 2 },
      annotations: {},
    })
    expect(names(s)).toEqual(['b'])
  })

  it('a full import of spec.dockerImageRepository until the annotation is set', () => {
    const s = stream({
      tags: [tag('a', 2)],
      observed: { a: 2 },
      annotations: { 'openshift.io/image.insecureRepository': 'true' },
      repository: 'quay.io/team/app',
    })
    const isi = imageStreamImportForStream(s, { mode: 'spec-policy' })
    expect(isi?.spec.images?.map((i) => i.to?.name)).toEqual(['a'])
    expect(isi?.spec.repository).toEqual({
      from: { kind: 'DockerImage', name: 'quay.io/team/app' },
      importPolicy: { insecure: true },
    })
    expect(
      imageStreamImportForStream(
        { ...s, metadata: { ...s.metadata, annotations: CHECKED } },
        { mode: 'spec-policy' }
      )
    ).toBeUndefined()
  })

  it('the tags given are imported whatever their generation (scheduled re-import)', () => {
    const s = stream({
      tags: [tag('a', 2), tag('b', 2), tag('r', 2, { reference: true })],
      observed: { a: 2, b: 2 },
    })
    expect(names(s, { tags: ['b', 'r', 'missing'] })).toEqual(['b'])
  })
})
