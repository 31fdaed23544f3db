import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeDigest } from '../../../src/oci/digest.js'
import {
  errorCode,
  pushImage,
  REPO,
  startWorld,
  type TestImage,
  testImage,
  type World,
} from './conformance-world.js'

// distribution-spec conformance 01_pull_test.go (v1.1.1) and main's blob range cases.

let w: World
let img: TestImage
const MISSING_BLOB = computeDigest(new TextEncoder().encode('not there'))

beforeAll(async () => {
  w = await startWorld()
  img = testImage()
  await pushImage(w, REPO, 'tagtest0', img)
})
afterAll(() => w?.stop())

describe('Pull: blobs', () => {
  it('HEAD request to nonexistent blob should result in 404 response', async () => {
    expect((await w.api(`/v2/${REPO}/blobs/${MISSING_BLOB}`, { method: 'HEAD' })).status).toBe(404)
  })

  it('HEAD request to existing blob should yield 200 with Content-Length', async () => {
    const res = await w.api(`/v2/${REPO}/blobs/${img.configDigest}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(img.config.byteLength))
    expect(res.headers.get('docker-content-digest')).toBe(img.configDigest)
  })

  it('GET nonexistent blob should result in 404 response', async () => {
    const res = await w.api(`/v2/${REPO}/blobs/${MISSING_BLOB}`)
    expect(res.status).toBe(404)
    expect(await errorCode(res)).toBe('BLOB_UNKNOWN')
  })

  it('GET request to existing blob URL should yield 200', async () => {
    const res = await w.api(`/v2/${REPO}/blobs/${img.layerDigest}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(img.layer))).toBe(true)
  })

  it.each([
    ['bytes=500-1499', 206, 500, 1499],
    ['bytes=500-', 206, 500, 2047],
    ['bytes=-500', 206, 1548, 2047],
    ['bytes=2000-5000', 206, 2000, 2047],
  ] as const)('GET with Range %s yields the range', async (range, status, start, end) => {
    const res = await w.api(`/v2/${REPO}/blobs/${img.layerDigest}`, { headers: { range } })
    expect(res.status).toBe(status)
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/2048`)
    const body = Buffer.from(await res.arrayBuffer())
    expect(body.equals(Buffer.from(img.layer.subarray(start, end + 1)))).toBe(true)
  })

  it.each(['bytes=500-0', 'bytes=4096-5000', 'bytes=-0'])(
    'GET with unsatisfiable Range %s yields 416',
    async (range) => {
      const res = await w.api(`/v2/${REPO}/blobs/${img.layerDigest}`, { headers: { range } })
      expect(res.status).toBe(416)
      expect(res.headers.get('content-range')).toBe('bytes */2048')
    }
  )

  it('GET with a malformed digest yields 400 DIGEST_INVALID', async () => {
    const res = await w.api(`/v2/${REPO}/blobs/sha256:baddigeststring`)
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('DIGEST_INVALID')
  })
})

describe('Pull: manifests', () => {
  it('HEAD request to nonexistent manifest should return 404', async () => {
    expect((await w.api(`/v2/${REPO}/manifests/${MISSING_BLOB}`, { method: 'HEAD' })).status).toBe(
      404
    )
  })

  it('HEAD request to manifest path (digest) should yield 200 response', async () => {
    const res = await w.api(`/v2/${REPO}/manifests/${img.manifestDigest}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-content-digest')).toBe(img.manifestDigest)
    expect(res.headers.get('content-length')).toBe(String(img.manifest.byteLength))
  })

  it('HEAD request to manifest path (tag) should yield 200 response', async () => {
    const res = await w.api(`/v2/${REPO}/manifests/tagtest0`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-content-digest')).toBe(img.manifestDigest)
  })

  it('GET nonexistent manifest should return 404', async () => {
    const res = await w.api(`/v2/${REPO}/manifests/${MISSING_BLOB}`)
    expect(res.status).toBe(404)
    expect(await errorCode(res)).toBe('MANIFEST_UNKNOWN')
    expect((await w.api(`/v2/${REPO}/manifests/nosuchtag`)).status).toBe(404)
  })

  it('GET request to manifest path (digest) should yield 200 response', async () => {
    const res = await w.api(`/v2/${REPO}/manifests/${img.manifestDigest}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(img.manifest))).toBe(true)
  })

  it('GET request to manifest path (tag) should yield 200 response', async () => {
    const res = await w.api(`/v2/${REPO}/manifests/tagtest0`)
    expect(res.status).toBe(200)
    expect(computeDigest(new Uint8Array(await res.arrayBuffer()))).toBe(img.manifestDigest)
  })
})

describe('Pull: error codes', () => {
  it('400 response body should contain OCI-conforming JSON message', async () => {
    const res = await w.api('/v2/team/Invalid_Name/manifests/tagtest0')
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errors: { code: string; message: string }[] }
    expect(body.errors[0]?.code).toBe('NAME_INVALID')
    expect(body.errors[0]?.message).toBeTypeOf('string')
  })

  it('GET /v2/ answers 200 with the API version header', async () => {
    const res = await w.api('/v2/')
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
  })
})
