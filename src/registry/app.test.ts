import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { buildImage, buildIndex } from '../../test/support/image-builder.js'
import type { Image, ImageStream } from '../api/image/v1/types.js'
import { computeDigest } from '../oci/digest.js'
import { MediaType } from '../oci/media-types.js'
import { createRegistryClient, type RegistryClient } from '../registry-client/client.js'
import { systemClock } from '../shared/clock.js'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createRegistry, type Registry } from './app.js'
import { DiskBlobStore } from './blob-store.js'
import { type Identity, PUBLIC_PULL_ANNOTATION } from './identity.js'
import { LAST_PULLED_ANNOTATION } from './last-pull.js'

const HOST = 'registry.example:5000'
const TOKENS: Record<string, Identity> = {
  'admin-token': { kind: 'admin' },
  'team-token': { kind: 'serviceaccount', namespace: 'team', name: 'builder' },
  'other-token': { kind: 'serviceaccount', namespace: 'other', name: 'builder' },
}
const basic = (secret: string, user = 'anyone'): string =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`
const ADMIN = { authorization: basic('admin-token') }
const TEAM = { authorization: basic('team-token') }
const OTHER = { authorization: basic('other-token') }

const IMAGE = buildImage(
  {
    platform: { architecture: 'amd64', os: 'linux' },
    env: ['PATH=/bin'],
    labels: { a: 'b' },
    created: '2026-01-01T00:00:00Z',
    files: [{ path: 'hello.txt', content: 'hello\n' }],
  },
  'oci'
)

let dir: string
let store: MemoryStore
let client: RegistryClient
let registry: Registry

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-app-'))
  store = new MemoryStore()
  for (const [name, annotations] of [
    ['team', {}],
    ['other', {}],
    ['public', { [PUBLIC_PULL_ANNOTATION]: 'true' }],
  ] as const) {
    await store.create('namespaces', { metadata: { name, annotations: { ...annotations } } })
  }
  client = createRegistryClient()
  registry = createRegistry({
    store,
    blobStore: await DiskBlobStore.open({ dir }),
    client,
    authenticate: async (secret) => TOKENS[secret],
    clock: systemClock,
    logger: noopLogger,
    settings: { registryHostname: HOST, tokenSigningKey: new Uint8Array(32).fill(7) },
  })
})

afterEach(async () => {
  await registry.services.lastPull.flush()
  await client.close()
  await rm(dir, { recursive: true, force: true })
})

const req = (path: string, init: RequestInit = {}, env?: unknown): Promise<Response> =>
  Promise.resolve(registry.app.request(path, init, env as never))

async function pushBlob(repo: string, bytes: Uint8Array, headers = ADMIN): Promise<Response> {
  return req(`/v2/${repo}/blobs/uploads/?digest=${computeDigest(bytes)}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: bytes,
  })
}

async function pushImage(repo: string, tag: string, headers = ADMIN): Promise<Response> {
  for (const b of [IMAGE.config, ...IMAGE.layers]) {
    expect((await pushBlob(repo, b.bytes, headers)).status).toBe(201)
  }
  return req(`/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': IMAGE.manifest.mediaType },
    body: IMAGE.manifest.bytes,
  })
}

async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: { code: string }[] }
  return body.errors?.[0]?.code
}

describe('auth', () => {
  it('challenges callers without credentials on /v2/ with the token realm', async () => {
    const res = await req('/v2/')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="http://localhost/openshift/token",service="${HOST}"`
    )
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
    expect(await errorCode(res)).toBe('UNAUTHORIZED')
  })

  it('accepts Basic auth with any user name and an API token as password', async () => {
    const res = await req('/v2/', { headers: { authorization: basic('team-token', 'whoever') } })
    expect(res.status).toBe(200)
  })

  it('rejects wrong credentials instead of treating them as anonymous', async () => {
    const res = await req('/v2/', { headers: { authorization: basic('nope') } })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('issues tokens limited to what the identity may do', async () => {
    const res = await req(
      '/openshift/token?service=x&scope=repository:team/app:pull,push&scope=repository:other/app:pull',
      { headers: TEAM }
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { token: string; expires_in: number }
    expect(body.expires_in).toBe(300)
    const bearer = { authorization: `Bearer ${body.token}` }
    expect((await pushImage('team/app', 'v1', bearer)).status).toBe(201)
    const denied = await req('/v2/other/app/tags/list', { headers: bearer })
    expect(denied.status).toBe(401)
    expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    expect(denied.headers.get('www-authenticate')).toContain('scope="repository:other/app:pull"')
  })

  it('refuses a token of another namespace with DENIED and stores nothing', async () => {
    const res = await pushBlob('team/app', IMAGE.config.bytes, OTHER)
    expect(res.status).toBe(403)
    expect(await errorCode(res)).toBe('DENIED')
    expect(await registry.services.blobStore.stat(IMAGE.config.digest)).toBeUndefined()
    expect((await req('/v2/team/app/tags/list', { headers: OTHER })).status).toBe(403)
  })

  it('lets anonymous callers pull only from public namespaces', async () => {
    expect((await pushImage('public/app', 'v1')).status).toBe(201)
    expect((await pushImage('team/app', 'v1')).status).toBe(201)
    expect((await req('/v2/public/app/manifests/v1')).status).toBe(200)
    const priv = await req('/v2/team/app/manifests/v1')
    expect(priv.status).toBe(401)
    expect(priv.headers.get('www-authenticate')).toContain('scope="repository:team/app:pull"')
    const push = await pushBlob('public/app', IMAGE.config.bytes, {} as typeof ADMIN)
    expect(push.status).toBe(401)
  })

  it('gives anonymous token requests pull on public namespaces only', async () => {
    const res = await req(
      '/openshift/token?scope=repository:public/app:pull,push&scope=repository:team/app:pull'
    )
    const { token } = (await res.json()) as { token: string }
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      access: unknown
    }
    expect(claims.access).toEqual([{ type: 'repository', name: 'public/app', actions: ['pull'] }])
  })

  it('rejects a tampered token', async () => {
    const res = await req('/openshift/token?scope=repository:team/app:pull', { headers: TEAM })
    const { token } = (await res.json()) as { token: string }
    const tampered = `${token.slice(0, -4)}AAAA`
    const r = await req('/v2/team/app/tags/list', {
      headers: { authorization: `Bearer ${tampered}` },
    })
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })
})

describe('names', () => {
  it.each([
    ['/v2/Team/App/manifests/v1', 400],
    ['/v2/team/app/extra/manifests/v1', 400],
    ['/v2/team/manifests/v1', 400],
    ['/v2/team/-app/manifests/v1', 400],
  ])('refuses %s with NAME_INVALID', async (path, status) => {
    const res = await req(path, { headers: ADMIN })
    expect(res.status).toBe(status)
    expect(await errorCode(res)).toBe('NAME_INVALID')
  })

  it.each([
    '/v2/team/x/../app/manifests/v1',
    '/v2/team/%2e%2e/app/manifests/v1',
    '/v2/team/app%2fx/manifests/v1',
  ])('refuses the raw path %s without cleaning it', async (raw) => {
    const res = await req(
      '/v2/team/app/manifests/v1',
      { headers: ADMIN },
      { incoming: { url: raw } }
    )
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('NAME_INVALID')
  })
})

describe('push and pull', () => {
  it('maps a pushed manifest to an Image and a new tag history item, creating the stream', async () => {
    const put = await pushImage('team/app', 'v1')
    expect(put.status).toBe(201)
    const digest = IMAGE.manifest.digest
    expect(put.headers.get('docker-content-digest')).toBe(digest)
    expect(put.headers.get('location')).toBe(`/v2/team/app/manifests/${digest}`)
    const image = await store.get<Image & { metadata: { name: string } }>({
      resource: 'images',
      name: digest,
    })
    expect(image?.dockerImageReference).toBe(`${HOST}/team/app@${digest}`)
    expect(image?.dockerImageLayers?.map((l) => l.name)).toEqual(IMAGE.layers.map((l) => l.digest))
    expect(image?.dockerImageMetadata?.Id).toBe(IMAGE.config.digest)
    const stream = await store.get<ImageStream & { metadata: { name: string } }>({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'app',
    })
    expect(stream?.status?.dockerImageRepository).toBe(`${HOST}/team/app`)
    expect(stream?.status?.tags?.[0]?.items?.[0]).toMatchObject({
      image: digest,
      dockerImageReference: `${HOST}/team/app@${digest}`,
    })

    // A second push of another manifest to the same tag adds a history item.
    const other = buildImage({ ...IMAGE.spec, labels: { a: 'c' } }, 'oci')
    for (const b of [other.config, ...other.layers]) await pushBlob('team/app', b.bytes)
    await req('/v2/team/app/manifests/v1', {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': other.manifest.mediaType },
      body: other.manifest.bytes,
    })
    const after = await store.get<ImageStream & { metadata: { name: string } }>({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'app',
    })
    expect(after?.status?.tags?.[0]?.items?.map((i) => i.image)).toEqual([
      other.manifest.digest,
      digest,
    ])
  })

  it('serves the exact bytes by tag and by digest, HEAD without a body', async () => {
    await pushImage('team/app', 'v1')
    for (const ref of ['v1', IMAGE.manifest.digest]) {
      const res = await req(`/v2/team/app/manifests/${ref}`, { headers: ADMIN })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(MediaType.OciManifest)
      expect(res.headers.get('docker-content-digest')).toBe(IMAGE.manifest.digest)
      expect(Buffer.from(await res.arrayBuffer()).equals(IMAGE.manifest.bytes)).toBe(true)
    }
    const head = await req('/v2/team/app/manifests/v1', { method: 'HEAD', headers: ADMIN })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(IMAGE.manifest.bytes.byteLength))
    expect(await head.text()).toBe('')
  })

  it('drain waits for the last-pull write a GET left behind', async () => {
    await pushImage('team/app', 'v1')
    // Hold the background write until the drain is waiting for it.
    let release = (): void => undefined
    const held = new Promise<void>((r) => {
      release = r
    })
    const update = store.guaranteedUpdate.bind(store)
    vi.spyOn(store, 'guaranteedUpdate').mockImplementation(async (...args) => {
      await held
      return update(...args)
    })
    expect((await req('/v2/team/app/manifests/v1', { headers: ADMIN })).status).toBe(200)
    let drained = false
    const drain = registry.drain().then(() => {
      drained = true
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(drained).toBe(false)
    release()
    await drain
    const image = await store.get<Image & { metadata: { name: string } }>({
      resource: 'images',
      name: IMAGE.manifest.digest,
    })
    expect(image?.metadata.annotations?.[LAST_PULLED_ANNOTATION]).toBeDefined()
  })

  it('answers 404 when the Accept header excludes the stored type', async () => {
    await pushImage('team/app', 'v1')
    const res = await req('/v2/team/app/manifests/v1', {
      headers: { ...ADMIN, accept: MediaType.DockerManifest },
    })
    expect(res.status).toBe(404)
    expect(await errorCode(res)).toBe('MANIFEST_UNKNOWN')
    const star = await req('/v2/team/app/manifests/v1', {
      headers: { ...ADMIN, accept: `${MediaType.DockerManifest}, */*;q=0.1` },
    })
    expect(star.status).toBe(200)
  })

  it('refuses a manifest whose blobs are not in the repository', async () => {
    await pushImage('other/app', 'v1', OTHER)
    const res = await req('/v2/team/app/manifests/v1', {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': IMAGE.manifest.mediaType },
      body: IMAGE.manifest.bytes,
    })
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('MANIFEST_BLOB_UNKNOWN')
  })

  it('refuses an oversized manifest with 413', async () => {
    const res = await req('/v2/team/app/manifests/v1', {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': MediaType.OciManifest },
      body: new Uint8Array(4 * 1024 * 1024 + 1).fill(32),
    })
    expect(res.status).toBe(413)
  })

  it('refuses an ambiguous document (CVE-2021-41190)', async () => {
    const doc = JSON.parse(IMAGE.manifest.bytes.toString()) as Record<string, unknown>
    doc.manifests = []
    delete doc.mediaType
    const res = await req('/v2/team/app/manifests/v1', {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': MediaType.OciManifest },
      body: JSON.stringify(doc),
    })
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('MANIFEST_INVALID')
  })

  it('refuses an upload whose content does not match its digest and stores nothing', async () => {
    const wrong = computeDigest(new TextEncoder().encode('something else'))
    const res = await req(`/v2/team/app/blobs/uploads/?digest=${wrong}`, {
      method: 'POST',
      headers: ADMIN,
      body: new TextEncoder().encode('the content'),
    })
    expect(res.status).toBe(400)
    expect(await errorCode(res)).toBe('DIGEST_INVALID')
    expect(await registry.services.blobStore.stat(wrong)).toBeUndefined()
    expect(registry.services.blobStore.usage().blobs).toBe(0)
  })

  it('pushes a manifest list after its children, by digest', async () => {
    const child = buildImage(IMAGE.spec, 'docker')
    const list = buildIndex([child], 'docker')
    for (const b of [child.config, ...child.layers]) await pushBlob('team/multi', b.bytes)
    const byDigest = await req(`/v2/team/multi/manifests/${child.manifest.digest}`, {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': child.manifest.mediaType },
      body: child.manifest.bytes,
    })
    expect(byDigest.status).toBe(201)
    const res = await req('/v2/team/multi/manifests/latest', {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': list.index.mediaType },
      body: list.index.bytes,
    })
    expect(res.status).toBe(201)
    const image = await store.get<Image & { metadata: { name: string } }>({
      resource: 'images',
      name: list.index.digest,
    })
    expect(image?.dockerImageManifests?.map((m) => m.digest)).toEqual([child.manifest.digest])
  })
})

describe('mount', () => {
  it('mounts only from repositories the caller may read', async () => {
    await pushImage('other/app', 'v1', OTHER)
    const digest = IMAGE.layers[0]?.digest ?? ''
    const denied = await req(`/v2/team/app/blobs/uploads/?mount=${digest}&from=other/app`, {
      method: 'POST',
      headers: TEAM,
    })
    expect(denied.status).toBe(202)
    expect(
      (await req(`/v2/team/app/blobs/${digest}`, { method: 'HEAD', headers: TEAM })).status
    ).toBe(404)
    const ok = await req(`/v2/team/app/blobs/uploads/?mount=${digest}&from=other/app`, {
      method: 'POST',
      headers: ADMIN,
    })
    expect(ok.status).toBe(201)
    expect(ok.headers.get('docker-content-digest')).toBe(digest)
    expect(
      (await req(`/v2/team/app/blobs/${digest}`, { method: 'HEAD', headers: TEAM })).status
    ).toBe(200)
  })
})

describe('catalog', () => {
  it('lists only what the caller may pull', async () => {
    await pushImage('team/app', 'v1')
    await pushImage('other/app', 'v1')
    await pushImage('public/app', 'v1')
    const list = async (headers: Record<string, string>): Promise<unknown> =>
      ((await (await req('/v2/_catalog', { headers })).json()) as { repositories: unknown })
        .repositories
    expect(await list(ADMIN)).toEqual(['other/app', 'public/app', 'team/app'])
    expect(await list(TEAM)).toEqual(['public/app', 'team/app'])
    expect((await req('/v2/_catalog')).status).toBe(401)
    const anon = (await (await req('/openshift/token?scope=registry:catalog:*')).json()) as {
      token: string
    }
    expect(await list({ authorization: `Bearer ${anon.token}` })).toEqual(['public/app'])
  })
})
