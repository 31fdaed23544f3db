import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import {
  type ImageManifest,
  type IndexManifest,
  parseManifest,
  type Schema1Manifest,
} from './manifest.js'
import { MediaType } from './media-types.js'

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../testdata/manifests/${name}`, import.meta.url)))
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value))
}

function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fixture(name))) as Record<string, unknown>
}

function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _, ...rest } = obj
  return rest
}

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`
const desc = (mediaType: string, digest = A, size = 1): Record<string, unknown> => ({
  mediaType,
  digest,
  size,
})
const ociImage = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemaVersion: 2,
  mediaType: MediaType.OciManifest,
  config: desc(MediaType.OciConfig),
  layers: [desc('application/vnd.oci.image.layer.v1.tar+gzip', B, 2)],
  ...extra,
})
const ociIndex = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [{ ...desc(MediaType.OciManifest), platform: { architecture: 'amd64', os: 'linux' } }],
  ...extra,
})

describe('parseManifest with real-world documents', () => {
  it('parses an OCI image manifest', () => {
    const m = parseManifest(fixture('ociv1.manifest.json'), MediaType.OciManifest) as ImageManifest
    expect(m.kind).toBe('image')
    expect(m.mediaType).toBe(MediaType.OciManifest)
    expect(m.config).toEqual({
      mediaType: MediaType.OciConfig,
      size: 7023,
      digest: 'sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7',
    })
    expect(m.layers.map((l) => l.size)).toEqual([32654, 16724, 73109])
    expect(m.annotations).toEqual({ 'com.example.key1': 'value1', 'com.example.key2': 'value2' })
    expect(m.subject).toBeUndefined()
  })

  it('parses a Docker v2 schema 2 manifest', () => {
    const m = parseManifest(fixture('schema2.json'), MediaType.DockerManifest) as ImageManifest
    expect(m.kind).toBe('image')
    expect(m.mediaType).toBe(MediaType.DockerManifest)
    expect(m.config.digest).toBe(
      'sha256:89d33d1a487fd8712d87c8c92ba9c5ca5d80ee94127e62fbcaee7709e1ed9a0f'
    )
    expect(m.layers).toHaveLength(5)
    expect(m.layers[0]).toEqual({
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 51354364,
      digest: 'sha256:6a5a5368e0c2d3e5909184fa28ddfd56072e7ff3ee9a945876f7eee5896ef5bb',
    })
  })

  it('keeps urls and annotations of descriptors', () => {
    const m = parseManifest(fixture('oci1.json'), MediaType.OciManifest) as ImageManifest
    expect(m.config.annotations).toEqual({ 'test-annotation-1': 'one' })
    expect(m.layers[2]?.urls).toEqual(['https://layer.url'])
    expect(m.layers[3]?.annotations).toEqual({ 'test-annotation-2': 'two' })
    const d = parseManifest(
      fixture('v2s2.everything.json'),
      MediaType.DockerManifest
    ) as ImageManifest
    expect(d.config.urls).toEqual(['https://some.example/config'])
    expect(d.layers[0]?.urls).toEqual(['https://some.example/layer'])
  })

  it('parses an OCI artifact manifest with subject and artifactType', () => {
    const m = parseManifest(
      fixture('ociv1.everything.json'),
      MediaType.OciManifest
    ) as ImageManifest
    expect(m.artifactType).toBe('application/our-artifact')
    expect(m.annotations).toEqual({ top: '0' })
    expect(m.config).toEqual({
      mediaType: 'application/our-artifact-config',
      digest: A,
      size: 1,
      urls: ['https://some.example/config'],
      annotations: { config: '1' },
    })
    expect(m.subject).toEqual({
      mediaType: MediaType.OciManifest,
      digest: `sha256:${'c'.repeat(64)}`,
      size: 3,
      urls: ['https://some.example/subject'],
      annotations: { subject: '3' },
      platform: {
        architecture: 'a',
        os: 'b',
        'os.version': 'c',
        'os.features': ['d'],
        variant: 'e',
      },
      artifactType: 'application/our-subject',
    })
  })

  it('parses an OCI index', () => {
    const m = parseManifest(fixture('ociv1.image.index.json'), MediaType.OciIndex) as IndexManifest
    expect(m.kind).toBe('index')
    expect(m.manifests.map((d) => d.platform)).toEqual([
      { architecture: 'ppc64le', os: 'linux' },
      { architecture: 'amd64', os: 'linux', 'os.features': ['sse4'] },
    ])
    expect(m.annotations).toEqual({ 'com.example.key1': 'value1', 'com.example.key2': 'value2' })
  })

  it('parses an OCI index with subject and artifactType', () => {
    const m = parseManifest(
      fixture('oci1.index.everything.json'),
      MediaType.OciIndex
    ) as IndexManifest
    expect(m.artifactType).toBe('application/our-top-artifact')
    expect(m.subject?.digest).toBe(B)
    expect(m.manifests[0]?.artifactType).toBe('application/our-sub-artifact')
    expect(m.manifests[0]?.platform).toEqual({
      architecture: 'A',
      os: 'B',
      'os.version': 'C',
      'os.features': ['D'],
      variant: 'E',
    })
  })

  it('parses a Docker manifest list', () => {
    const m = parseManifest(
      fixture('schema2list.json'),
      MediaType.DockerManifestList
    ) as IndexManifest
    expect(m.kind).toBe('index')
    expect(m.mediaType).toBe(MediaType.DockerManifestList)
    expect(m.manifests.map((d) => [d.platform?.architecture, d.platform?.variant])).toEqual([
      ['amd64', undefined],
      ['arm', 'v5'],
      ['arm', 'v6'],
      ['arm64', 'v8'],
      ['386', undefined],
      ['ppc64le', undefined],
      ['s390x', undefined],
    ])
    const e = parseManifest(
      fixture('v2list.everything.json'),
      MediaType.DockerManifestList
    ) as IndexManifest
    // NB: the Docker-only platform.features is not part of the OCI platform and is dropped.
    expect(e.manifests[0]?.platform).toEqual({
      architecture: 'a',
      os: 'b',
      'os.version': 'c',
      'os.features': ['d'],
      variant: 'e',
    })
  })

  it('parses a signed schema 1 manifest', () => {
    const m = parseManifest(
      fixture('v2s1.manifest.json'),
      MediaType.DockerSchema1Signed
    ) as Schema1Manifest
    expect(m).toMatchObject({
      kind: 'schema1',
      mediaType: MediaType.DockerSchema1Signed,
      name: 'mitr/busybox',
      tag: 'latest',
      architecture: 'amd64',
    })
    expect(m.fsLayers).toEqual(
      Array(3).fill('sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef')
    )
    expect(m.history).toHaveLength(3)
    expect(JSON.parse(m.history[0] ?? '')).toMatchObject({
      id: 'f1b5eb0a1215f663765d509b6cdf3841bc2bcff0922346abb943d1342d469a97',
      os: 'linux',
    })
  })

  it.each([
    ['ociv1.manifest.json', '', 'image', MediaType.OciManifest],
    ['ociv1.manifest.json', 'application/json', 'image', MediaType.OciManifest],
    ['ociv1.manifest.json', 'application/octet-stream', 'image', MediaType.OciManifest],
    [
      'ociv1.manifest.json',
      'Application/Vnd.Oci.Image.Manifest.V1+Json; charset=utf-8',
      'image',
      MediaType.OciManifest,
    ],
    ['schema2.json', 'text/plain', 'image', MediaType.DockerManifest],
    ['schema2list.json', '', 'index', MediaType.DockerManifestList],
    ['ociv1.image.index.json', 'application/json', 'index', MediaType.OciIndex],
    ['v2s1.manifest.json', '', 'schema1', MediaType.DockerSchema1Signed],
    ['v2s1.manifest.json', 'application/json', 'schema1', MediaType.DockerSchema1Signed],
    ['v2s1.manifest.json', MediaType.DockerSchema1, 'schema1', MediaType.DockerSchema1],
    ['v2s1-unsigned.manifest.json', 'application/json', 'schema1', MediaType.DockerSchema1],
    [
      'v2s1-unsigned.manifest.json',
      MediaType.DockerSchema1Signed,
      'schema1',
      MediaType.DockerSchema1Signed,
    ],
  ])('reads %s served as %j', (file, contentType, kind, mediaType) => {
    const m = parseManifest(fixture(file), contentType)
    expect(m.kind).toBe(kind)
    expect(m.mediaType).toBe(mediaType)
  })

  it.each([
    [
      'OCI manifest without mediaType, typed',
      without(ociImage(), 'mediaType'),
      MediaType.OciManifest,
      'image',
    ],
    ['OCI manifest without mediaType, untyped', without(ociImage(), 'mediaType'), '', 'image'],
    [
      'OCI index without mediaType, typed',
      without(ociIndex(), 'mediaType'),
      MediaType.OciIndex,
      'index',
    ],
    [
      'OCI index without mediaType, untyped',
      without(ociIndex(), 'mediaType'),
      'application/json',
      'index',
    ],
    [
      'OCI manifest with layers null',
      { ...ociImage(), layers: null },
      MediaType.OciManifest,
      'image',
    ],
    ['empty index', ociIndex({ manifests: [] }), MediaType.OciIndex, 'index'],
    [
      'null optional fields',
      ociImage({ annotations: null, subject: null }),
      MediaType.OciManifest,
      'image',
    ],
  ])('accepts %s', (_name, doc, contentType, kind) => {
    expect(parseManifest(json(doc), contentType).kind).toBe(kind)
  })
})

describe('parseManifest rejects', () => {
  const oci = MediaType.OciManifest
  const idx = MediaType.OciIndex
  const layer = (d: Record<string, unknown>): Record<string, unknown> => ociImage({ layers: [d] })
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
  it.each<[string, Uint8Array, string, string]>([
    // Not a JSON object.
    ['non-JSON', enc('not json'), oci, 'document is not valid JSON'],
    ['empty body', enc(''), oci, 'document is not valid JSON'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), oci, 'document is not valid JSON'],
    [
      'a byte order mark',
      enc(`\uFEFF${JSON.stringify(ociImage())}`),
      oci,
      'document is not valid JSON',
    ],
    ['an array', enc('[]'), oci, 'document is not a JSON object'],
    ['null', enc('null'), oci, 'document is not a JSON object'],
    ['a string', enc('"x"'), '', 'document is not a JSON object'],
    // schemaVersion.
    [
      'schemaVersion 1 as OCI',
      json(ociImage({ schemaVersion: 1 })),
      oci,
      'schemaVersion 1 is not 2',
    ],
    ['schemaVersion 3', json(ociImage({ schemaVersion: 3 })), oci, 'schemaVersion 3 is not 2'],
    [
      'schemaVersion as a string',
      json(ociImage({ schemaVersion: '2' })),
      oci,
      'schemaVersion "2" is not 2',
    ],
    [
      'no schemaVersion',
      json(without(ociImage(), 'schemaVersion')),
      oci,
      'missing schemaVersion, want 2',
    ],
    [
      'schema 2 served as schema 1',
      json({ ...without(ociImage(), 'mediaType'), schemaVersion: 2 }),
      MediaType.DockerSchema1,
      'unexpected field "config" in a schema1 manifest',
    ],
    [
      'schemaVersion 2 for schema 1',
      json({ schemaVersion: 2, fsLayers: [], history: [] }),
      MediaType.DockerSchema1Signed,
      'schemaVersion 2 is not 1',
    ],
    // mediaType against Content-Type (CVE-2021-41190).
    ['an index served as a manifest', json(ociIndex()), oci, 'does not match content type'],
    ['a manifest served as an index', json(ociImage()), idx, 'does not match content type'],
    [
      'a Docker list served as an OCI index',
      fixture('schema2list.json'),
      idx,
      `mediaType "${MediaType.DockerManifestList}" in the document does not match content type "${idx}"`,
    ],
    [
      'an OCI manifest served as Docker v2',
      fixture('ociv1.manifest.json'),
      MediaType.DockerManifest,
      'does not match',
    ],
    [
      'a Docker v2 body without mediaType',
      json(without(fixtureJson('schema2.json'), 'mediaType')),
      MediaType.DockerManifest,
      'mediaType in the document should be',
    ],
    [
      'a Docker list body without mediaType',
      json(without(fixtureJson('schema2list.json'), 'mediaType')),
      MediaType.DockerManifestList,
      'mediaType in the document should be',
    ],
    [
      'mediaType that is not a string',
      json(ociImage({ mediaType: 1 })),
      oci,
      'mediaType must be a string',
    ],
    [
      'an unknown body mediaType',
      json(ociImage({ mediaType: 'application/x-foo' })),
      '',
      'unsupported manifest',
    ],
    [
      'an artifact manifest',
      json(ociImage({ mediaType: 'application/vnd.oci.artifact.manifest.v1+json' })),
      'application/json',
      'unsupported manifest media type',
    ],
    [
      'an untyped document with no kind fields',
      json({ schemaVersion: 2 }),
      'text/html',
      'cannot tell the manifest type: content type "text/html"',
    ],
    [
      'an untyped document with no schemaVersion',
      json({}),
      '',
      'cannot tell the manifest type: no content type',
    ],
    // Ambiguous documents.
    [
      'manifests with config, as index',
      json(ociIndex({ config: desc(MediaType.OciConfig) })),
      idx,
      'ambiguous document: manifests together with config or layers',
    ],
    ['manifests with layers, as index', json(ociIndex({ layers: [] })), idx, 'ambiguous document'],
    [
      'manifests with config, as manifest',
      json(ociImage({ manifests: [] })),
      oci,
      'ambiguous document',
    ],
    [
      'manifests with config, untyped and without mediaType',
      json(without(ociImage({ manifests: [] }), 'mediaType')),
      '',
      'ambiguous document',
    ],
    [
      'an index with config',
      json({ schemaVersion: 2, mediaType: idx, config: desc(MediaType.OciConfig) }),
      idx,
      'expected index but found manifest field "config"',
    ],
    [
      'a manifest with manifests',
      json({ schemaVersion: 2, mediaType: oci, manifests: [] }),
      oci,
      'expected manifest but found index field "manifests"',
    ],
    [
      'an OCI manifest with fsLayers',
      json(ociImage({ fsLayers: [] })),
      oci,
      'unexpected field "fsLayers"',
    ],
    [
      'an index with history',
      json(ociIndex({ history: [] })),
      idx,
      'expected index but found manifest field "history"',
    ],
    [
      'a schema 1 manifest with layers',
      json({ schemaVersion: 1, fsLayers: [], history: [], layers: [] }),
      MediaType.DockerSchema1,
      'unexpected field "layers" in a schema1 manifest',
    ],
    [
      'a field spelled in another case',
      json(ociImage({ Manifests: [] })),
      oci,
      'field "Manifests" must be spelled "manifests"',
    ],
    [
      'a mediaType spelled in another case',
      json(ociImage({ MediaType: idx })),
      oci,
      'must be spelled "mediaType"',
    ],
    // Structure.
    ['a missing config', json(without(ociImage(), 'config')), oci, 'missing config'],
    ['a null config', json(ociImage({ config: null })), oci, 'missing config'],
    [
      'layers that are not an array',
      json(ociImage({ layers: {} })),
      oci,
      'layers must be an array',
    ],
    [
      'a missing manifests',
      json(without(ociIndex(), 'manifests')),
      idx,
      'manifests must be an array',
    ],
    ['a null manifests', json(ociIndex({ manifests: null })), idx, 'manifests must be an array'],
    [
      'a descriptor that is not an object',
      json(ociIndex({ manifests: ['x'] })),
      idx,
      'manifests[0] must be an object',
    ],
    // Descriptor digests: strict grammar before they can reach a URL or a path.
    [
      'an empty digest',
      fixture('ociv1.artifact.json'),
      oci,
      'config.digest "" is not a valid digest',
    ],
    [
      'a short digest',
      json(layer(desc('a/b', 'sha256:abc'))),
      oci,
      'layers[0].digest "sha256:abc"',
    ],
    [
      'an uppercase digest',
      json(layer(desc('a/b', `sha256:${'A'.repeat(64)}`))),
      oci,
      'is not a valid digest',
    ],
    [
      'a path in a digest',
      json(layer(desc('a/b', 'sha256:../../../etc/passwd'))),
      oci,
      'is not a valid digest',
    ],
    [
      'an unverifiable algorithm',
      json(layer(desc('a/b', `md5:${'a'.repeat(32)}`))),
      oci,
      'is not a valid digest',
    ],
    ['a digest with a newline', json(layer(desc('a/b', `${A}\n`))), oci, 'is not a valid digest'],
    [
      'a numeric digest',
      json(layer({ mediaType: 'a/b', digest: 1, size: 1 })),
      oci,
      'layers[0].digest value',
    ],
    ['a missing digest', json(layer({ mediaType: 'a/b', size: 1 })), oci, 'is not a valid digest'],
    [
      'a bad subject digest',
      json(ociImage({ subject: desc(oci, 'sha256:x') })),
      oci,
      'subject.digest',
    ],
    [
      'a bad index entry digest',
      json(ociIndex({ manifests: [desc(oci, 'x')] })),
      idx,
      'manifests[0].digest',
    ],
    // Descriptor sizes.
    [
      'a negative size',
      json(layer(desc('a/b', A, -1))),
      oci,
      'layers[0].size must be a non-negative integer',
    ],
    [
      'a fractional size',
      json(layer(desc('a/b', A, 1.5))),
      oci,
      'size must be a non-negative integer',
    ],
    [
      'a string size',
      json(layer({ ...desc('a/b'), size: '1' })),
      oci,
      'size must be a non-negative integer',
    ],
    [
      'a missing size',
      json(layer({ mediaType: 'a/b', digest: A })),
      oci,
      'size must be a non-negative integer',
    ],
    [
      'an unsafe size',
      json(layer(desc('a/b', A, 2 ** 53))),
      oci,
      'size must be a non-negative integer',
    ],
    // Other descriptor fields.
    [
      'a missing descriptor mediaType',
      json(layer({ digest: A, size: 1 })),
      oci,
      'layers[0].mediaType is required',
    ],
    [
      'a malformed descriptor mediaType',
      json(layer(desc('text'))),
      oci,
      'layers[0].mediaType "text" is not a media type',
    ],
    ['a mediaType with a newline', json(layer(desc('a/b\nX: y'))), oci, 'is not a media type'],
    [
      'a malformed artifactType',
      json(ociImage({ artifactType: 'x' })),
      oci,
      'artifactType "x" is not a media type',
    ],
    [
      'a platform that is not an object',
      json(ociIndex({ manifests: [{ ...desc(oci), platform: 'linux' }] })),
      idx,
      'platform must be an object',
    ],
    [
      'a numeric platform os',
      json(ociIndex({ manifests: [{ ...desc(oci), platform: { architecture: 'amd64', os: 1 } }] })),
      idx,
      'manifests[0].platform.os must be a string',
    ],
    [
      'bad os.features',
      json(
        ociIndex({
          manifests: [
            { ...desc(oci), platform: { architecture: 'a', os: 'b', 'os.features': 'x' } },
          ],
        })
      ),
      idx,
      'os.features must be an array of strings',
    ],
    [
      'non-string annotations',
      json(ociImage({ annotations: { a: 1 } })),
      oci,
      'annotations must map strings to strings',
    ],
    [
      'array annotations',
      json(ociImage({ annotations: ['a'] })),
      oci,
      'annotations must map strings to strings',
    ],
    [
      'urls that are not an array',
      json(layer({ ...desc('a/b'), urls: 'https://x' })),
      oci,
      'urls must be an array of strings',
    ],
    // Schema 1.
    [
      'schema 1 with more layers than history',
      json({ schemaVersion: 1, fsLayers: [{ blobSum: A }], history: [] }),
      MediaType.DockerSchema1,
      'length of history not equal to number of layers',
    ],
    [
      'schema 1 with a bad blobSum',
      json({
        schemaVersion: 1,
        fsLayers: [{ blobSum: 'sha256:x' }],
        history: [{ v1Compatibility: '{}' }],
      }),
      MediaType.DockerSchema1,
      'fsLayers[0].blobSum "sha256:x" is not a valid digest',
    ],
    [
      'schema 1 without v1Compatibility',
      json({ schemaVersion: 1, fsLayers: [{ blobSum: A }], history: [{}] }),
      MediaType.DockerSchema1,
      'history[0].v1Compatibility must be a string',
    ],
    [
      'schema 1 without fsLayers',
      json({ schemaVersion: 1, history: [] }),
      MediaType.DockerSchema1,
      'fsLayers must be an array',
    ],
    [
      'schema 1 with a numeric name',
      json({ schemaVersion: 1, name: 1, fsLayers: [], history: [] }),
      MediaType.DockerSchema1,
      'name must be a string',
    ],
  ])('%s', (_name, bytes, contentType, message) => {
    let err: unknown
    try {
      parseManifest(bytes, contentType)
    } catch (e) {
      err = e
    }
    expect(isAppError(err, Reason.BadRequest)).toBe(true)
    expect((err as Error).message).toMatch(/^manifest invalid: /)
    expect((err as Error).message).toContain(message)
  })

  it('bounds the document values it quotes', () => {
    let message = ''
    try {
      parseManifest(json(layer(desc('a/b', `sha256:${'z'.repeat(5000)}`))), oci)
    } catch (e) {
      message = (e as Error).message
    }
    expect(message.length).toBeLessThan(200)
  })
})
