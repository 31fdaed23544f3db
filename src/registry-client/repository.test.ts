import { afterEach, describe, expect, it } from 'vitest'
import {
  errorResponse,
  type FakeRoute,
  type FakeUpstream,
  jsonResponse,
  startFakeUpstream,
} from '../../test/support/fake-upstream.js'
import { computeDigest, type Digest } from '../oci/digest.js'
import { MANIFEST_ACCEPT, MediaType } from '../oci/media-types.js'
import { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './client.js'
import type { Keyring } from './credentials/types.js'

const enc = (v: unknown): Uint8Array =>
  new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v))

const MANIFEST = enc({
  schemaVersion: 2,
  mediaType: MediaType.OciManifest,
  config: { mediaType: MediaType.OciConfig, digest: `sha256:${'a'.repeat(64)}`, size: 2 },
  layers: [],
})
const DIGEST = computeDigest(MANIFEST)
const OTHER_DIGEST = computeDigest(enc('something else'))

const servers: FakeUpstream[] = []
const clients: RegistryClient[] = []

async function registry(routes: FakeRoute[]): Promise<FakeUpstream> {
  const s = await startFakeUpstream({
    routes: [{ path: '/v2/', respond: { status: 200 } }, ...routes],
  })
  servers.push(s)
  return s
}

function repoOn(s: FakeUpstream, opts: RegistryClientOptions = {}) {
  const c = createRegistryClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...opts })
  clients.push(c)
  return c.repository({ registry: s.host, repository: 'team/app', insecure: true })
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const manifestResponse = (
  o: { digest?: string; contentType?: string; body?: Uint8Array } = {}
) => ({
  headers: {
    'content-type': o.contentType ?? MediaType.OciManifest,
    ...(o.digest === undefined ? {} : { 'docker-content-digest': o.digest }),
  },
  body: o.body ?? MANIFEST,
})

const failure = async (p: Promise<unknown>): Promise<Error & Record<string, unknown>> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(err instanceof Error)) throw new Error('expected a failure')
  return err as Error & Record<string, unknown>
}

describe('manifests', () => {
  it('GETs by tag with the full Accept list and identity encoding', async () => {
    const s = await registry([
      { path: '/v2/team/app/manifests/v1', respond: manifestResponse({ digest: DIGEST }) },
    ])
    const m = await repoOn(s).manifestGet('v1', {})
    expect(m).toEqual({ digest: DIGEST, mediaType: MediaType.OciManifest, bytes: MANIFEST })
    const req = s.requests.find((r) => r.path.endsWith('/manifests/v1'))
    expect(req?.headers.accept?.split(', ')).toEqual(MANIFEST_ACCEPT)
    expect(req?.headers['accept-encoding']).toBe('identity')
  })

  it('HEADs by tag', async () => {
    const s = await registry([
      {
        method: 'HEAD',
        path: '/v2/team/app/manifests/v1',
        respond: manifestResponse({ digest: DIGEST }),
      },
    ])
    expect(await repoOn(s).manifestHead('v1', {})).toEqual({
      digest: DIGEST,
      mediaType: MediaType.OciManifest,
      size: MANIFEST.byteLength,
    })
    expect(s.requests.filter((r) => r.path.includes('manifests')).map((r) => r.method)).toEqual([
      'HEAD',
    ])
  })

  it.each([
    ['405', { status: 405 }],
    ['a missing Docker-Content-Digest', manifestResponse()],
    ['a malformed Docker-Content-Digest', manifestResponse({ digest: 'sha256:NOPE' })],
  ])('falls back from HEAD to GET on %s', async (_name, head) => {
    const s = await registry([
      { method: 'HEAD', path: '/v2/team/app/manifests/v1', respond: head },
      {
        method: 'GET',
        path: '/v2/team/app/manifests/v1',
        respond: manifestResponse({ digest: DIGEST }),
      },
    ])
    expect(await repoOn(s).manifestHead('v1', {})).toEqual({
      digest: DIGEST,
      mediaType: MediaType.OciManifest,
      size: MANIFEST.byteLength,
    })
    expect(s.requests.filter((r) => r.path.includes('manifests')).map((r) => r.method)).toEqual([
      'HEAD',
      'GET',
    ])
  })

  it('maps a missing manifest to NotFound, and says HEAD has no body', async () => {
    const s = await registry([
      {
        method: 'GET',
        path: /manifests/,
        respond: errorResponse(404, 'MANIFEST_UNKNOWN', 'manifest unknown'),
      },
      { method: 'HEAD', path: /manifests/, respond: { status: 404 } },
    ])
    const repo = repoOn(s)
    const get = await failure(repo.manifestGet('nope', {}))
    expect(get.message).toBe(
      `GET ${s.url}/v2/team/app/manifests/nope: MANIFEST_UNKNOWN: manifest unknown`
    )
    expect(get.reason).toBe('NotFound')
    expect(get.code).toBe('MANIFEST_UNKNOWN')
    const head = await failure(repo.manifestHead('nope', {}))
    expect(head.message).toContain('HEAD responses have no body')
    expect(head.reason).toBe('NotFound')
  })

  it('rejects a Docker-Content-Digest that differs from the content when pulling by tag', async () => {
    const s = await registry([
      { path: /manifests/, respond: manifestResponse({ digest: OTHER_DIGEST }) },
    ])
    const err = await failure(repoOn(s).manifestGet('v1', {}))
    expect(err.code).toBe('DIGEST_MISMATCH')
    expect(err.message).toContain(`has Docker-Content-Digest ${OTHER_DIGEST}`)
    expect(err.message).toContain(DIGEST)
  })

  it('rejects a body that does not match the requested digest', async () => {
    const s = await registry([
      { path: /manifests/, respond: manifestResponse({ digest: OTHER_DIGEST }) },
    ])
    const err = await failure(repoOn(s).manifestGet(OTHER_DIGEST, {}))
    expect(err.code).toBe('DIGEST_MISMATCH')
    expect(err.message).toContain(
      `content integrity error: the manifest retrieved with digest ${OTHER_DIGEST} does not match the digest calculated from the content ${DIGEST}`
    )
  })

  it('returns the requested digest for a matching body', async () => {
    const s = await registry([
      { path: `/v2/team/app/manifests/${DIGEST}`, respond: manifestResponse() },
    ])
    expect((await repoOn(s).manifestGet(DIGEST, {})).digest).toBe(DIGEST)
  })

  it('rejects a body mediaType that differs from Content-Type', async () => {
    const s = await registry([
      { path: /manifests/, respond: manifestResponse({ contentType: MediaType.OciIndex }) },
    ])
    const err = await failure(repoOn(s).manifestGet('v1', {}))
    expect(err.code).toBe('INVALID_RESPONSE')
    expect(err.message).toContain('does not match Content-Type')
  })

  it('caps a streamed manifest without Content-Length while reading', async () => {
    const big = enc(`{"pad":"${'x'.repeat(200_000)}"}`)
    const s = await registry([
      { path: /manifests/, respond: { ...manifestResponse({ body: big }), chunked: true } },
    ])
    const err = await failure(
      repoOn(s, { limits: { manifestBytes: 100_000 } }).manifestGet('v1', {})
    )
    expect(err.code).toBe('TOO_LARGE')
    expect(err.message).toContain('manifest too large: more than 100000 bytes')
  })

  it('rejects a too large Content-Length before reading the body', async () => {
    const s = await registry([
      {
        path: /manifests/,
        respond: {
          headers: {
            'content-type': MediaType.OciManifest,
            'content-length': String(5 * 1024 * 1024),
          },
          body: enc('{}'),
          // NB: the server would hang after two bytes; only an up-front check returns promptly.
          dropAfterBytes: 2,
          delayMs: 0,
        },
      },
    ])
    const err = await failure(repoOn(s).manifestGet('v1', {}))
    expect(err.code).toBe('TOO_LARGE')
    expect(err.message).toContain(
      `Content-Length ${5 * 1024 * 1024} exceeds the limit of ${4 * 1024 * 1024} bytes`
    )
  })

  it('refuses an invalid reference without a request', async () => {
    const s = await registry([])
    const err = await failure(repoOn(s).manifestGet('../../etc', {}))
    expect(err.code).toBe('INVALID_REQUEST')
    expect(s.requests).toHaveLength(0)
  })
})

describe('blobs', () => {
  const CONFIG = enc({ architecture: 'amd64', os: 'linux' })
  const CONFIG_DIGEST = computeDigest(CONFIG)

  it('GETs and verifies a blob', async () => {
    const s = await registry([
      { path: `/v2/team/app/blobs/${CONFIG_DIGEST}`, respond: { body: CONFIG } },
    ])
    const bytes = await repoOn(s).blobGet(CONFIG_DIGEST, { expectedSize: CONFIG.byteLength })
    expect(Buffer.from(bytes).equals(Buffer.from(CONFIG))).toBe(true)
  })

  it('rejects content that does not match the digest', async () => {
    const s = await registry([{ path: /blobs/, respond: { body: enc('tampered') } }])
    const err = await failure(repoOn(s).blobGet(CONFIG_DIGEST, {}))
    expect(err.code).toBe('DIGEST_MISMATCH')
    expect(err.message).toContain(`the blob retrieved with digest ${CONFIG_DIGEST} does not match`)
  })

  it('rejects a size other than expected', async () => {
    const s = await registry([{ path: /blobs/, respond: { body: CONFIG, chunked: true } }])
    const err = await failure(repoOn(s).blobGet(CONFIG_DIGEST, { expectedSize: 3 }))
    expect(err.code).toBe('DIGEST_MISMATCH')
    expect(err.message).toContain('larger than its expected size 3')
  })

  it('caps blobs at maxBytes', async () => {
    const s = await registry([{ path: /blobs/, respond: { body: CONFIG, chunked: true } }])
    const err = await failure(repoOn(s).blobGet(CONFIG_DIGEST, { maxBytes: 5 }))
    expect(err.code).toBe('TOO_LARGE')
  })

  it('follows a redirect to another origin without the Authorization header', async () => {
    const cdn = await startFakeUpstream({ routes: [{ path: '/blob', respond: { body: CONFIG } }] })
    servers.push(cdn)
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`
    const s = await startFakeUpstream({
      routes: [
        {
          path: '/v2/',
          respond: (req) =>
            req.headers.authorization === auth
              ? { status: 200 }
              : errorResponse(401, 'UNAUTHORIZED', 'auth', {
                  'www-authenticate': 'Basic realm="r"',
                }),
        },
        {
          path: /blobs/,
          respond: (req) =>
            req.headers.authorization === auth
              ? { status: 307, headers: { location: `${cdn.url}/blob?X-Amz-Signature=sig` } }
              : errorResponse(401, 'UNAUTHORIZED', 'auth', {
                  'www-authenticate': 'Basic realm="r"',
                }),
        },
      ],
    })
    servers.push(s)
    const keyring: Keyring = {
      lookup: () => ({ credentials: [{ username: 'u', password: 'p', source: 's' }], notes: [] }),
    }
    const bytes = await repoOn(s, { keyring }).blobGet(CONFIG_DIGEST, {})
    expect(bytes.byteLength).toBe(CONFIG.byteLength)
    expect(cdn.requests).toHaveLength(1)
    expect(cdn.requests[0]?.headers.authorization).toBeUndefined()
    expect(s.requests.find((r) => r.path.includes('blobs'))?.headers.authorization).toBe(auth)
  })

  it('stops after 10 redirects', async () => {
    let n = 0
    const s = await registry([
      { path: /./, respond: () => ({ status: 302, headers: { location: `/hop/${++n}` } }) },
    ])
    const err = await failure(repoOn(s).blobGet(CONFIG_DIGEST, {}))
    expect(err.message).toContain('stopped after 10 redirects')
    expect(s.requests.filter((r) => r.path !== '/v2/')).toHaveLength(11)
  })

  it('refuses a malformed digest without a request', async () => {
    const s = await registry([])
    const err = await failure(repoOn(s).blobGet('sha256:../../x' as Digest, {}))
    expect(err.code).toBe('INVALID_REQUEST')
    expect(s.requests).toHaveLength(0)
  })
})

describe('tags', () => {
  const page = (tags: string[], link?: string) =>
    jsonResponse({ name: 'team/app', tags }, link === undefined ? {} : { headers: { link } })

  it('follows Link pages and sends n', async () => {
    const s = await registry([
      {
        path: '/v2/team/app/tags/list?n=2',
        respond: page(['a', 'b'], '</v2/team/app/tags/list?last=b&n=2>; rel="next"'),
      },
      { path: '/v2/team/app/tags/list?last=b&n=2', respond: page(['c']) },
    ])
    expect(await repoOn(s).tagList({ pageSize: 2 })).toEqual(['a', 'b', 'c'])
  })

  it('tolerates registries that ignore n', async () => {
    const s = await registry([
      { path: '/v2/team/app/tags/list', respond: page(['a', 'b', 'c', 'd']) },
    ])
    expect(await repoOn(s).tagList({ pageSize: 2 })).toEqual(['a', 'b', 'c', 'd'])
  })

  it('stops when the Link pages loop', async () => {
    const s = await registry([
      // NB: a string path also matches the same path with any query, so the paged URL comes first.
      {
        path: '/v2/team/app/tags/list?last=a',
        respond: page(['b', 'a'], '</v2/team/app/tags/list>; rel="next"'),
      },
      {
        path: '/v2/team/app/tags/list',
        respond: page(['a'], '</v2/team/app/tags/list?last=a>; rel="next"'),
      },
    ])
    expect(await repoOn(s).tagList({})).toEqual(['a', 'b'])
    expect(s.requests.filter((r) => r.path.includes('tags'))).toHaveLength(2)
  })

  it('does not follow a Link to another origin', async () => {
    const other = await startFakeUpstream({ routes: [{ path: /./, respond: page(['evil']) }] })
    servers.push(other)
    const s = await registry([
      {
        path: '/v2/team/app/tags/list',
        respond: page(['a'], `<${other.url}/v2/team/app/tags/list?last=a>; rel="next"`),
      },
    ])
    expect(await repoOn(s).tagList({})).toEqual(['a'])
    expect(other.requests).toHaveLength(0)
  })

  it('maps NAME_UNKNOWN to NotFound', async () => {
    const s = await registry([
      {
        path: /tags/,
        respond: errorResponse(404, 'NAME_UNKNOWN', 'repository name not known to registry'),
      },
    ])
    const err = await failure(repoOn(s).tagList({}))
    expect(err.reason).toBe('NotFound')
    expect(err.code).toBe('NAME_UNKNOWN')
  })

  it('treats "tags": null as no tags', async () => {
    const s = await registry([
      { path: /tags/, respond: jsonResponse({ name: 'team/app', tags: null }) },
    ])
    expect(await repoOn(s).tagList({})).toEqual([])
  })
})
