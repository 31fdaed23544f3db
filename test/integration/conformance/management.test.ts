import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  pushImage,
  putManifest,
  REPO,
  startWorld,
  type TestImage,
  testImage,
  type World,
} from './conformance-world.js'

// distribution-spec conformance 04_management_test.go (v1.1.1): deleting tags, manifests and blobs.

let w: World
let img: TestImage

beforeAll(async () => {
  w = await startWorld()
  img = testImage()
  await pushImage(w, REPO, 'tagtest0', img)
  expect((await putManifest(w, REPO, 'tagtest1', img.manifest)).status).toBe(201)
})
afterAll(() => w?.stop())

describe('Content management', () => {
  it('DELETE request to manifest tag should return 202', async () => {
    expect((await w.api(`/v2/${REPO}/manifests/tagtest1`, { method: 'DELETE' })).status).toBe(202)
  })

  it('GET request to deleted tag should yield 404, the other tag stays', async () => {
    expect((await w.api(`/v2/${REPO}/manifests/tagtest1`)).status).toBe(404)
    expect((await w.api(`/v2/${REPO}/manifests/tagtest0`)).status).toBe(200)
    const tags = (await (await w.api(`/v2/${REPO}/tags/list`)).json()) as { tags: string[] }
    expect(tags.tags).toEqual(['tagtest0'])
  })

  it('DELETE request to manifest (digest) should yield 202 response', async () => {
    const res = await w.api(`/v2/${REPO}/manifests/${img.manifestDigest}`, { method: 'DELETE' })
    expect(res.status).toBe(202)
  })

  it('GET request to deleted manifest URL should yield 404 response code', async () => {
    expect((await w.api(`/v2/${REPO}/manifests/${img.manifestDigest}`)).status).toBe(404)
  })

  it('GET request to tags list should reflect manifest deletion', async () => {
    const res = await w.api(`/v2/${REPO}/tags/list`)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { tags: string[] }).tags).toEqual([])
  })

  it('DELETE request to blob URL should yield 202 response', async () => {
    expect((await w.api(`/v2/${REPO}/blobs/${img.layerDigest}`, { method: 'DELETE' })).status).toBe(
      202
    )
  })

  it('GET request to deleted blob URL should yield 404 response', async () => {
    expect((await w.api(`/v2/${REPO}/blobs/${img.layerDigest}`)).status).toBe(404)
  })

  it('DELETE of something that is not there is 404', async () => {
    expect((await w.api(`/v2/${REPO}/blobs/${img.layerDigest}`, { method: 'DELETE' })).status).toBe(
      404
    )
    expect((await w.api(`/v2/${REPO}/manifests/nosuchtag`, { method: 'DELETE' })).status).toBe(404)
  })
})
