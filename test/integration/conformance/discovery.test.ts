import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeDigest } from '../../../src/oci/digest.js'
import { MediaType } from '../../../src/oci/media-types.js'
import {
  errorCode,
  pushBlob,
  pushImage,
  putManifest,
  REPO,
  startWorld,
  type TestImage,
  testImage,
  type World,
} from './conformance-world.js'

// distribution-spec conformance 03_discovery_test.go (v1.1.1): tag listing with n/last/Link, referrers.

const TAGS = ['tagtest0', 'tagtest1', 'tagtest2', 'tagtest3']
let w: World
let subject: TestImage
let referrer: TestImage

beforeAll(async () => {
  w = await startWorld()
  subject = testImage()
  await pushImage(w, REPO, TAGS[0] ?? '', subject)
  for (const t of TAGS.slice(1)) {
    expect((await putManifest(w, REPO, t, subject.manifest)).status).toBe(201)
  }
  referrer = testImage({
    subject: { digest: subject.manifestDigest, size: subject.manifest.byteLength },
  })
  for (const b of [referrer.config, referrer.layer]) await pushBlob(w, REPO, b)
  const res = await putManifest(w, REPO, referrer.manifestDigest, referrer.manifest)
  expect(res.status).toBe(201)
  expect(res.headers.get('oci-subject')).toBe(subject.manifestDigest)
})
afterAll(() => w?.stop())

type TagList = { name: string; tags: string[] }

describe('Content discovery: tags', () => {
  it('GET request to list tags should yield 200 response', async () => {
    const res = await w.api(`/v2/${REPO}/tags/list`)
    expect(res.status).toBe(200)
    expect((await res.json()) as TagList).toEqual({ name: REPO, tags: TAGS })
  })

  it('GET number of tags should be limited by `n` query parameter, with a Link', async () => {
    const res = await w.api(`/v2/${REPO}/tags/list?n=2`)
    expect(((await res.json()) as TagList).tags).toEqual(TAGS.slice(0, 2))
    expect(res.headers.get('link')).toBe(`</v2/${REPO}/tags/list?n=2&last=tagtest1>; rel="next"`)
  })

  it('GET start of tag list should be set by `last` query parameter', async () => {
    const res = await w.api(`/v2/${REPO}/tags/list?n=2&last=${TAGS[1]}`)
    expect(((await res.json()) as TagList).tags).toEqual(TAGS.slice(2))
    expect(res.headers.get('link')).toBeNull()
    const rest = await w.api(`/v2/${REPO}/tags/list?last=${TAGS[0]}`)
    expect(((await rest.json()) as TagList).tags).toEqual(TAGS.slice(1))
  })

  it('n=0 gives an empty list and no Link', async () => {
    const res = await w.api(`/v2/${REPO}/tags/list?n=0`)
    expect(((await res.json()) as TagList).tags).toEqual([])
    expect(res.headers.get('link')).toBeNull()
  })

  it('follows Link pages to the end', async () => {
    const seen: string[] = []
    let next: string | null = `/v2/${REPO}/tags/list?n=1`
    while (next !== null) {
      const res: Response = await w.api(next)
      seen.push(...((await res.json()) as TagList).tags)
      next = /^<([^>]+)>/.exec(res.headers.get('link') ?? '')?.[1] ?? null
    }
    expect(seen).toEqual(TAGS)
  })

  it('a malformed n is 400 PAGINATION_NUMBER_INVALID', async () => {
    const res = await w.api(`/v2/${REPO}/tags/list?n=-1`)
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('PAGINATION_NUMBER_INVALID')
  })

  it('an unknown repository is 404 NAME_UNKNOWN', async () => {
    const res = await w.api('/v2/team/nothing-here/tags/list')
    expect(res.status).toBe(404)
    expect(await errorCode(res)).toBe('NAME_UNKNOWN')
  })
})

type Index = { mediaType: string; manifests: { digest: string; artifactType?: string }[] }

describe('Content discovery: referrers', () => {
  it('GET request to referrers should yield an index of the referrers', async () => {
    const res = await w.api(`/v2/${REPO}/referrers/${subject.manifestDigest}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(MediaType.OciIndex)
    const index = (await res.json()) as Index
    expect(index.mediaType).toBe(MediaType.OciIndex)
    expect(index.manifests).toEqual([
      {
        mediaType: MediaType.OciManifest,
        digest: referrer.manifestDigest,
        size: referrer.manifest.byteLength,
        artifactType: MediaType.OciConfig,
      },
    ])
  })

  it('filters by artifactType and says so', async () => {
    const res = await w.api(
      `/v2/${REPO}/referrers/${subject.manifestDigest}?artifactType=application/x-none`
    )
    expect(res.headers.get('oci-filters-applied')).toBe('artifactType')
    expect(((await res.json()) as Index).manifests).toEqual([])
  })

  it('answers an empty index for a subject without referrers', async () => {
    const res = await w.api(
      `/v2/${REPO}/referrers/${computeDigest(new TextEncoder().encode('lonely'))}`
    )
    expect(res.status).toBe(200)
    expect(((await res.json()) as Index).manifests).toEqual([])
  })

  it('answers 400 for a malformed digest', async () => {
    const res = await w.api(`/v2/${REPO}/referrers/sha256:nope`)
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('DIGEST_INVALID')
  })
})
