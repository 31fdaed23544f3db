import { describe, expect, it } from 'vitest'
import type { Image, ImageStream } from '../api/image/v1/types.js'
import { computeDigest } from '../oci/digest.js'
import { parseManifest } from '../oci/manifest.js'
import { MediaType } from '../oci/media-types.js'
import { MemoryStore } from '../store/memory-store.js'
import { mapPushedManifest } from './image-mapping.js'

const config = new TextEncoder().encode(
  JSON.stringify({
    architecture: 'arm64',
    os: 'linux',
    config: { Env: ['A=1'] },
    created: '2026-01-01T00:00:00Z',
  })
)
const layer = computeDigest(new TextEncoder().encode('layer'))
const bytes = new TextEncoder().encode(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: {
      mediaType: MediaType.OciConfig,
      digest: computeDigest(config),
      size: config.byteLength,
    },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 10 }],
  })
)
const digest = computeDigest(bytes)
const repo = { namespace: 'team', stream: 'app', name: 'team/app' }
type Named<T> = T & { metadata: { name: string } }

function deps(store: MemoryStore) {
  return {
    store,
    now: () => Date.parse('2026-02-03T04:05:06Z'),
    registryHostname: 'ours:5000',
    readConfig: async () => config,
  }
}

describe('mapPushedManifest', () => {
  it('creates the Image like an import would, and the stream with the tag', async () => {
    const store = new MemoryStore()
    await mapPushedManifest(deps(store), {
      repo,
      digest,
      bytes,
      manifest: parseManifest(bytes, MediaType.OciManifest),
      tags: ['v1'],
    })
    const image = await store.get<Named<Image>>({ resource: 'images', name: digest })
    expect(image).toMatchObject({
      kind: 'Image',
      dockerImageReference: `ours:5000/team/app@${digest}`,
      dockerImageManifestMediaType: MediaType.OciManifest,
      dockerImageMetadata: {
        Architecture: 'arm64',
        Id: computeDigest(config),
        Size: config.byteLength + 10,
      },
      dockerImageLayers: [{ name: layer, size: 10 }],
    })
    expect(image?.dockerImageManifest).toBeUndefined()
    const stream = await store.get<Named<ImageStream>>({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'app',
    })
    expect(stream?.metadata.generation).toBe(1)
    expect(stream?.status).toEqual({
      dockerImageRepository: 'ours:5000/team/app',
      tags: [
        {
          tag: 'v1',
          items: [
            {
              created: '2026-02-03T04:05:06Z',
              dockerImageReference: `ours:5000/team/app@${digest}`,
              image: digest,
              generation: 1,
            },
          ],
        },
      ],
    })
  })

  it('moves tags that track the pushed tag', async () => {
    const store = new MemoryStore()
    await store.create<Named<ImageStream>>('imagestreams', {
      metadata: { name: 'app', namespace: 'team', generation: 2 },
      spec: { tags: [{ name: 'stable', from: { kind: 'ImageStreamTag', name: 'v1' } }] },
    })
    await mapPushedManifest(deps(store), {
      repo,
      digest,
      bytes,
      manifest: parseManifest(bytes, MediaType.OciManifest),
      tags: ['v1'],
    })
    const stream = await store.get<Named<ImageStream>>({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'app',
    })
    expect(
      stream?.status?.tags?.map((t) => [t.tag, t.items?.[0]?.image, t.items?.[0]?.generation])
    ).toEqual([
      ['stable', digest, 2],
      ['v1', digest, 2],
    ])
  })

  it('creates the Image only for a push by digest, and keeps an existing Image', async () => {
    const store = new MemoryStore()
    await store.create<Named<Image>>('images', {
      metadata: { name: digest, annotations: { keep: 'me' } },
      dockerImageReference: `elsewhere.io/x@${digest}`,
    })
    await mapPushedManifest(deps(store), {
      repo,
      digest,
      bytes,
      manifest: parseManifest(bytes, MediaType.OciManifest),
      tags: [],
    })
    const image = await store.get<Named<Image>>({ resource: 'images', name: digest })
    expect(image?.metadata.annotations).toEqual({ keep: 'me' })
    expect(
      await store.get({ resource: 'imagestreams', namespace: 'team', name: 'app' })
    ).toBeUndefined()
  })

  it('creates the stream once when two pushes race', async () => {
    const store = new MemoryStore()
    const push = (tag: string) =>
      mapPushedManifest(deps(store), {
        repo,
        digest,
        bytes,
        manifest: parseManifest(bytes, MediaType.OciManifest),
        tags: [tag],
      })
    await Promise.all([push('a'), push('b'), push('c')])
    const stream = await store.get<Named<ImageStream>>({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'app',
    })
    expect(stream?.status?.tags?.map((t) => t.tag)).toEqual(['a', 'b', 'c'])
  })
})
