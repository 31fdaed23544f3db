import { describe, expect, it } from 'vitest'
import type { Image, ImageStream } from '../api/image/v1/types.js'
import type { Digest } from '../oci/digest.js'
import { MemoryStore } from '../store/memory-store.js'
import { lookupStreamContent } from './upstream-sources.js'

const d = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest
const INDEX = d('1')
const CHILD = d('2')
const OLD = d('3')
const LAYER = d('4')
const CONFIG = d('5')
const PUSHED = d('6')
const repo = { namespace: 'team', stream: 'app', name: 'team/app' }
const HOST = 'ours:5000'

async function world(): Promise<MemoryStore> {
  const store = new MemoryStore()
  const stream: ImageStream & { metadata: { name: string } } = {
    metadata: { name: 'app', namespace: 'team' },
    spec: { tags: [{ name: 'old', importPolicy: { insecure: true } }] },
    status: {
      tags: [
        {
          tag: 'latest',
          items: [
            {
              created: null,
              dockerImageReference: `quay.io/up/multi@${INDEX}`,
              image: INDEX,
              generation: 1,
            },
            {
              created: null,
              dockerImageReference: `mirror.io/old/app@${OLD}`,
              image: OLD,
              generation: 1,
            },
          ],
        },
        {
          tag: 'old',
          items: [
            {
              created: null,
              dockerImageReference: `plain.io:5000/x/app@${OLD}`,
              image: OLD,
              generation: 1,
            },
          ],
        },
        {
          tag: 'pushed',
          items: [
            {
              created: null,
              dockerImageReference: `${HOST}/team/app@${PUSHED}`,
              image: PUSHED,
              generation: 1,
            },
          ],
        },
      ],
    },
  }
  await store.create('imagestreams', stream)
  const images: (Image & { metadata: { name: string } })[] = [
    {
      metadata: { name: INDEX },
      dockerImageManifests: [
        { digest: CHILD, mediaType: 'x', manifestSize: 1, architecture: 'amd64', os: 'linux' },
      ],
    },
    {
      metadata: { name: CHILD },
      dockerImageMetadata: { Id: CONFIG },
      dockerImageLayers: [{ name: LAYER, size: 1, mediaType: 'x' }],
    },
    { metadata: { name: PUSHED }, dockerImageLayers: [{ name: LAYER, size: 1, mediaType: 'x' }] },
  ]
  for (const i of images) await store.create('images', i)
  return store
}

describe('lookupStreamContent', () => {
  it('finds a child manifest through its parent index, in the parent repository', async () => {
    const store = await world()
    const got = await lookupStreamContent({
      store,
      repo,
      digest: CHILD,
      kind: 'manifest',
      registryHostname: HOST,
    })
    expect(got).toEqual({
      referenced: true,
      sources: [{ registry: 'quay.io', repository: 'up/multi', insecure: false }],
    })
  })

  it('finds blobs of children (layers and config) and never lists ourselves', async () => {
    const store = await world()
    for (const digest of [LAYER, CONFIG]) {
      const got = await lookupStreamContent({
        store,
        repo,
        digest,
        kind: 'blob',
        registryHostname: HOST,
      })
      expect(got.referenced).toBe(true)
      expect(got.sources).toEqual([
        { registry: 'quay.io', repository: 'up/multi', insecure: false },
      ])
    }
  })

  it('orders newest items first, secure before insecure, with the tag insecure policy', async () => {
    const store = await world()
    const got = await lookupStreamContent({
      store,
      repo,
      digest: OLD,
      kind: 'manifest',
      registryHostname: HOST,
    })
    expect(got.sources).toEqual([
      { registry: 'mirror.io', repository: 'old/app', insecure: false },
      { registry: 'plain.io:5000', repository: 'x/app', insecure: true },
    ])
  })

  it('says referenced without sources for content pushed here', async () => {
    const store = await world()
    const got = await lookupStreamContent({
      store,
      repo,
      digest: PUSHED,
      kind: 'manifest',
      registryHostname: HOST,
    })
    expect(got).toEqual({ referenced: true, sources: [] })
  })

  it('does not know digests of other streams, nor missing streams', async () => {
    const store = await world()
    const other = await lookupStreamContent({
      store,
      repo,
      digest: d('9'),
      kind: 'blob',
      registryHostname: HOST,
    })
    expect(other).toEqual({ referenced: false, sources: [] })
    const missing = await lookupStreamContent({
      store,
      repo: { namespace: 'team', stream: 'nope', name: 'team/nope' },
      digest: CHILD,
      kind: 'manifest',
      registryHostname: HOST,
    })
    expect(missing.referenced).toBe(false)
  })
})
