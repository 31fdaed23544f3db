import { beforeEach, describe, expect, it } from 'vitest'
import type { ImageStreamImport } from '../api/image/v1/types.js'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createApiApp } from './app.js'
import { createTokenAuthority } from './token-authority.js'

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON replies by path
type Json = any

// The virtual kinds: ImageStreamTag (reads status + Image, writes spec tags), ImageStreamImage
// (`stream@digest`) and ImageStreamImport (validated, then handed to the importer).

const G = '/apis/image.openshift.io/v1'
const IS = `${G}/namespaces/ns/imagestreams`
const ISTAG = `${G}/namespaces/ns/imagestreamtags`
const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`

function setup() {
  const clock = { now: () => Date.parse('2026-08-22T10:00:00Z'), sleep: async () => {} }
  const store = new MemoryStore({ clock })
  const imports: { namespace: string; isi: ImageStreamImport }[] = []
  const app = createApiApp({
    store,
    importer: async (namespace, isi) => {
      imports.push({ namespace, isi: structuredClone(isi) })
      return { ...isi, status: { images: [{ status: { status: 'Success' }, tag: 'latest' }] } }
    },
    tokens: createTokenAuthority({ key: new Uint8Array(32).fill(1), clock, store }),
    adminToken: 'admin',
    clock,
    logger: noopLogger,
    settings: { defaultImportMode: 'Legacy', registryHostname: 'registry.local:5000' },
  })
  const api = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await app.request(path, {
      method,
      headers: { authorization: 'Bearer admin', 'content-type': type },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return {
      status: res.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, Json>),
    }
  }
  return { store, api, imports }
}

let t: ReturnType<typeof setup>
beforeEach(async () => {
  t = setup()
  await t.api('POST', '/api/v1/namespaces', { metadata: { name: 'ns' } })
  // A stream with `1.0` imported (history of two images) and `local` pulled through our registry.
  await t.api('POST', IS, {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      tags: [
        {
          name: '1.0',
          annotations: { note: 'first' },
          from: { kind: 'DockerImage', name: 'quay.io/x/web:1.0' },
        },
        {
          name: 'local',
          from: { kind: 'DockerImage', name: 'quay.io/x/web:2.0' },
          referencePolicy: { type: 'Local' },
        },
      ],
    },
  })
  const cur = await t.api('GET', `${IS}/web`)
  cur.body.status.tags = [
    {
      tag: '1.0',
      items: [
        {
          created: '2026-08-22T09:00:00Z',
          dockerImageReference: `quay.io/x/web@${D1}`,
          image: D1,
          generation: 1,
        },
        {
          created: '2026-08-21T09:00:00Z',
          dockerImageReference: `quay.io/x/web@${D2}`,
          image: D2,
          generation: 1,
        },
      ],
    },
    {
      tag: 'local',
      items: [
        {
          created: '2026-08-22T09:30:00Z',
          dockerImageReference: `quay.io/x/web@${D2}`,
          image: D2,
          generation: 1,
        },
      ],
    },
  ]
  expect((await t.api('PUT', `${IS}/web/status`, cur.body)).status).toBe(200)
  await t.store.create('images', {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: D1 },
    dockerImageReference: `quay.io/x/web@${D1}`,
    dockerImageManifest: '{"big":"manifest"}',
    dockerImageMetadata: { Architecture: 'amd64' },
  })
})

describe('imagestreamtags', () => {
  it('shows a tag with its image, spec tag and annotations', async () => {
    const r = await t.api('GET', `${ISTAG}/web:1.0`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      kind: 'ImageStreamTag',
      apiVersion: 'image.openshift.io/v1',
      metadata: {
        name: 'web:1.0',
        namespace: 'ns',
        creationTimestamp: '2026-08-22T09:00:00Z',
        labels: { app: 'web' },
        annotations: { note: 'first' },
      },
      tag: { name: '1.0', from: { kind: 'DockerImage', name: 'quay.io/x/web:1.0' } },
      generation: 1,
      lookupPolicy: { local: false },
      image: {
        metadata: { name: D1, annotations: { note: 'first' } },
        dockerImageReference: `quay.io/x/web@${D1}`,
        dockerImageMetadata: { Architecture: 'amd64' },
      },
    })
    expect(r.body.image.dockerImageManifest).toBeUndefined()
  })

  it('resolves referencePolicy Local to our registry and shows the image name when the Image is missing', async () => {
    const r = await t.api('GET', `${ISTAG}/web:local`)
    expect(r.body.image).toEqual({
      metadata: { name: D2 },
      dockerImageReference: `registry.local:5000/ns/web@${D2}`,
    })
  })

  it('answers 404 for tags without an image and for missing streams', async () => {
    await t.api(
      'PATCH',
      `${IS}/web`,
      { spec: { tags: [{ name: 'new', from: { kind: 'DockerImage', name: 'quay.io/x/web:3' } }] } },
      'application/strategic-merge-patch+json'
    )
    const noImage = await t.api('GET', `${ISTAG}/web:new`)
    expect(noImage.status).toBe(404)
    expect(noImage.body.message).toBe('imagestreamtags.image.openshift.io "web:new" not found')
    const noStream = await t.api('GET', `${ISTAG}/ghost:1`)
    expect(noStream.body.message).toBe('imagestreams.image.openshift.io "ghost" not found')
    expect((await t.api('GET', `${ISTAG}/no-colon`)).status).toBe(400)
  })

  it('lists the tags that have images', async () => {
    const r = await t.api('GET', ISTAG)
    expect(r.body.kind).toBe('ImageStreamTagList')
    expect(r.body.items.map((i: Json) => [i.metadata.name, i.image.dockerImageReference])).toEqual([
      ['web:1.0', `quay.io/x/web@${D1}`],
      ['web:local', `registry.local:5000/ns/web@${D2}`],
    ])
    const one = await t.api('GET', `${ISTAG}?fieldSelector=metadata.name%3Dweb%3Alocal`)
    expect(one.body.items).toHaveLength(1)
  })

  it('creates a spec tag with POST, creating the stream when needed, and refuses duplicates', async () => {
    const body = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamTag',
      metadata: { name: 'other:v1' },
      tag: { from: { kind: 'DockerImage', name: 'quay.io/x/other:v1' } },
    }
    const r = await t.api('POST', ISTAG, body)
    expect(r.status).toBe(201)
    expect(r.body.tag).toMatchObject({
      name: 'v1',
      generation: 1,
      importPolicy: { importMode: 'Legacy' },
    })
    const s = await t.api('GET', `${IS}/other`)
    expect(s.body.spec.tags.map((x: Json) => x.name)).toEqual(['v1'])
    const dup = await t.api('POST', ISTAG, body)
    expect(dup.status).toBe(409)
    expect(dup.body.message).toBe('imagestreamtag.image.openshift.io "other:v1" already exists')
  })

  it('replaces a spec tag with PUT and patches it with PATCH', async () => {
    const cur = await t.api('GET', `${ISTAG}/web:1.0`)
    cur.body.tag.from.name = 'quay.io/x/web:1.0.1'
    const put = await t.api('PUT', `${ISTAG}/web:1.0`, cur.body)
    expect(put.status).toBe(200)
    const stream = await t.api('GET', `${IS}/web`)
    expect(stream.body.metadata.generation).toBe(2)
    expect(stream.body.spec.tags[0]).toMatchObject({
      name: '1.0',
      from: { name: 'quay.io/x/web:1.0.1' },
      generation: 2,
    })
    const stale = await t.api('PUT', `${ISTAG}/web:1.0`, cur.body)
    expect(stale.status).toBe(409)
    expect(stale.body.message).toBe(
      `Operation cannot be fulfilled on imagestreamtags.image.openshift.io "web:1.0": another caller has updated the resource version to ${stream.body.metadata.resourceVersion}`
    )
    const patched = await t.api(
      'PATCH',
      `${ISTAG}/web:2.0`,
      { tag: { from: { kind: 'DockerImage', name: 'quay.io/x/web:2.0' } } },
      'application/merge-patch+json'
    )
    expect(patched.status).toBe(200)
    expect((await t.api('GET', `${IS}/web`)).body.spec.tags.map((x: Json) => x.name)).toEqual([
      '1.0',
      'local',
      '2.0',
    ])
  })

  it('refuses to update a tag without a spec tag when none is given', async () => {
    const r = await t.api('PUT', `${ISTAG}/web:ghost`, {
      metadata: { name: 'web:ghost' },
      tag: null,
    })
    expect(r.status).toBe(400)
    expect(r.body.message).toBe(
      'imagestreamtag ghost is not a spec tag in imagestream ns/web, cannot be updated'
    )
  })

  it('deletes the spec tag and its history', async () => {
    const r = await t.api('DELETE', `${ISTAG}/web:1.0`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Success' })
    const s = await t.api('GET', `${IS}/web`)
    expect(s.body.spec.tags.map((x: Json) => x.name)).toEqual(['local'])
    expect(s.body.status.tags.map((x: Json) => x.tag)).toEqual(['local'])
    expect((await t.api('DELETE', `${ISTAG}/web:1.0`)).status).toBe(404)
  })
})

describe('imagestreamimages', () => {
  it('finds an image of the stream by digest or unique prefix', async () => {
    const r = await t.api('GET', `${G}/namespaces/ns/imagestreamimages/web@${D1}`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      kind: 'ImageStreamImage',
      metadata: { name: `web@${D1}`, namespace: 'ns' },
      image: { metadata: { name: D1 } },
    })
    expect(r.body.image.dockerImageManifest).toBeUndefined()
    const prefix = await t.api('GET', `${G}/namespaces/ns/imagestreamimages/web@111111`)
    expect(prefix.body.image.metadata.name).toBe(D1)
  })

  it('answers 404 for unknown images and 400 for names without @', async () => {
    const r = await t.api('GET', `${G}/namespaces/ns/imagestreamimages/web@sha256:ffff`)
    expect(r.status).toBe(404)
    expect(r.body.message).toBe('imagestreamimage.image.openshift.io "sha256:ffff" not found')
    expect((await t.api('GET', `${G}/namespaces/ns/imagestreamimages/web`)).status).toBe(400)
    // The history references D2 but its Image object does not exist.
    expect(
      (await t.api('GET', `${G}/namespaces/ns/imagestreamimages/web@${D2}`)).body.message
    ).toBe(`images.image.openshift.io "${D2}" not found`)
  })
})

describe('imagestreamimports', () => {
  const isi = (spec: Record<string, unknown>) => ({
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStreamImport',
    metadata: { name: 'web' },
    spec,
  })

  it('defaults and validates the request, then hands it to the importer', async () => {
    const r = await t.api('POST', `${G}/namespaces/ns/imagestreamimports`, {
      ...isi({
        import: true,
        images: [{ from: { kind: 'DockerImage', name: 'quay.io/x/web:3.0' } }],
      }),
      status: { images: [{ tag: 'forged' }] },
    })
    expect(r.status).toBe(201)
    expect(r.body.status.images[0].tag).toBe('latest')
    expect(t.imports).toHaveLength(1)
    expect(t.imports[0]?.namespace).toBe('ns')
    expect(t.imports[0]?.isi.status).toBeUndefined()
    expect(t.imports[0]?.isi.spec.images?.[0]).toEqual({
      from: { kind: 'DockerImage', name: 'quay.io/x/web:3.0' },
      to: { name: '3.0' },
      importPolicy: { importMode: 'Legacy' },
      referencePolicy: { type: 'Source' },
    })
  })

  it('rejects invalid requests without calling the importer', async () => {
    const r = await t.api('POST', `${G}/namespaces/ns/imagestreamimports`, isi({ import: true }))
    expect(r.status).toBe(422)
    expect(r.body.message).toBe(
      'ImageStreamImport.image.openshift.io "web" is invalid: spec.images: Invalid value: "null": you must specify at least one image or a repository import'
    )
    const noNs = await t.api(
      'POST',
      `${G}/namespaces/ghost/imagestreamimports`,
      isi({ import: true, images: [{ from: { kind: 'DockerImage', name: 'a/b:1' } }] })
    )
    expect(noNs.status).toBe(404)
    expect(t.imports).toEqual([])
  })
})
