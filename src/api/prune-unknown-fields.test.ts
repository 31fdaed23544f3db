import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import {
  pruneUnknownFields,
  schemaForKind,
  strictDecodingError,
  unknownFieldWarning,
} from './prune-unknown-fields.js'
import { RESOURCES } from './scheme.js'

const stream = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: {
    name: 'app',
    creationTimestamp: null,
    annotations: { 'anything.example.com/x': 'y' },
    labels: { app: 'x' },
    managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }],
  },
  spec: {
    lookupPolicy: { local: false },
    tags: [
      {
        name: 'latest',
        annotations: { description: 'd' },
        from: { kind: 'DockerImage', name: 'quay.io/a/b:1' },
        generation: null,
        importPolicy: { scheduled: true },
        referencePolicy: { type: 'Local' },
      },
    ],
  },
  status: { dockerImageRepository: '' },
}

describe('pruneUnknownFields', () => {
  it('has a schema for every kind of the scheme and their lists', () => {
    for (const r of RESOURCES) {
      expect(schemaForKind(r.kind)).toBeDefined()
      expect(schemaForKind(r.listKind)).toBeDefined()
    }
    expect(schemaForKind('Pod')).toBeUndefined()
  })

  it('keeps a complete ImageStream unchanged', () => {
    const result = pruneUnknownFields('ImageStream', stream)
    expect(result.unknown).toEqual([])
    expect(result.obj).toStrictEqual(stream)
  })

  it('drops unknown fields at any depth and names them', () => {
    const input = structuredClone(stream) as Record<string, unknown> & typeof stream
    Object.assign(input, { extra: 1 })
    Object.assign(input.spec, { foo: 'bar' })
    Object.assign(input.metadata, { bogus: true })
    Object.assign(input.spec.tags[0] as object, { importpolicy: {} })
    Object.assign(input.spec.tags[0]?.from as object, { tag: 'x' })
    const result = pruneUnknownFields('ImageStream', input)
    // In document order.
    expect(result.unknown).toEqual([
      'metadata.bogus',
      'spec.tags[0].from.tag',
      'spec.tags[0].importpolicy',
      'spec.foo',
      'extra',
    ])
    expect(result.obj).toStrictEqual(stream)
  })

  it('reports mistyped fields', () => {
    const input = structuredClone(stream) as unknown as { spec: { tags: unknown } }
    input.spec.tags = 'latest'
    expect(pruneUnknownFields('ImageStream', input).wrongTypes).toEqual([
      { field: 'spec.tags', expected: 'array', got: 'string' },
    ])
  })

  it('keeps image metadata whole (a RawExtension)', () => {
    const image = {
      kind: 'Image',
      metadata: { name: 'sha256:x' },
      dockerImageMetadata: {
        kind: 'DockerImage',
        apiVersion: 'image.openshift.io/1.0',
        Id: 'sha256:c',
        Config: { Env: ['A=b'], Unknown: 1 },
      },
      dockerImageLayers: [{ name: 'sha256:l', size: 1, mediaType: 'm', extra: 2 }],
    }
    const result = pruneUnknownFields('Image', image)
    expect(result.unknown).toEqual(['dockerImageLayers[0].extra'])
    expect((result.obj as typeof image).dockerImageMetadata).toStrictEqual(
      image.dockerImageMetadata
    )
  })

  it('prunes typed lists and generic List items by their kind', () => {
    const list = {
      kind: 'ImageStreamList',
      apiVersion: 'image.openshift.io/v1',
      metadata: { resourceVersion: '1' },
      items: [{ ...stream, x: 1 }],
    }
    expect(pruneUnknownFields('ImageStreamList', list).unknown).toEqual(['items[0].x'])
    const generic = {
      kind: 'List',
      apiVersion: 'v1',
      items: [
        { ...stream, x: 1 },
        {
          kind: 'Secret',
          metadata: { name: 's' },
          data: { '.dockerconfigjson': 'e30=' },
          bogus: 2,
        },
      ],
    }
    const result = pruneUnknownFields('List', generic)
    expect(result.unknown).toEqual(['items[0].x', 'items[1].bogus'])
    expect((result.obj as typeof generic).items[1]).toStrictEqual({
      kind: 'Secret',
      metadata: { name: 's' },
      data: { '.dockerconfigjson': 'e30=' },
    })
  })

  it('rejects kinds that are not served', () => {
    let caught: unknown
    try {
      pruneUnknownFields('Pod', {})
    } catch (err) {
      caught = err
    }
    expect(isAppError(caught, Reason.BadRequest)).toBe(true)
  })

  it('words warnings and strict errors as Kubernetes does', () => {
    expect(unknownFieldWarning('spec.foo')).toBe('unknown field "spec.foo"')
    const err = strictDecodingError(['spec.foo', 'spec.bar'])
    expect(err.reason).toBe(Reason.BadRequest)
    expect(err.message).toBe(
      'strict decoding error: unknown field "spec.foo", unknown field "spec.bar"'
    )
  })
})
