import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeDigest, type Digest } from '../../../src/oci/digest.js'
import { MediaType } from '../../../src/oci/media-types.js'
import {
  CROSS_REPO,
  errorCode,
  pushBlob,
  pushImage,
  putManifest,
  REPO,
  startWorld,
  testImage,
  type World,
} from './conformance-world.js'

// distribution-spec conformance 02_push_test.go (v1.1.1) plus main's sha512, empty blob, cancel and
// `?tag=` cases.

let w: World
beforeAll(async () => {
  w = await startWorld()
})
afterAll(() => w?.stop())

const location = (res: Response): string => res.headers.get('location') ?? ''
const withQuery = (loc: string, q: string): string => `${loc}${loc.includes('?') ? '&' : '?'}${q}`

describe('Push: blob upload streamed', () => {
  it('PATCH request with blob in body should yield 202, then PUT closes it', async () => {
    const blob = new Uint8Array(randomBytes(4096))
    const post = await w.api(`/v2/${REPO}/blobs/uploads/`, { method: 'POST' })
    expect(post.status).toBe(202)
    expect(location(post)).not.toBe('')
    const patch = await w.api(location(post), {
      method: 'PATCH',
      headers: { 'content-type': 'application/octet-stream' },
      body: blob,
    })
    expect(patch.status).toBe(202)
    expect(patch.headers.get('range')).toBe('0-4095')
    const put = await w.api(withQuery(location(patch), `digest=${computeDigest(blob)}`), {
      method: 'PUT',
    })
    expect(put.status).toBe(201)
    expect(put.headers.get('docker-content-digest')).toBe(computeDigest(blob))
  })
})

describe('Push: blob upload monolithic', () => {
  it('POST request with digest and blob should yield a 201', async () => {
    const blob = new Uint8Array(randomBytes(100))
    const res = await w.api(`/v2/${REPO}/blobs/uploads/?digest=${computeDigest(blob)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: blob,
    })
    expect(res.status).toBe(201)
    expect(location(res)).toBe(`/v2/${REPO}/blobs/${computeDigest(blob)}`)
    expect((await w.api(location(res))).status).toBe(200)
  })

  it('PUT upload of a blob should yield a 201 Response', async () => {
    const blob = new Uint8Array(randomBytes(100))
    const res = await pushBlob(w, REPO, blob)
    expect(res.status).toBe(201)
    expect(location(res)).toBe(`/v2/${REPO}/blobs/${computeDigest(blob)}`)
  })

  it('PUT with a digest that does not match yields 400 DIGEST_INVALID', async () => {
    const post = await w.api(`/v2/${REPO}/blobs/uploads/`, { method: 'POST' })
    const wrong = computeDigest(new TextEncoder().encode('other'))
    const res = await w.api(withQuery(location(post), `digest=${wrong}`), {
      method: 'PUT',
      body: new TextEncoder().encode('content'),
    })
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('DIGEST_INVALID')
    expect((await w.api(`/v2/${REPO}/blobs/${wrong}`, { method: 'HEAD' })).status).toBe(404)
  })

  it('uploads an empty (0-byte) blob', async () => {
    const empty = new Uint8Array(0)
    const res = await pushBlob(w, REPO, empty)
    expect(res.status).toBe(201)
    const head = await w.api(`/v2/${REPO}/blobs/${computeDigest(empty)}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('0')
  })

  it('uploads a blob under a sha512 digest', async () => {
    const blob = new Uint8Array(randomBytes(300))
    const digest = `sha512:${createHash('sha512').update(blob).digest('hex')}` as Digest
    const post = await w.api(`/v2/${REPO}/blobs/uploads/`, { method: 'POST' })
    const put = await w.api(withQuery(location(post), `digest=${digest}`), {
      method: 'PUT',
      body: blob,
    })
    expect(put.status).toBe(201)
    const got = await w.api(`/v2/${REPO}/blobs/${digest}`)
    expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(blob))).toBe(true)
  })
})

describe('Push: blob upload chunked', () => {
  const blob = new Uint8Array(randomBytes(20))
  const chunk1 = blob.subarray(0, 10)
  const chunk2 = blob.subarray(10)
  let loc = ''

  it('Out-of-order blob upload should return 416', async () => {
    const post = await w.api(`/v2/${REPO}/blobs/uploads/`, {
      method: 'POST',
      headers: { 'content-length': '0' },
    })
    expect(post.status).toBe(202)
    loc = location(post)
    const res = await w.api(loc, {
      method: 'PATCH',
      headers: { 'content-type': 'application/octet-stream', 'content-range': '10-19' },
      body: chunk2,
    })
    expect(res.status).toBe(416)
    expect(res.headers.get('range')).toBe('0-0')
  })

  it('PATCH request with first chunk should return 202', async () => {
    const res = await w.api(loc, {
      method: 'PATCH',
      headers: { 'content-type': 'application/octet-stream', 'content-range': '0-9' },
      body: chunk1,
    })
    expect(res.status).toBe(202)
    expect(res.headers.get('range')).toBe('0-9')
    loc = location(res)
  })

  it('Retrieving upload status should return 204', async () => {
    const res = await w.api(loc)
    expect(res.status).toBe(204)
    expect(res.headers.get('range')).toBe('0-9')
    expect(location(res)).toBe(loc)
  })

  it('PATCH request with second chunk should return 202', async () => {
    const res = await w.api(loc, {
      method: 'PATCH',
      headers: { 'content-type': 'application/octet-stream', 'content-range': '10-19' },
      body: chunk2,
    })
    expect(res.status).toBe(202)
    expect(res.headers.get('range')).toBe('0-19')
  })

  it('PUT request with final chunk should return 201', async () => {
    const res = await w.api(withQuery(loc, `digest=${computeDigest(blob)}`), { method: 'PUT' })
    expect(res.status).toBe(201)
    const got = await w.api(`/v2/${REPO}/blobs/${computeDigest(blob)}`)
    expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(blob))).toBe(true)
  })

  it('a finished upload session is gone (404 BLOB_UPLOAD_UNKNOWN)', async () => {
    const res = await w.api(loc)
    expect(res.status).toBe(404)
    expect(await errorCode(res)).toBe('BLOB_UPLOAD_UNKNOWN')
  })

  it('DELETE cancels an upload (204), then it is unknown', async () => {
    const post = await w.api(`/v2/${REPO}/blobs/uploads/`, { method: 'POST' })
    expect((await w.api(location(post), { method: 'DELETE' })).status).toBe(204)
    expect((await w.api(location(post))).status).toBe(404)
  })
})

describe('Push: cross-repository blob mount', () => {
  it('Cross-mounting of a blob from another repository should yield 201', async () => {
    const blob = new Uint8Array(randomBytes(64))
    expect((await pushBlob(w, CROSS_REPO, blob)).status).toBe(201)
    const digest = computeDigest(blob)
    const res = await w.api(`/v2/${REPO}/blobs/uploads/?mount=${digest}&from=${CROSS_REPO}`, {
      method: 'POST',
    })
    expect(res.status).toBe(201)
    expect(location(res)).toBe(`/v2/${REPO}/blobs/${digest}`)
    expect((await w.api(location(res))).status).toBe(200)
  })

  it('Mounting a missing blob yields 202 and an upload session', async () => {
    const digest = computeDigest(new TextEncoder().encode('never pushed'))
    const res = await w.api(`/v2/${REPO}/blobs/uploads/?mount=${digest}&from=${CROSS_REPO}`, {
      method: 'POST',
    })
    expect(res.status).toBe(202)
    expect(location(res)).toContain('/blobs/uploads/')
  })
})

describe('Push: manifest upload', () => {
  it('GET nonexistent manifest should return 404', async () => {
    expect((await w.api(`/v2/${REPO}/manifests/tagtest0`)).status).toBe(404)
  })

  it('PUT should accept a manifest upload (by tag)', async () => {
    const img = testImage()
    await pushImage(w, REPO, 'tagtest0', img)
    const res = await w.api(`/v2/${REPO}/manifests/tagtest0`)
    expect(res.headers.get('docker-content-digest')).toBe(img.manifestDigest)
  })

  it('PUT should accept a manifest upload with no layers', async () => {
    const img = testImage({ layers: false })
    expect((await pushBlob(w, REPO, img.config)).status).toBe(201)
    const res = await putManifest(w, REPO, 'nolayers', img.manifest)
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe(`/v2/${REPO}/manifests/${img.manifestDigest}`)
  })

  it('PUT by digest, with ?tag= parameters', async () => {
    const img = testImage()
    for (const b of [img.config, img.layer]) await pushBlob(w, REPO, b)
    const res = await putManifest(w, REPO, `${img.manifestDigest}?tag=t1&tag=t2`, img.manifest)
    expect(res.status).toBe(201)
    expect(res.headers.get('docker-content-digest')).toBe(img.manifestDigest)
    for (const t of ['t1', 't2']) {
      const got = await w.api(`/v2/${REPO}/manifests/${t}`, { method: 'HEAD' })
      expect(got.headers.get('docker-content-digest')).toBe(img.manifestDigest)
    }
  })

  it('PUT by a digest that does not match the body yields 400 DIGEST_INVALID', async () => {
    const img = testImage()
    for (const b of [img.config, img.layer]) await pushBlob(w, REPO, b)
    const wrong = computeDigest(new TextEncoder().encode('x'))
    const res = await putManifest(w, REPO, wrong, img.manifest)
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('DIGEST_INVALID')
  })

  it('PUT with an invalid digest reference yields 400', async () => {
    const img = testImage()
    const res = await putManifest(w, REPO, 'sha256:baddigeststring', img.manifest)
    expect(res.status).toBe(400)
  })

  it('PUT of an artifact (empty config, artifactType) is accepted', async () => {
    const empty = new TextEncoder().encode('{}')
    const blob = new TextEncoder().encode('artifact payload')
    for (const b of [empty, blob]) await pushBlob(w, REPO, b)
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: 'application/vnd.example.thing',
        config: { mediaType: MediaType.OciEmpty, digest: computeDigest(empty), size: 2 },
        layers: [{ mediaType: 'text/plain', digest: computeDigest(blob), size: blob.byteLength }],
      })
    )
    expect((await putManifest(w, REPO, 'artifact', manifest)).status).toBe(201)
  })

  it('PUT of an image index after its children', async () => {
    const a = testImage()
    const b = testImage()
    for (const img of [a, b]) {
      for (const blob of [img.config, img.layer]) await pushBlob(w, REPO, blob)
      expect((await putManifest(w, REPO, img.manifestDigest, img.manifest)).status).toBe(201)
    }
    const index = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [a, b].map((img, i) => ({
          mediaType: MediaType.OciManifest,
          digest: img.manifestDigest,
          size: img.manifest.byteLength,
          platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
        })),
      })
    )
    const res = await putManifest(w, REPO, 'index', index, MediaType.OciIndex)
    expect(res.status).toBe(201)
    const got = await w.api(`/v2/${REPO}/manifests/index`)
    expect(got.headers.get('content-type')).toBe(MediaType.OciIndex)
  })

  it('PUT of an index whose child is missing yields 400 MANIFEST_BLOB_UNKNOWN', async () => {
    const index = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [
          {
            mediaType: MediaType.OciManifest,
            digest: computeDigest(new TextEncoder().encode('missing child')),
            size: 10,
          },
        ],
      })
    )
    const res = await putManifest(w, REPO, 'broken-index', index, MediaType.OciIndex)
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('MANIFEST_BLOB_UNKNOWN')
  })
})
