import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import { computeManifestDigest } from './manifest-digest.js'
import { MediaType } from './media-types.js'

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../testdata/manifests/${name}`, import.meta.url)))
}

function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url')
}

function signedBody(
  body: string,
  headers: readonly Record<string, unknown>[]
): { bytes: Uint8Array; payload: string } {
  // A pretty-JWS document: the body without its closing '\n}', then the signatures, then the tail.
  const formatLength = body.length - 2
  const sigs = headers.map((h) => ({
    signature: 'x',
    protected: b64url(JSON.stringify({ formatLength, formatTail: b64url('\n}'), ...h })),
  }))
  const signed = `${body.slice(0, formatLength)},\n   "signatures": ${JSON.stringify(sigs)}\n}`
  return { bytes: new TextEncoder().encode(signed), payload: body }
}

// containers/image internal/manifest/testdata: the JWS payload digest of v2s1.manifest.json.
const V2S1_DIGEST = 'sha256:7364fea9d84ee548ab67d4c46c6006289800c98de3fbf8c0a97138dfcc23f000'

describe('computeManifestDigest', () => {
  it.each([
    [
      'signed schema 1, prettyjws',
      'v2s1.manifest.json',
      MediaType.DockerSchema1Signed,
      V2S1_DIGEST,
    ],
    ['signed schema 1, v1+json', 'v2s1.manifest.json', MediaType.DockerSchema1, V2S1_DIGEST],
    ['signed schema 1, application/json', 'v2s1.manifest.json', 'application/json', V2S1_DIGEST],
    ['signed schema 1, no content type', 'v2s1.manifest.json', '', V2S1_DIGEST],
    [
      'signed schema 1, content type with parameters',
      'v2s1.manifest.json',
      'Application/Vnd.Docker.Distribution.Manifest.V1+Prettyjws; charset=utf-8',
      V2S1_DIGEST,
    ],
    [
      'unsigned schema 1, prettyjws',
      'v2s1-unsigned.manifest.json',
      MediaType.DockerSchema1Signed,
      V2S1_DIGEST,
    ],
    [
      'unsigned schema 1, v1+json',
      'v2s1-unsigned.manifest.json',
      MediaType.DockerSchema1,
      V2S1_DIGEST,
    ],
    [
      'OCI manifest',
      'ociv1.manifest.json',
      MediaType.OciManifest,
      'sha256:bb76e395cb9021fd062b352172ac87ca159b3e84f5a5758a69db824da876cd4f',
    ],
    [
      'Docker v2 manifest',
      'schema2.json',
      MediaType.DockerManifest,
      'sha256:cf2644c7e240347d0a2a9c2db46a5b867a18a44041f4a003b1b716ee2b155f76',
    ],
    [
      'Docker manifest list',
      'schema2list.json',
      MediaType.DockerManifestList,
      'sha256:6e40af1c2ca008eecf9c4bb03674a3e73af1204e745d06900b7ca75deb94b6af',
    ],
    [
      // NB: a modern type is hashed as served, even if the body carries signatures.
      'signed schema 1 body served as an OCI manifest',
      'v2s1.manifest.json',
      MediaType.OciManifest,
      'sha256:e028c450623065a8813712d8018f9a3d49e8adaad885f6e01371a1e26bd2224d',
    ],
  ])('%s', (_name, file, mediaType, want) => {
    expect(computeManifestDigest(fixture(file), mediaType)).toBe(want)
  })

  it('hashes the signed payload of a multi-signature document', () => {
    const body =
      '{\n   "schemaVersion": 1,\n   "name": "a/b",\n   "tag": "t",\n   "fsLayers": [],\n   "history": []\n}'
    const { bytes, payload } = signedBody(body, [{ time: '1' }, { time: '2' }])
    expect(computeManifestDigest(bytes, MediaType.DockerSchema1Signed)).toBe(sha256(payload))
  })

  it('hashes untyped non-JSON as bytes', () => {
    const bytes = new TextEncoder().encode('not json')
    expect(computeManifestDigest(bytes, 'text/plain')).toBe(sha256(bytes))
  })

  it('hashes an untyped schema 2 body with a signatures key as bytes', () => {
    const bytes = new TextEncoder().encode('{"schemaVersion":2,"signatures":[]}')
    expect(computeManifestDigest(bytes, 'application/json')).toBe(sha256(bytes))
  })

  const body =
    '{\n   "schemaVersion": 1,\n   "name": "a/b",\n   "tag": "t",\n   "fsLayers": [],\n   "history": []\n}'
  const bad = (sigs: unknown): Uint8Array =>
    new TextEncoder().encode(JSON.stringify({ schemaVersion: 1, signatures: sigs }))

  it.each([
    [
      'signatures is not an array',
      fixture('v2s1-invalid-signatures.manifest.json'),
      'non-empty array',
    ],
    ['no signatures', bad([]), 'non-empty array'],
    ['signature is not an object', bad(['x']), 'signature 0 is not an object'],
    ['no protected header', bad([{ signature: 'x' }]), 'has no protected header'],
    [
      'protected header is not base64url',
      bad([{ protected: 'e30=' }]),
      'malformed protected header',
    ],
    [
      'protected header is not JSON',
      bad([{ protected: b64url('nope') }]),
      'malformed protected header',
    ],
    [
      'formatLength beyond the body',
      bad([{ protected: b64url(JSON.stringify({ formatLength: 1e6, formatTail: '' })) }]),
      'invalid formatLength',
    ],
    [
      'negative formatLength',
      bad([{ protected: b64url(JSON.stringify({ formatLength: -1, formatTail: '' })) }]),
      'invalid formatLength',
    ],
    [
      'fractional formatLength',
      bad([{ protected: b64url(JSON.stringify({ formatLength: 1.5, formatTail: '' })) }]),
      'invalid formatLength',
    ],
    [
      'formatTail is not base64url',
      bad([{ protected: b64url(JSON.stringify({ formatLength: 1, formatTail: 'a+b/' })) }]),
      'invalid formatTail',
    ],
    [
      'formatTail missing',
      bad([{ protected: b64url(JSON.stringify({ formatLength: 1 })) }]),
      'invalid formatTail',
    ],
    [
      'signatures disagree',
      signedBody(body, [{ formatLength: 3 }, {}]).bytes,
      'disagree on the signed payload',
    ],
    ['prettyjws body that is not JSON', new TextEncoder().encode('{'), 'not a JSON object'],
    ['prettyjws body that is an array', new TextEncoder().encode('[]'), 'not a JSON object'],
  ])('rejects %s', (_name, bytes, message) => {
    let err: unknown
    try {
      computeManifestDigest(bytes, MediaType.DockerSchema1Signed)
    } catch (e) {
      err = e
    }
    expect(isAppError(err, Reason.BadRequest)).toBe(true)
    expect((err as Error).message).toMatch(/^manifest invalid: /)
    expect((err as Error).message).toContain(message)
  })
})
