import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseImageConfig } from '../../src/oci/image-config.js'
import { parseManifest } from '../../src/oci/manifest.js'
import { createRegistryClient, type RegistryClient } from '../../src/registry-client/client.js'
import { keyringFromSecrets } from '../../src/registry-client/credentials/pull-secrets.js'
import type { Keyring } from '../../src/registry-client/credentials/types.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import { skopeoInspectRaw } from '../support/peers.js'
import { type SeededImages, seedImages } from '../support/test-images.js'

/** A pull secret of type kubernetes.io/dockerconfigjson with one entry per key. */
function pullSecret(name: string, auths: Record<string, { username: string; password: string }>) {
  const doc = {
    auths: Object.fromEntries(
      Object.entries(auths).map(([k, v]) => [
        k,
        { auth: Buffer.from(`${v.username}:${v.password}`).toString('base64') },
      ])
    ),
  }
  return {
    metadata: { name, namespace: 'default' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(doc)).toString('base64') },
  }
}

function keyringOf(...secrets: ReturnType<typeof pullSecret>[]): Keyring {
  const { keyring, warnings } = keyringFromSecrets(secrets)
  expect(warnings).toEqual([])
  return keyring
}

const clients: RegistryClient[] = []
function client(opts: Parameters<typeof createRegistryClient>[0] = {}): RegistryClient {
  const c = createRegistryClient({ retry: { attempts: 2, baseDelayMs: 10 }, ...opts })
  clients.push(c)
  return c
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
})

// Plain-HTTP registries need the insecure flag, as in OpenShift; TLS ones are verified.
const plainHttpHosts = new Set<string>()
function repoOf(reference: string): { registry: string; repository: string; insecure?: boolean } {
  const slash = reference.indexOf('/')
  const at = reference.search(/[:@][^/]*$/)
  const registry = reference.slice(0, slash)
  return {
    registry,
    repository: reference.slice(slash + 1, at),
    ...(plainHttpHosts.has(registry) ? { insecure: true } : {}),
  }
}
async function start(...args: Parameters<typeof startRegistry>): Promise<RunningRegistry> {
  const reg = await startRegistry(...args)
  if (reg.url.startsWith('http:')) plainHttpHosts.add(reg.host)
  return reg
}

type Setup = {
  kind: 'anonymous' | 'basic-tls' | 'token'
  skopeo: (r: RunningRegistry) => { tlsVerify: boolean; creds?: string }
}
const setups: Setup[] = [
  { kind: 'anonymous', skopeo: () => ({ tlsVerify: false }) },
  {
    kind: 'basic-tls',
    skopeo: (r) => ({ tlsVerify: false, creds: `${r.username}:${r.password}` }),
  },
  { kind: 'token', skopeo: (r) => ({ tlsVerify: false, creds: `${r.username}:${r.password}` }) },
]

describe.each(setups)('reading images from a real $kind registry', ({ kind, skopeo }) => {
  let reg: RunningRegistry
  let images: SeededImages
  let c: RegistryClient
  beforeAll(async () => {
    reg = await start(kind)
    images = await seedImages(reg)
    const keyring =
      reg.username === undefined
        ? undefined
        : keyringOf(
            pullSecret('registry', {
              [reg.host]: { username: reg.username, password: reg.password ?? '' },
            })
          )
    c = client({
      ...(keyring === undefined ? {} : { keyring }),
      ...(reg.caCertPem === undefined ? {} : { caCerts: [reg.caCertPem] }),
    })
  })
  afterAll(async () => {
    await reg?.stop()
  })

  it.each(['appV1', 'appV2', 'multiOci', 'multiDocker'] as const)(
    '%s: digest and bytes equal what skopeo inspect --raw reports',
    async (which) => {
      const img = images[which]
      const fetched = await c.repository(repoOf(img.reference)).manifestGet(img.tag, {})
      const peer = await skopeoInspectRaw(`docker://${img.reference}`, skopeo(reg))
      expect(fetched.digest).toBe(peer.digest)
      expect(Buffer.from(fetched.bytes).equals(peer.bytes)).toBe(true)
      expect(fetched.digest).toBe(img.digest)
      expect(fetched.mediaType).toBe(img.mediaType)
    }
  )

  it.each(['multiOci', 'multiDocker'] as const)(
    '%s: every child manifest and config of the list is read and verified',
    async (which) => {
      const list = images[which]
      const repo = c.repository(repoOf(list.reference))
      const top = await repo.manifestGet(list.tag, {})
      const parsed = parseManifest(top.bytes, top.mediaType)
      expect(parsed.kind).toBe('index')
      if (parsed.kind !== 'index') return
      expect(parsed.manifests.map((m) => m.digest)).toEqual(list.children.map((ch) => ch.digest))
      for (const child of list.children) {
        const head = await repo.manifestHead(child.digest, {})
        expect(head.digest).toBe(child.digest)
        const got = await repo.manifestGet(child.digest, {})
        const m = parseManifest(got.bytes, got.mediaType)
        if (m.kind !== 'image') throw new Error(`child ${child.digest} is ${m.kind}`)
        const config = parseImageConfig(
          await repo.blobGet(m.config.digest, { expectedSize: m.config.size })
        )
        expect(config.architecture).toBe(child.config.architecture)
        expect(config.variant ?? '').toBe(child.config.variant ?? '')
        expect(config.config?.Env).toEqual(child.config.env)
        expect(config.config?.Labels ?? {}).toEqual(child.config.labels)
      }
    }
  )

  it('HEAD of a tag gives the digest GET gives', async () => {
    const repo = c.repository(repoOf(images.multiDocker.reference))
    const head = await repo.manifestHead(images.multiDocker.tag, {})
    expect(head).toMatchObject({
      digest: images.multiDocker.digest,
      mediaType: images.multiDocker.mediaType,
    })
  })

  it('a missing tag is NotFound with MANIFEST_UNKNOWN', async () => {
    const repo = c.repository(repoOf(images.appV1.reference))
    await expect(repo.manifestGet('nope', {})).rejects.toMatchObject({
      reason: 'NotFound',
      code: 'MANIFEST_UNKNOWN',
    })
  })

  it('lists the tags of a repository', async () => {
    const tags = await c.repository(repoOf(images.appV1.reference)).tagList({})
    expect(tags).toEqual(expect.arrayContaining(['v1', 'v2']))
  })
})

describe('credentials against a TLS + htpasswd registry', () => {
  let reg: RunningRegistry
  let images: SeededImages
  beforeAll(async () => {
    reg = await start('basic-tls')
    images = await seedImages(reg)
  })
  afterAll(async () => {
    await reg?.stop()
  })
  const good = () => ({ username: reg.username ?? '', password: reg.password ?? '' })
  const bad = () => ({ username: reg.username ?? '', password: 'wrong-password' })

  it('the path-specific secret (HOST/team) beats the host-wide one', async () => {
    const keyring = keyringOf(
      pullSecret('team', { [`${reg.host}/team`]: good(), [reg.host]: bad() })
    )
    const c = client({ keyring, caCerts: [reg.caCertPem ?? ''] })
    const got = await c.repository(repoOf(images.appV1.reference)).manifestGet('v1', {})
    expect(got.digest).toBe(images.appV1.digest)
    // Outside team/ only the wrong host-wide credential matches: Unauthorized.
    await expect(
      c.repository(repoOf(images.busybox.reference)).manifestGet('latest', {})
    ).rejects.toMatchObject({ reason: 'Unauthorized' })
  })

  it('falls back to the next matching credential when the most specific is rejected', async () => {
    const keyring = keyringOf(
      pullSecret('mixed', { [`${reg.host}/team`]: bad(), [reg.host]: good() })
    )
    const c = client({ keyring, caCerts: [reg.caCertPem ?? ''] })
    const got = await c.repository(repoOf(images.appV1.reference)).manifestGet('v1', {})
    expect(got.digest).toBe(images.appV1.digest)
  })

  it('a wrong password is Unauthorized and the message carries no secret', async () => {
    const keyring = keyringOf(pullSecret('wrong', { [reg.host]: bad() }))
    const c = client({ keyring, caCerts: [reg.caCertPem ?? ''] })
    const err = await c
      .repository(repoOf(images.appV1.reference))
      .manifestGet('v1', {})
      .catch((e: unknown) => e as Error)
    expect(err).toMatchObject({ reason: 'Unauthorized' })
    const text = `${(err as Error).message} ${JSON.stringify(err)}`
    expect(text).not.toContain('wrong-password')
    expect(text).not.toContain(Buffer.from(`${reg.username}:wrong-password`).toString('base64'))
    expect((err as Error).message).toContain('secret default/wrong')
  })

  it('a self-signed certificate without --insecure is a clear TLS error', async () => {
    const c = client({ keyring: keyringOf(pullSecret('ok', { [reg.host]: good() })) })
    await expect(
      c.repository(repoOf(images.appV1.reference)).manifestGet('v1', {})
    ).rejects.toMatchObject({
      code: 'TLS_VERIFY',
      message: expect.stringMatching(/certificate.*--insecure/s),
    })
  })

  it('--insecure skips verification of the self-signed certificate', async () => {
    const c = client({ keyring: keyringOf(pullSecret('ok', { [reg.host]: good() })) })
    const got = await c
      .repository({ ...repoOf(images.appV1.reference), insecure: true })
      .manifestGet('v1', {})
    expect(got.digest).toBe(images.appV1.digest)
  })
})

describe('token auth registry', () => {
  let reg: RunningRegistry
  let images: SeededImages
  beforeAll(async () => {
    reg = await start('token')
    images = await seedImages(reg)
  })
  afterAll(async () => {
    await reg?.stop()
  })

  it('fetches one token per repository and reuses it across tags', async () => {
    const keyring = keyringOf(
      pullSecret('tok', {
        [reg.host]: { username: reg.username ?? '', password: reg.password ?? '' },
      })
    )
    const c = client({ keyring })
    const before = reg.tokenIssuer?.requests.length ?? 0
    const repo = c.repository(repoOf(images.multiOci.reference))
    await repo.manifestGet('oci', {})
    for (const child of images.multiOci.children) await repo.manifestHead(child.digest, {})
    const issued = (reg.tokenIssuer?.requests ?? []).slice(before)
    expect(issued).toHaveLength(1)
    expect(issued[0]).toMatchObject({ hasAuth: true, status: 200 })
    expect(issued[0]?.scopes).toEqual(['repository:team/multi:pull'])
  })

  it('wrong credentials at the token server fall back to anonymous pull', async () => {
    const keyring = keyringOf(
      pullSecret('bad', { [reg.host]: { username: reg.username ?? '', password: 'nope' } })
    )
    const c = client({ keyring })
    // The issuer grants anonymous pull; a rejected credential must not fail the import.
    const got = await c.repository(repoOf(images.appV2.reference)).manifestGet('v2', {})
    expect(got.digest).toBe(images.appV2.digest)
  })
})

describe('a registry that rejects everything', () => {
  let reg: RunningRegistry
  beforeAll(async () => {
    reg = await start('deny-all')
  })
  afterAll(async () => {
    await reg?.stop()
  })

  it('answers Unauthorized, anonymous or not', async () => {
    const c = client({
      keyring: keyringOf(
        pullSecret('x', { [reg.host]: { username: 'nobody', password: 'guess' } })
      ),
    })
    await expect(
      c
        .repository({ registry: reg.host, repository: 'team/app', insecure: true })
        .manifestGet('v1', {})
    ).rejects.toMatchObject({ reason: 'Unauthorized' })
  })
})

// The seed's ":80" rule needs a plain-HTTP registry on port 80, which needs root.
describe.skipIf(process.getuid?.() !== 0)('the :80 rule on an insecure registry at port 80', () => {
  let reg: RunningRegistry
  let images: SeededImages
  beforeAll(async () => {
    const ip = `127.0.${10 + Math.floor(Math.random() * 200)}.${2 + Math.floor(Math.random() * 250)}`
    reg = await start('basic-http', { bindIp: ip, port: 80 })
    images = await seedImages(reg)
  })
  afterAll(async () => {
    await reg?.stop()
  })
  const creds = () => ({ username: reg.username ?? '', password: reg.password ?? '' })

  it('the registry is referenced without a port', () => {
    expect(reg.host).not.toContain(':')
    expect(images.appV1.reference.startsWith(`${reg.host}/`)).toBe(true)
  })

  it('a secret keyed HOST:80 is used for http://HOST', async () => {
    const c = client({ keyring: keyringOf(pullSecret('with-80', { [`${reg.host}:80`]: creds() })) })
    const got = await c
      .repository({ ...repoOf(images.appV1.reference), insecure: true })
      .manifestGet('v1', {})
    expect(got.digest).toBe(images.appV1.digest)
  })

  it('a secret keyed by the plain host is not sent over HTTP, and the error says to add :80', async () => {
    const c = client({ keyring: keyringOf(pullSecret('plain', { [reg.host]: creds() })) })
    const err = await c
      .repository({ ...repoOf(images.appV1.reference), insecure: true })
      .manifestGet('v1', {})
      .catch((e: unknown) => e as Error)
    expect(err).toMatchObject({ reason: 'Unauthorized' })
    expect((err as Error).message).toContain(`${reg.host}:80`)
  })
})
