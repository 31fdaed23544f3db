import { existsSync } from 'node:fs'
import { Agent, fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MediaType } from '../../src/oci/media-types.js'
import {
  BASIC_REALM,
  type RegistryKind,
  type RunningRegistry,
  startRegistry,
  TOKEN_SERVICE,
} from '../support/docker-registry.js'
import { isPortOpen } from '../support/free-port.js'
import { type SkopeoInspectOptions, skopeoInspectRaw } from '../support/peers.js'
import { createPusher } from '../support/push.js'
import {
  LIST_PLATFORMS,
  type SeededImageList,
  type SeededImages,
  type SeededSingleImage,
  seedImages,
  seedTags,
} from '../support/test-images.js'

const running: RunningRegistry[] = []
const registries = new Map<RegistryKind, RunningRegistry>()
const agents: Agent[] = []

async function start(
  kind: RegistryKind,
  opts?: Parameters<typeof startRegistry>[1]
): Promise<RunningRegistry> {
  const reg = await startRegistry(kind, opts)
  running.push(reg)
  return reg
}

function reg(kind: RegistryKind): RunningRegistry {
  const r = registries.get(kind)
  if (r === undefined) throw new Error(`${kind} registry not started`)
  return r
}

/** GET/HEAD against a registry, trusting its certificate, optionally with an Authorization header. */
async function call(
  r: RunningRegistry,
  path: string,
  init: { method?: string; authorization?: string; accept?: string } = {}
): Promise<{ status: number; headers: Headers; body: string }> {
  const agent = new Agent({ connect: r.caCertPem === undefined ? {} : { ca: r.caCertPem } })
  agents.push(agent)
  const res = await fetch(`${r.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.authorization === undefined ? {} : { authorization: init.authorization }),
      ...(init.accept === undefined ? {} : { accept: init.accept }),
    },
    dispatcher: agent,
  })
  return { status: res.status, headers: res.headers as unknown as Headers, body: await res.text() }
}

const basicAuth = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`

const inspectOpts = (r: RunningRegistry): SkopeoInspectOptions => ({
  tlsVerify: false,
  ...(r.username === undefined ? {} : { creds: `${r.username}:${r.password ?? ''}` }),
})

beforeAll(async () => {
  const kinds: RegistryKind[] = ['anonymous', 'basic-tls', 'token', 'deny-all']
  const started = await Promise.all(kinds.map((k) => start(k)))
  for (const r of started) registries.set(r.kind, r)
})

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()))
  await Promise.all(agents.map((a) => a.close()))
})

describe('startRegistry', () => {
  it('serves an anonymous plain-HTTP registry on 127.0.0.1', async () => {
    const r = reg('anonymous')
    expect(r.host).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(r.url).toBe(`http://${r.host}`)
    expect(r.username).toBeUndefined()
    const res = await call(r, '/v2/')
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
  })

  it('challenges with Basic on the TLS registry and accepts its credentials', async () => {
    const r = reg('basic-tls')
    expect(r.url).toBe(`https://${r.host}`)
    expect(r.caCertPem).toContain('BEGIN CERTIFICATE')
    expect(r.caCertPath === undefined ? false : existsSync(r.caCertPath)).toBe(true)
    const anon = await call(r, '/v2/')
    expect(anon.status).toBe(401)
    expect(anon.headers.get('www-authenticate')).toBe(`Basic realm="${BASIC_REALM}"`)
    const wrong = await call(r, '/v2/', { authorization: basicAuth(r.username ?? '', 'wrong') })
    expect(wrong.status).toBe(401)
    const ok = await call(r, '/v2/', {
      authorization: basicAuth(r.username ?? '', r.password ?? ''),
    })
    expect(ok.status).toBe(200)
  })

  it('challenges with Bearer whose realm is the issuer on another port', async () => {
    const r = reg('token')
    const issuer = r.tokenIssuer
    expect(issuer).toBeDefined()
    if (issuer === undefined) return
    const res = await call(r, '/v2/')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="${issuer.url}",service="${TOKEN_SERVICE}"`
    )
    const realm = new URL(issuer.url)
    expect(realm.hostname).toBe('127.0.0.1')
    expect(realm.port).not.toBe(r.host.split(':')[1])
  })

  it('issues tokens the registry accepts, pull-only to anonymous callers, 401 on wrong credentials', async () => {
    const r = reg('token')
    const issuer = r.tokenIssuer
    if (issuer === undefined) throw new Error('no issuer')
    const before = issuer.requests.length
    const scope = 'repository:team/app:pull,push'
    const tokenUrl = `${issuer.url}?service=${TOKEN_SERVICE}&scope=${encodeURIComponent(scope)}`
    const claims = (token: string): { access: { actions: string[] }[]; aud: string } =>
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))

    const authed = await fetch(tokenUrl, {
      headers: { authorization: basicAuth(r.username ?? '', r.password ?? '') },
    })
    expect(authed.status).toBe(200)
    const body = (await authed.json()) as {
      token: string
      access_token: string
      expires_in: number
    }
    expect(body.expires_in).toBe(300)
    expect(body.access_token).toBe(body.token)
    expect(claims(body.token).aud).toBe(TOKEN_SERVICE)
    expect(claims(body.token).access[0]?.actions).toEqual(['pull', 'push'])
    expect((await call(r, '/v2/', { authorization: `Bearer ${body.token}` })).status).toBe(200)

    const anonymous = (await (await fetch(tokenUrl)).json()) as { token: string }
    expect(claims(anonymous.token).access[0]?.actions).toEqual(['pull'])

    const wrong = await fetch(tokenUrl, {
      headers: { authorization: basicAuth(r.username ?? '', 'wrong') },
    })
    expect(wrong.status).toBe(401)
    await wrong.arrayBuffer()

    const form = new URLSearchParams({
      grant_type: 'password',
      username: r.username ?? '',
      password: r.password ?? '',
      service: TOKEN_SERVICE,
      client_id: 'test',
      scope: `${scope} repository:team/other:pull`,
    })
    const posted = await fetch(issuer.url, { method: 'POST', body: form })
    expect(posted.status).toBe(200)
    const postedBody = (await posted.json()) as { access_token: string }
    expect(claims(postedBody.access_token).access).toHaveLength(2)

    expect(issuer.requests.slice(before).map((q) => [q.method, q.hasAuth, q.status])).toEqual([
      ['GET', true, 200],
      ['GET', false, 200],
      ['GET', true, 401],
      ['POST', false, 200],
    ])
    expect(issuer.requests[before]?.query).toContain('scope=repository%3Ateam%2Fapp%3Apull%2Cpush')
    expect(issuer.requests[before + 3]?.scopes).toEqual([scope, 'repository:team/other:pull'])
  })

  it('rejects every request on the deny-all registry', async () => {
    const r = reg('deny-all')
    expect(r.username).toBeUndefined()
    expect((await call(r, '/v2/')).status).toBe(401)
    expect((await call(r, '/v2/', { authorization: basicAuth('nobody', 'guess') })).status).toBe(
      401
    )
    expect((await call(r, '/v2/team/app/manifests/v1')).status).toBe(401)
    await expect(seedImages(r)).rejects.toThrow(/deny-all/)
  })
})

describe('request log', () => {
  it('parses method, path and status of every request the registry served', async () => {
    const r = reg('anonymous')
    const before = r.requests().length
    await call(r, '/v2/')
    await call(r, '/v2/team/nothing/manifests/nope?x=1', { method: 'HEAD' })
    await call(r, '/v2/team/nothing/tags/list')
    const all = await r.waitForRequests(before + 3)
    expect(all.slice(before)).toEqual([
      { method: 'GET', path: '/v2/', uri: '/v2/', status: 200 },
      {
        method: 'HEAD',
        path: '/v2/team/nothing/manifests/nope',
        uri: '/v2/team/nothing/manifests/nope?x=1',
        status: 404,
      },
      {
        method: 'GET',
        path: '/v2/team/nothing/tags/list',
        uri: '/v2/team/nothing/tags/list',
        status: 404,
      },
    ])
  })

  it('logs HTTP/2 requests and 401s on the TLS registry', async () => {
    const r = reg('basic-tls')
    const before = r.requests().length
    await call(r, '/v2/')
    const all = await r.waitForRequests(before + 1)
    expect(all[before]).toMatchObject({ method: 'GET', path: '/v2/', status: 401 })
  })
})

describe('seedImages', () => {
  const seeded = new Map<RegistryKind, SeededImages>()

  async function expectSingle(
    r: RunningRegistry,
    image: SeededSingleImage,
    mediaType: string
  ): Promise<void> {
    const raw = await skopeoInspectRaw(image.reference, inspectOpts(r))
    expect(raw.mediaType).toBe(mediaType)
    expect(image.mediaType).toBe(mediaType)
    expect(raw.digest).toBe(image.digest)
    const config = await skopeoInspectRaw(image.reference, { ...inspectOpts(r), config: true })
    expect(config.digest).toBe(image.config.digest)
    expect(config.json).toMatchObject({
      architecture: image.config.architecture,
      os: image.config.os,
      config: { Env: image.config.env, Labels: image.config.labels },
    })
  }

  async function expectList(
    r: RunningRegistry,
    list: SeededImageList,
    mediaType: string,
    childType: string
  ) {
    const raw = await skopeoInspectRaw(list.reference, inspectOpts(r))
    expect(raw.mediaType).toBe(mediaType)
    expect(raw.digest).toBe(list.digest)
    const manifests = (raw.json as { manifests: { digest: string; platform: unknown }[] }).manifests
    expect(manifests.map((m) => m.platform)).toEqual(LIST_PLATFORMS)
    expect(manifests.map((m) => m.digest)).toEqual(list.children.map((c) => c.digest))
    expect(list.children.map((c) => c.platform)).toEqual(LIST_PLATFORMS)
    for (const child of list.children) {
      const m = await skopeoInspectRaw(child.reference, inspectOpts(r))
      expect(m.mediaType).toBe(childType)
      expect(m.digest).toBe(child.digest)
      const config = await skopeoInspectRaw(child.reference, { ...inspectOpts(r), config: true })
      expect(config.digest).toBe(child.config.digest)
      expect(config.json).toMatchObject({
        architecture: child.platform.architecture,
        os: child.platform.os,
        ...(child.platform.variant === undefined ? {} : { variant: child.platform.variant }),
      })
    }
    // Every child has its own config: platform, env, labels and created all differ.
    const configs = list.children.map((c) => c.config)
    expect(new Set(configs.map((c) => c.digest)).size).toBe(4)
    expect(new Set(configs.map((c) => c.created)).size).toBe(4)
    expect(new Set(configs.map((c) => c.env.join()))).toHaveProperty('size', 4)
    expect(new Set(configs.map((c) => JSON.stringify(c.labels)))).toHaveProperty('size', 4)
  }

  it.each(['anonymous', 'basic-tls', 'token'] as const)(
    'pushes real images that skopeo reads back (%s)',
    async (kind) => {
      const r = reg(kind)
      const images = await seedImages(r)
      seeded.set(kind, images)
      expect(images.all.map((i) => i.reference)).toEqual([
        `${r.host}/team/app:v1`,
        `${r.host}/team/app:v2`,
        `${r.host}/team/multi:oci`,
        `${r.host}/team/multi:docker`,
        `${r.host}/library/busybox:latest`,
      ])
      await expectSingle(r, images.appV1, MediaType.OciManifest)
      // NB: umoci writes OCI manifests without the optional mediaType field.
      expect(JSON.parse(images.appV1.bytes.toString('utf8'))).not.toHaveProperty('mediaType')
      await expectSingle(r, images.appV2, MediaType.DockerManifest)
      await expectSingle(r, images.busybox, MediaType.DockerManifest)
      expect(images.appV1.digest).not.toBe(images.appV2.digest)
      expect(images.appV1.config).toMatchObject({
        architecture: 'amd64',
        os: 'linux',
        created: '2024-01-02T03:04:05Z',
        labels: { 'io.imagestreams.test': 'app-v1' },
      })
      expect(images.appV1.config.env).toContain('APP_VERSION=1')
      expect(images.appV2.config.mediaType).toBe(MediaType.DockerConfig)
      await expectList(r, images.multiOci, MediaType.OciIndex, MediaType.OciManifest)
      await expectList(
        r,
        images.multiDocker,
        MediaType.DockerManifestList,
        MediaType.DockerManifest
      )
    }
  )

  it('seeds the same digests into every registry', () => {
    const a = seeded.get('anonymous')
    const b = seeded.get('token')
    expect(a?.all.map((i) => i.digest)).toEqual(b?.all.map((i) => i.digest))
  })

  it('lets anonymous clients pull from the token registry', async () => {
    const r = reg('token')
    const image = seeded.get('token')?.appV1
    if (image === undefined) throw new Error('not seeded')
    const raw = await skopeoInspectRaw(image.reference, { tlsVerify: false })
    expect(raw.digest).toBe(image.digest)
    expect(r.tokenIssuer?.requests.some((q) => !q.hasAuth && q.status === 200)).toBe(true)
  })
})

describe('seedTags', () => {
  it('tags one image many times', async () => {
    const r = reg('token')
    const result = await seedTags(r, 'bench/many', 30)
    expect(result.tags).toHaveLength(30)
    expect(result.tags[0]).toBe('tag-00')
    expect(result.references[29]).toBe(`${r.host}/bench/many:tag-29`)
    const pusher = createPusher(r)
    try {
      const m = await pusher.getManifest('bench/many', 'tag-17')
      expect(m.digest).toBe(result.digest)
      expect(m.mediaType).toBe(MediaType.OciManifest)
    } finally {
      await pusher.close()
    }
    const raw = await skopeoInspectRaw(result.references[5] ?? '', inspectOpts(r))
    expect(raw.digest).toBe(result.digest)
  })
})

describe('stop', () => {
  it('kills the registry, closes its ports and removes its directory', async () => {
    const r = await start('token')
    const port = Number(r.host.split(':')[1])
    const issuerPort = Number(new URL(r.tokenIssuer?.url ?? '').port)
    expect(await isPortOpen(port)).toBe(true)
    expect(await isPortOpen(issuerPort)).toBe(true)
    await r.stop()
    expect(await isPortOpen(port)).toBe(false)
    expect(await isPortOpen(issuerPort)).toBe(false)
    expect(existsSync(r.dir)).toBe(false)
    expect(() => process.kill(r.pid, 0)).toThrow()
    expect(() => process.kill(-r.pid, 0)).toThrow() // the whole process group is gone
    await r.stop() // idempotent
  })

  it('honours an aborted signal', async () => {
    await expect(startRegistry('anonymous', { signal: AbortSignal.abort() })).rejects.toThrow()
  })
})

// NB: binding port 80 needs root; the image reference then has no port (the ':80 rule').
describe.skipIf(process.getuid?.() !== 0)('bindIp on port 80', () => {
  it('serves on IP:80 with host = the bare IP', async () => {
    // A random 127/8 address so that concurrent test runs do not fight over port 80.
    const ip = `127.0.${10 + Math.floor(Math.random() * 200)}.${2 + Math.floor(Math.random() * 250)}`
    const r = await start('anonymous', { bindIp: ip, port: 80 })
    expect(r.host).toBe(ip)
    expect(r.url).toBe(`http://${ip}`)
    expect((await call(r, '/v2/')).status).toBe(200)
    const tags = await seedTags(r, 'team/port80', 1)
    expect(tags.references[0]).toBe(`${ip}/team/port80:tag-0`)
    const raw = await skopeoInspectRaw(tags.references[0] ?? '', { tlsVerify: false })
    expect(raw.digest).toBe(tags.digest)
    await r.stop()
    expect(await isPortOpen(80, { host: ip })).toBe(false)
  })
})
