import { describe, expect, it } from 'vitest'
import { formatFieldError } from '../../field-errors.js'
import { validateImage, validateImageManifests } from './image-validation.js'
import type { Image, ImageManifest } from './types.js'

const DIGEST = `sha256:${'82bc737c1fede1c1534446cd5fdd0737c4e0f3650454c9e1905e2d70af95778e'}`

function image(overrides: Partial<Image> = {}): Image {
  return {
    metadata: { name: DIGEST },
    dockerImageReference: `quay.io/team/app@${DIGEST}`,
    ...overrides,
  }
}

const manifest = (overrides: Partial<ImageManifest> = {}): ImageManifest => ({
  digest: DIGEST,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  manifestSize: 10,
  architecture: 'amd64',
  os: 'linux',
  ...overrides,
})

describe('validateImageManifests', () => {
  it.each<[string, ImageManifest, string[]]>([
    ['valid', manifest(), []],
    [
      'invalid digest',
      manifest({ digest: 'abc' }),
      ['m[0].digest: Invalid value: "abc": digest does not conform with OCI image specification'],
    ],
    [
      'invalid media type',
      manifest({ mediaType: 'foobar' }),
      ['m[0].mediaType: Invalid value: "foobar": media type does not conform to RFC6838'],
    ],
    [
      'required architecture',
      manifest({ architecture: '' }),
      ['m[0].architecture: Required value'],
    ],
    ['required os', manifest({ os: '' }), ['m[0].os: Required value']],
    [
      'negative size',
      manifest({ manifestSize: -2 }),
      ['m[0].manifestSize: Invalid value: -2: manifest size cannot be negative'],
    ],
  ])('%s', (_name, m, expected) => {
    expect(validateImageManifests([m], 'm').map(formatFieldError)).toEqual(expected)
  })
})

describe('validateImage', () => {
  it('accepts an imported image', () => {
    expect(validateImage(image())).toEqual([])
  })

  it.each<[string, Image, string[]]>([
    [
      'missing reference',
      image({ dockerImageReference: '' }),
      ['dockerImageReference: Required value'],
    ],
    [
      'bad reference',
      image({ dockerImageReference: 'a//b' }),
      ['dockerImageReference: Invalid value: "a//b": invalid reference format'],
    ],
    [
      'name that is no digest',
      image({ metadata: { name: 'foo' } }),
      [
        'metadata.name: Invalid value: "foo": must be the image digest, e.g. sha256:<64 hexadecimal characters>',
      ],
    ],
    [
      'slash in name',
      image({ metadata: { name: 'foo/bar' } }),
      [`metadata.name: Invalid value: "foo/bar": may not contain '/'`],
    ],
    [
      'namespaced',
      image({ metadata: { name: DIGEST, namespace: 'x' } }),
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
    [
      'list with layers',
      image({
        dockerImageManifests: [manifest()],
        dockerImageLayers: [
          { name: DIGEST, size: 1, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
        ],
      }),
      [
        `dockerImageLayers: Invalid value: [{"name":"${DIGEST}","size":1,"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip"}]: dockerImageLayers should not be set when dockerImageManifests is set`,
      ],
    ],
    [
      'signature without type and content',
      image({ signatures: [{ metadata: { name: 'nosig' }, type: '', content: '' }] }),
      [
        'signatures[0].metadata.name: Invalid value: "nosig": name must be of format <imageName>@<signatureName>',
        'signatures[0].type: Required value',
        'signatures[0].content: Required value',
      ],
    ],
  ])('%s', (_name, img, expected) => {
    expect(validateImage(img).map(formatFieldError)).toEqual(expected)
  })
})
