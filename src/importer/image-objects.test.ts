import { describe, expect, it } from 'vitest'
import { buildImage, buildIndex } from '../../test/support/image-builder.js'
import { computeDigest, type Digest } from '../oci/digest.js'
import { parseManifest } from '../oci/manifest.js'
import { MediaType } from '../oci/media-types.js'
import {
  formatTime,
  imageForStorage,
  imageFromIndex,
  imageFromManifest,
  imageFromSchema1,
} from './image-objects.js'

const spec = {
  platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
  env: ['PATH=/bin', 'A=1'],
  labels: { a: 'b' },
  created: '2024-05-10T12:00:00.123456789Z',
  files: [{ path: 'x.txt', content: 'x\n' }],
}

describe('imageFromManifest', () => {
  it('fills metadata from the config, layers ascending, size = config + unique layers', () => {
    const built = buildImage(spec, 'docker')
    const manifest = parseManifest(built.manifest.bytes, built.manifest.mediaType)
    if (manifest.kind !== 'image') throw new Error('not an image')
    // The same layer twice counts once.
    const doubled = { ...manifest, layers: [...manifest.layers, ...manifest.layers] }
    const image = imageFromManifest({
      digest: built.manifest.digest,
      bytes: built.manifest.bytes,
      manifest: doubled,
      configBytes: built.config.bytes,
    })
    expect(image.metadata).toEqual({
      name: built.manifest.digest,
      annotations: { 'image.openshift.io/dockerLayersOrder': 'ascending' },
    })
    expect(image.dockerImageMetadata).toEqual({
      kind: 'DockerImage',
      apiVersion: 'image.openshift.io/1.0',
      Id: built.config.digest,
      Created: '2024-05-10T12:00:00Z',
      Config: { Env: ['PATH=/bin', 'A=1'], Cmd: ['/bin/sh'], Labels: { a: 'b' } },
      Architecture: 'arm',
      Os: 'linux',
      Variant: 'v7',
      Size: built.config.size + (built.layers[0]?.size ?? 0),
    })
    expect(image.dockerImageMetadataVersion).toBe('1.0')
    expect(image.dockerImageManifestMediaType).toBe(MediaType.DockerManifest)
    expect(image.dockerImageLayers).toHaveLength(2)
    expect(image.dockerImageLayers?.[0]).toEqual({
      name: built.layers[0]?.digest,
      size: built.layers[0]?.size,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    })
    expect(image.dockerImageManifest).toBe(built.manifest.bytes.toString('utf8'))
    expect(image.dockerImageConfig).toBe(built.config.bytes.toString('utf8'))

    const stored = imageForStorage({
      ...image,
      metadata: { ...image.metadata, resourceVersion: '7', uid: 'u' },
      signatures: [],
    })
    expect(stored).not.toHaveProperty('dockerImageManifest')
    expect(stored).not.toHaveProperty('dockerImageConfig')
    expect(stored).not.toHaveProperty('signatures')
    expect(stored.metadata).not.toHaveProperty('resourceVersion')
    expect(stored).toMatchObject({ apiVersion: 'image.openshift.io/v1', kind: 'Image' })
  })
})

describe('imageFromIndex', () => {
  it('lists the children with their platforms; no layers, Id = the list digest', () => {
    const index = buildIndex(
      [
        buildImage(spec, 'oci'),
        buildImage({ ...spec, platform: { architecture: 'amd64', os: 'linux' } }, 'oci'),
      ],
      'oci'
    )
    const parsed = parseManifest(index.index.bytes, index.index.mediaType)
    if (parsed.kind !== 'index') throw new Error('not an index')
    const image = imageFromIndex({
      digest: index.index.digest,
      manifest: parsed,
      now: '2026-01-01T00:00:00Z',
    })
    expect(image).toEqual({
      metadata: { name: index.index.digest },
      dockerImageMetadata: {
        kind: 'DockerImage',
        apiVersion: 'image.openshift.io/1.0',
        Id: index.index.digest,
        Created: '2026-01-01T00:00:00Z',
      },
      dockerImageMetadataVersion: '1.0',
      dockerImageManifestMediaType: MediaType.OciIndex,
      dockerImageManifests: index.children.map((c) => ({
        digest: c.manifest.digest,
        mediaType: MediaType.OciManifest,
        manifestSize: c.manifest.size,
        architecture: c.spec.platform.architecture,
        os: 'linux',
        ...(c.spec.platform.variant === undefined ? {} : { variant: c.spec.platform.variant }),
      })),
    })
  })
})

describe('imageFromSchema1', () => {
  it('reverses the layers, takes sizes and metadata from v1Compatibility', () => {
    const layer = (n: number) => `sha256:${String(n).repeat(64)}` as Digest
    const doc = {
      schemaVersion: 1,
      name: 'team/old',
      tag: 'v1',
      architecture: 'amd64',
      fsLayers: [{ blobSum: layer(2) }, { blobSum: layer(1) }],
      history: [
        {
          v1Compatibility: JSON.stringify({
            id: 'top',
            parent: 'base',
            created: '2016-01-01T00:00:00Z',
            author: 'me',
            architecture: 'amd64',
            os: 'linux',
            config: { Env: ['A=1'], Cmd: ['sh'] },
            Size: 20,
          }),
        },
        { v1Compatibility: JSON.stringify({ id: 'base', Size: 10 }) },
      ],
    }
    const bytes = new TextEncoder().encode(JSON.stringify(doc))
    const manifest = parseManifest(bytes, MediaType.DockerSchema1)
    if (manifest.kind !== 'schema1') throw new Error('not schema 1')
    const digest = computeDigest(bytes)
    const image = imageFromSchema1({ digest, bytes, manifest })
    expect(image.dockerImageLayers).toEqual([
      {
        name: layer(1),
        size: 10,
        mediaType: 'application/vnd.docker.container.image.rootfs.diff+x-gtar',
      },
      {
        name: layer(2),
        size: 20,
        mediaType: 'application/vnd.docker.container.image.rootfs.diff+x-gtar',
      },
    ])
    expect(image.dockerImageMetadata).toMatchObject({
      Id: 'top',
      Parent: 'base',
      Created: '2016-01-01T00:00:00Z',
      Author: 'me',
      Architecture: 'amd64',
      Os: 'linux',
      Config: { Env: ['A=1'], Cmd: ['sh'] },
      Size: 30,
    })
    expect(image.dockerImageManifestMediaType).toBe(MediaType.DockerSchema1)
  })

  it('refuses a manifest without history', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ schemaVersion: 1, fsLayers: [], history: [] })
    )
    const manifest = parseManifest(bytes, MediaType.DockerSchema1)
    if (manifest.kind !== 'schema1') throw new Error('not schema 1')
    expect(() => imageFromSchema1({ digest: computeDigest(bytes), bytes, manifest })).toThrow(
      'image has no v1Compatibility history and cannot be used'
    )
  })
})

describe('formatTime', () => {
  it('renders whole seconds in UTC as metav1.Time', () => {
    expect(formatTime(Date.parse('2026-02-03T04:05:06.789Z'))).toBe('2026-02-03T04:05:06Z')
  })
})
