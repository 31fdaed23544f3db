import { afterEach, describe, expect, it } from 'vitest'
import {
  errorResponse,
  type FakeRequest,
  type FakeUpstream,
  jsonResponse,
  startFakeUpstream,
} from '../../test/support/fake-upstream.js'
import { computeDigest } from '../oci/digest.js'
import { MediaType } from '../oci/media-types.js'
import { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './client.js'
import type { Credential, CredentialTarget, Keyring } from './credentials/types.js'
import { isRegistryError } from './errors.js'

const MANIFEST = new TextEncoder().encode(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: `sha256:${'a'.repeat(64)}`, size: 2 },
    layers: [],
  })
)
const MANIFEST_DIGEST = computeDigest(MANIFEST)

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`

function keyringOf(
  credentials: Credential[],
  notes: string[] = []
): Keyring & { lookups: CredentialTarget[] } {
  const lookups: CredentialTarget[] = []
  return {
    lookups,
    lookup: (t) => {
      lookups.push(t)
      return { credentials, notes }
    },
  }
}

const manifestOk = {
  status: 200,
  headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': MANIFEST_DIGEST },
  body: MANIFEST,
}

const servers: FakeUpstream[] = []
const clients: RegistryClient[] = []

async function start(...args: Parameters<typeof startFakeUpstream>): Promise<FakeUpstream> {
  const s = await startFakeUpstream(...args)
  servers.push(s)
  return s
}

function client(opts: RegistryClientOptions = {}): RegistryClient {
  const c = createRegistryClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...opts })
  clients.push(c)
  return c
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A registry that answers the manifest only with one of the accepted Authorization values. */
async function registryWith(
  challenge: string,
  accepted: (auth: string | undefined, req: FakeRequest) => boolean,
  extra: { onUnauthorized?: (req: FakeRequest) => string } = {}
): Promise<FakeUpstream> {
  return start({
    routes: [
      {
        path: '/v2/',
        respond: (req) =>
          accepted(req.headers.authorization, req)
            ? { status: 200 }
            : errorResponse(401, 'UNAUTHORIZED', 'authentication required', {
                'www-authenticate': challenge,
              }),
      },
      {
        path: /^\/v2\/team\/app\/manifests\//,
        respond: (req) =>
          accepted(req.headers.authorization, req)
            ? manifestOk
            : errorResponse(401, 'UNAUTHORIZED', 'authentication required', {
                'www-authenticate': extra.onUnauthorized?.(req) ?? challenge,
              }),
      },
    ],
  })
}

describe('Basic auth', () => {
  it('sends Basic credentials to the registry and looks them up with the http scheme', async () => {
    const reg = await registryWith('Basic realm="r"', (a) => a === basic('alice', 'pw'))
    const keyring = keyringOf([{ username: 'alice', password: 'pw', source: 'secret ns/a' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    const m = await repo.manifestGet('v1', {})
    expect(m.digest).toBe(MANIFEST_DIGEST)
    // NB: the registry is plain http (insecure fallback), so the keyring is asked with scheme http (`:80` rule).
    expect(keyring.lookups[0]).toEqual({
      registry: reg.host,
      repository: 'team/app',
      scheme: 'http',
    })
    const manifestRequests = reg.requests.filter((r) => r.path.includes('/manifests/'))
    expect(manifestRequests.at(-1)?.headers.authorization).toBe(basic('alice', 'pw'))
  })

  it('falls back from a rejected credential to the next, remembers the one that worked', async () => {
    const reg = await registryWith('Basic realm="r"', (a) => a === basic('bob', 'right'))
    const keyring = keyringOf([
      { username: 'bob', password: 'wrong', source: 'secret ns/specific key "127.0.0.1/team"' },
      { username: 'bob', password: 'right', source: 'secret ns/general key "127.0.0.1"' },
    ])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    const auths = () =>
      reg.requests.filter((r) => r.path.includes('/manifests/')).map((r) => r.headers.authorization)
    expect(auths()).toEqual([basic('bob', 'wrong'), basic('bob', 'right')])
    await repo.manifestGet('v1', {})
    expect(auths().at(-1)).toBe(basic('bob', 'right'))
    expect(auths()).toHaveLength(3)
  })

  it('ends with anonymous, then Unauthorized naming the sources tried and the notes, never secrets', async () => {
    const reg = await registryWith('Basic realm="r"', () => false)
    const keyring = keyringOf(
      [{ username: 'carol', password: 'hunter2-secret', source: 'secret ns/pull key "127.0.0.1"' }],
      [
        'secret ns/plain key "127.0.0.1" matched by host but is not sent over plain HTTP; add :80 to the key',
      ]
    )
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    const err = await repo.manifestGet('v1', {}).catch((e: unknown) => e)
    expect(isRegistryError(err, 'UNAUTHORIZED')).toBe(true)
    const e = err as Error & { reason: string; status: number }
    expect(e.reason).toBe('Unauthorized')
    expect(e.status).toBe(401)
    expect(e.message).toContain('secret ns/pull key "127.0.0.1" (rejected by the registry)')
    expect(e.message).toContain('anonymous (anonymous access denied)')
    expect(e.message).toContain('add :80 to the key')
    expect(e.message).not.toContain('hunter2')
    expect(e.message).not.toContain(basic('carol', 'hunter2-secret').slice(6))
    const auths = reg.requests
      .filter((r) => r.path.includes('/manifests/'))
      .map((r) => r.headers.authorization)
    expect(auths).toEqual([basic('carol', 'hunter2-secret'), undefined])
  })

  it('never sends Basic credentials when no challenge asks for them', async () => {
    const reg = await registryWith('Basic realm="r"', () => true)
    const keyring = keyringOf([{ username: 'u', password: 'p', source: 's' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    expect(reg.requests.every((r) => r.headers.authorization === undefined)).toBe(true)
  })
})

describe('Bearer auth', () => {
  type TokenServerOptions = {
    /** Basic header → token; undefined key for anonymous. */
    grants: Map<string | undefined, string>
    post?: (req: FakeRequest) => { status: number; token?: string }
  }

  async function tokenServer(o: TokenServerOptions): Promise<FakeUpstream> {
    return start({
      routes: [
        {
          method: 'POST',
          path: '/token',
          respond: (req) => {
            const r = o.post?.(req) ?? { status: 404 }
            return r.token === undefined
              ? errorResponse(r.status, 'UNSUPPORTED', 'no POST here')
              : jsonResponse({ access_token: r.token, expires_in: 300 })
          },
        },
        {
          method: 'GET',
          path: '/token',
          respond: (req) => {
            const token = o.grants.get(req.headers.authorization)
            return token === undefined
              ? errorResponse(401, 'UNAUTHORIZED', 'bad credentials')
              : jsonResponse({ token, expires_in: 300, issued_at: new Date().toISOString() })
          },
        },
      ],
    })
  }

  it('gets a token with Basic credentials, scope and account, and caches it', async () => {
    const tokens = await tokenServer({ grants: new Map([[basic('alice', 'pw'), 'tok-alice']]) })
    const challenge = `Bearer realm="${tokens.url}/token?extra=kept",service="test-registry"`
    const reg = await registryWith(challenge, (a) => a === 'Bearer tok-alice')
    const keyring = keyringOf([{ username: 'alice', password: 'pw', source: 'secret ns/a' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    await repo.manifestHead('v1', {})
    expect(tokens.requests).toHaveLength(1)
    const url = new URL(tokens.requests[0]?.path ?? '', tokens.url)
    expect(url.searchParams.get('extra')).toBe('kept')
    expect(url.searchParams.get('service')).toBe('test-registry')
    expect(url.searchParams.getAll('scope')).toEqual(['repository:team/app:pull'])
    expect(url.searchParams.get('account')).toBe('alice')
    expect(tokens.requests[0]?.headers.authorization).toBe(basic('alice', 'pw'))
  })

  it('uses an anonymous token when no credential matches', async () => {
    const tokens = await tokenServer({ grants: new Map([[undefined, 'tok-anon']]) })
    const reg = await registryWith(
      `Bearer realm="${tokens.url}/token",service="s"`,
      (a) => a === 'Bearer tok-anon'
    )
    const repo = client().repository({ registry: reg.host, repository: 'team/app', insecure: true })
    expect((await repo.manifestGet('v1', {})).digest).toBe(MANIFEST_DIGEST)
    expect(tokens.requests[0]?.headers.authorization).toBeUndefined()
    expect(new URL(tokens.requests[0]?.path ?? '', tokens.url).searchParams.has('account')).toBe(
      false
    )
  })

  it('tries the next credential when the token server rejects one, then anonymous', async () => {
    const tokens = await tokenServer({ grants: new Map([[undefined, 'tok-anon']]) })
    const reg = await registryWith(
      `Bearer realm="${tokens.url}/token",service="s"`,
      (a) => a === 'Bearer tok-anon'
    )
    const keyring = keyringOf([
      { username: 'a', password: 'bad1', source: 'first' },
      { username: 'b', password: 'bad2', source: 'second' },
    ])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    expect(tokens.requests.map((r) => r.headers.authorization)).toEqual([
      basic('a', 'bad1'),
      basic('b', 'bad2'),
      undefined,
    ])
  })

  it('uses the OAuth2 POST with an identity token', async () => {
    let form: URLSearchParams | undefined
    const tokens = await tokenServer({
      grants: new Map(),
      post: (req) => {
        form = new URLSearchParams(req.body)
        return { status: 200, token: 'tok-oauth' }
      },
    })
    const reg = await registryWith(
      `Bearer realm="${tokens.url}/token",service="svc"`,
      (a) => a === 'Bearer tok-oauth'
    )
    const keyring = keyringOf([{ identityToken: 'refresh-me', source: 'secret ns/idt' }])
    const repo = client({ keyring, userAgent: 'test-agent' }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    expect(tokens.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(form ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-me',
      client_id: 'test-agent',
      service: 'svc',
      scope: 'repository:team/app:pull',
    })
  })

  it.each([400, 401, 404, 405])('falls back from POST %i to GET', async (status) => {
    const tokens = await tokenServer({
      grants: new Map([[basic('u', 'p'), 'tok-get']]),
      post: () => ({ status }),
    })
    const reg = await registryWith(
      `Bearer realm="${tokens.url}/token",service="svc"`,
      (a) => a === 'Bearer tok-get'
    )
    const keyring = keyringOf([{ username: 'u', password: 'p', identityToken: 'idt', source: 's' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    expect(tokens.requests.map((r) => r.method)).toEqual(['POST', 'GET'])
  })

  it('sends a registry token straight to the registry', async () => {
    const tokens = await tokenServer({ grants: new Map() })
    const reg = await registryWith(
      `Bearer realm="${tokens.url}/token",service="svc"`,
      (a) => a === 'Bearer ready-made'
    )
    const keyring = keyringOf([{ registryToken: 'ready-made', source: 's' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    expect(tokens.requests).toHaveLength(0)
  })

  it('refreshes the token once on invalid_token', async () => {
    let n = 0
    const tokens = await start({
      routes: [
        { path: '/token', respond: () => jsonResponse({ token: `tok-${++n}`, expires_in: 300 }) },
      ],
    })
    const challenge = `Bearer realm="${tokens.url}/token",service="svc"`
    const reg = await registryWith(challenge, (a) => a === 'Bearer tok-2', {
      onUnauthorized: () => `${challenge},error="invalid_token"`,
    })
    const repo = client().repository({ registry: reg.host, repository: 'team/app', insecure: true })
    await repo.manifestGet('v1', {})
    expect(tokens.requests).toHaveLength(2)
  })

  it('extends the scope once on insufficient_scope', async () => {
    const tokens = await start({
      routes: [
        {
          path: '/token',
          respond: (req) => {
            const scopes = new URL(req.path, 'http://x').searchParams.getAll('scope')
            return jsonResponse({
              token: scopes.includes('repository:team/app:pull,push') ? 'wide' : 'narrow',
            })
          },
        },
      ],
    })
    const challenge = `Bearer realm="${tokens.url}/token",service="svc"`
    const reg = await registryWith(challenge, (a) => a === 'Bearer wide', {
      onUnauthorized: () =>
        `${challenge},scope="repository:team/app:pull,push",error="insufficient_scope"`,
    })
    const repo = client().repository({ registry: reg.host, repository: 'team/app', insecure: true })
    await repo.manifestGet('v1', {})
    expect(
      tokens.requests.map((r) => new URL(r.path, 'http://x').searchParams.getAll('scope'))
    ).toEqual([['repository:team/app:pull'], ['repository:team/app:pull,push']])
  })

  it('rejects a token realm on another internal host and sends it nothing', async () => {
    const evil = await start({
      host: '127.0.0.2',
      routes: [{ path: '/token', respond: jsonResponse({ token: 'stolen' }) }],
    })
    const reg = await registryWith(`Bearer realm="${evil.url}/token",service="svc"`, () => false)
    const keyring = keyringOf([{ username: 'alice', password: 'pw', source: 'secret ns/a' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    const err = await repo.manifestGet('v1', {}).catch((e: unknown) => e)
    expect(isRegistryError(err, 'REALM_REJECTED')).toBe(true)
    expect((err as { reason: string }).reason).toBe('Forbidden')
    expect((err as Error).message).toContain(`token realm host ${evil.host} rejected`)
    expect(evil.requests).toHaveLength(0)
  })

  it('accepts an allow-listed realm host', async () => {
    const issuer = await start({
      host: '127.0.0.2',
      routes: [{ path: '/token', respond: jsonResponse({ token: 'ok' }) }],
    })
    const reg = await registryWith(
      `Bearer realm="${issuer.url}/token",service="svc"`,
      (a) => a === 'Bearer ok'
    )
    const repo = client({ allowedRealmHosts: ['127.0.0.2'] }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    await repo.manifestGet('v1', {})
    expect(issuer.requests).toHaveLength(1)
  })

  it('does not follow token server redirects', async () => {
    const elsewhere = await start({
      routes: [{ path: '/token', respond: jsonResponse({ token: 'x' }) }],
    })
    const tokens = await start({
      routes: [
        {
          path: '/token',
          respond: { status: 302, headers: { location: `${elsewhere.url}/token` } },
        },
      ],
    })
    const reg = await registryWith(`Bearer realm="${tokens.url}/token",service="svc"`, () => false)
    const keyring = keyringOf([{ username: 'alice', password: 'pw', source: 's' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    const err = await repo.manifestGet('v1', {}).catch((e: unknown) => e)
    expect((err as Error).message).toContain('redirects are not followed for token requests')
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('keeps tokens and passwords out of errors even when the registry echoes them', async () => {
    const tokens = await tokenServer({
      grants: new Map([[basic('alice', 'pw-9f8e7d'), 'tok-5ecret-value']]),
    })
    const reg = await start({
      routes: [
        {
          path: '/v2/',
          respond: errorResponse(401, 'UNAUTHORIZED', 'auth', {
            'www-authenticate': `Bearer realm="${tokens.url}/token",service="svc"`,
          }),
        },
        {
          path: /manifests/,
          respond: (req) =>
            req.headers.authorization === undefined
              ? errorResponse(401, 'UNAUTHORIZED', 'auth', {
                  'www-authenticate': `Bearer realm="${tokens.url}/token",service="svc"`,
                })
              : errorResponse(403, 'DENIED', `you sent ${req.headers.authorization}`),
        },
      ],
    })
    const keyring = keyringOf([{ username: 'alice', password: 'pw-9f8e7d', source: 'secret ns/a' }])
    const repo = client({ keyring }).repository({
      registry: reg.host,
      repository: 'team/app',
      insecure: true,
    })
    const err = await repo.manifestGet('v1', {}).catch((e: unknown) => e)
    expect(isRegistryError(err, 'DENIED')).toBe(true)
    const text = `${(err as Error).message} ${JSON.stringify(err)} ${JSON.stringify((err as { diagnostics: unknown }).diagnostics)}`
    expect(text).toContain('REDACTED')
    for (const secret of [
      'tok-5ecret-value',
      'pw-9f8e7d',
      Buffer.from('alice:pw-9f8e7d').toString('base64'),
    ]) {
      expect(text).not.toContain(secret)
    }
  })
})
