import { describe, expect, it } from 'vitest'
import {
  setDefaultsImageStream,
  setDefaultsImageStreamImport,
  setDefaultsImageStreamTag,
} from './defaults.js'
import type { ImageImportSpec, ImageStream, ImageStreamImport, TagReference } from './types.js'

function streamWith(tags: TagReference[]): ImageStream {
  return { metadata: { name: 'app' }, spec: { tags } }
}

describe('setDefaultsImageStream', () => {
  it.each<[string, TagReference, TagReference]>([
    [
      'empty policies',
      { name: 'a', importPolicy: {}, referencePolicy: {} },
      { name: 'a', importPolicy: { importMode: 'Legacy' }, referencePolicy: { type: 'Source' } },
    ],
    [
      'missing policies are created, as Go serialises value structs',
      { name: 'a' },
      { name: 'a', importPolicy: { importMode: 'Legacy' }, referencePolicy: { type: 'Source' } },
    ],
    [
      'given values are kept',
      {
        name: 'a',
        importPolicy: { importMode: 'PreserveOriginal', scheduled: true },
        referencePolicy: { type: 'Local' },
      },
      {
        name: 'a',
        importPolicy: { importMode: 'PreserveOriginal', scheduled: true },
        referencePolicy: { type: 'Local' },
      },
    ],
    [
      'invalid values are kept for validation to report',
      { name: 'a', importPolicy: { importMode: 'X' }, referencePolicy: { type: 'Y' } },
      { name: 'a', importPolicy: { importMode: 'X' }, referencePolicy: { type: 'Y' } },
    ],
    [
      'nulls and other fields are untouched',
      {
        name: 'a',
        generation: null,
        annotations: null,
        from: { kind: 'ImageStreamTag', name: 'b' },
      },
      {
        name: 'a',
        generation: null,
        annotations: null,
        from: { kind: 'ImageStreamTag', name: 'b' },
        importPolicy: { importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
    ],
  ])('%s', (_name, input, expected) => {
    const s = streamWith([input])
    setDefaultsImageStream(s)
    expect(s.spec.tags?.[0]).toStrictEqual(expected)
  })

  it('uses the configured default import mode', () => {
    const s = streamWith([{ name: 'a', importPolicy: {} }])
    setDefaultsImageStream(s, { importMode: 'PreserveOriginal' })
    expect(s.spec.tags?.[0]?.importPolicy).toEqual({ importMode: 'PreserveOriginal' })
  })

  it('leaves a stream without tags alone', () => {
    const s: ImageStream = {
      metadata: { name: 'app' },
      spec: {},
      status: { dockerImageRepository: '' },
    }
    setDefaultsImageStream(s)
    expect(s).toStrictEqual({
      metadata: { name: 'app' },
      spec: {},
      status: { dockerImageRepository: '' },
    })
  })
})

describe('setDefaultsImageStreamTag', () => {
  it('defaults the tag when present', () => {
    const istag = { metadata: { name: 'app:1' }, tag: { name: '1' } }
    setDefaultsImageStreamTag(istag)
    expect(istag.tag).toEqual({
      name: '1',
      importPolicy: { importMode: 'Legacy' },
      referencePolicy: { type: 'Source' },
    })
    const empty = { metadata: { name: 'app:1' }, tag: null }
    setDefaultsImageStreamTag(empty)
    expect(empty.tag).toBeNull()
  })
})

describe('setDefaultsImageStreamImport', () => {
  it.each<[string, ImageImportSpec, ImageImportSpec['to']]>([
    [
      'tag becomes the target',
      { from: { kind: 'DockerImage', name: 'quay.io/a/b:1.2' } },
      { name: '1.2' },
    ],
    [
      'digest only: no target',
      { from: { kind: 'DockerImage', name: `busybox@sha256:${'a'.repeat(64)}` } },
      undefined,
    ],
    ['no tag: no target', { from: { kind: 'DockerImage', name: 'busybox' } }, undefined],
    ['unparsable: no target', { from: { kind: 'DockerImage', name: 'A//b:1' } }, undefined],
    [
      'explicit target kept',
      { from: { kind: 'DockerImage', name: 'busybox:1' }, to: { name: 'x' } },
      { name: 'x' },
    ],
    [
      'registry with port',
      { from: { kind: 'DockerImage', name: 'localhost:5000/a:v2' } },
      { name: 'v2' },
    ],
  ])('%s', (_name, image, to) => {
    const isi: ImageStreamImport = {
      metadata: { name: 'b' },
      spec: { import: true, images: [image] },
    }
    setDefaultsImageStreamImport(isi)
    expect(isi.spec.images?.[0]?.to).toEqual(to)
    expect(isi.spec.images?.[0]?.importPolicy).toEqual({ importMode: 'Legacy' })
    expect(isi.spec.images?.[0]?.referencePolicy).toEqual({ type: 'Source' })
  })

  it('defaults the repository and the imported stream in status', () => {
    const isi: ImageStreamImport = {
      metadata: { name: 'b' },
      spec: { import: true, repository: { from: { kind: 'DockerImage', name: 'quay.io/a/b' } } },
      status: { import: streamWith([{ name: 'x' }]) },
    }
    setDefaultsImageStreamImport(isi, { importMode: 'PreserveOriginal' })
    expect(isi.spec.repository?.importPolicy).toEqual({ importMode: 'PreserveOriginal' })
    expect(isi.spec.repository?.referencePolicy).toEqual({ type: 'Source' })
    expect(isi.status?.import?.spec.tags?.[0]?.importPolicy).toEqual({
      importMode: 'PreserveOriginal',
    })
  })
})
