import { afterEach, describe, expect, it } from 'vitest'
import {
  errorResponse,
  type FakeUpstream,
  jsonResponse,
  startFakeUpstream,
} from '../../test/support/fake-upstream.js'
import { isAppError } from '../shared/errors.js'
import { createRegistryClient, type RegistryClient, registryApiHost } from './client.js'

const servers: FakeUpstream[] = []
const clients: RegistryClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

function client(): RegistryClient {
  const c = createRegistryClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 } })
  clients.push(c)
  return c
}

describe('registryApiHost', () => {
  it('sends Docker Hub references to registry-1.docker.io', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io')
    expect(registryApiHost('index.docker.io')).toBe('registry-1.docker.io')
    expect(registryApiHost('Quay.IO')).toBe('quay.io')
    expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000')
  })
})

describe('createRegistryClient', () => {
  it.each([
    ['registry', { registry: 'https://quay.io', repository: 'a/b' }],
    ['registry', { registry: 'quay.io/x', repository: 'a/b' }],
    ['registry', { registry: 'user@quay.io', repository: 'a/b' }],
    ['repository', { registry: 'quay.io', repository: 'Team/App' }],
    ['repository', { registry: 'quay.io', repository: 'a/../b' }],
    ['repository', { registry: 'quay.io', repository: 'a//b' }],
  ])('rejects an invalid %s: %j', (_what, t) => {
    try {
      client().repository(t)
      expect.unreachable()
    } catch (err) {
      expect(isAppError(err, 'Invalid')).toBe(true)
    }
  })

  it('accepts IPv6 and ported registries', () => {
    expect(() => client().repository({ registry: '[::1]:5000', repository: 'a/b' })).not.toThrow()
    expect(() =>
      client().repository({ registry: 'localhost:5000', repository: 'a_b/c-d.e' })
    ).not.toThrow()
  })

  it('learns a Bearer challenge from a repository request when /v2/ needed none', async () => {
    const tokens = await startFakeUpstream({
      routes: [{ path: '/token', respond: jsonResponse({ token: 't' }) }],
    })
    servers.push(tokens)
    const s = await startFakeUpstream({
      routes: [
        { path: '/v2/', respond: { status: 200 } },
        {
          path: '/v2/team/app/tags/list',
          respond: (req) =>
            req.headers.authorization === 'Bearer t'
              ? jsonResponse({ name: 'team/app', tags: ['v1'] })
              : errorResponse(401, 'UNAUTHORIZED', 'auth', {
                  'www-authenticate': `Bearer realm="${tokens.url}/token",service="s"`,
                }),
        },
      ],
    })
    servers.push(s)
    const repo = client().repository({ registry: s.host, repository: 'team/app', insecure: true })
    expect(await repo.tagList({})).toEqual(['v1'])
    expect(await repo.tagList({})).toEqual(['v1'])
    // NB: the second listing goes straight out with the cached token.
    expect(
      s.requests.filter((r) => r.path.includes('tags')).map((r) => r.headers.authorization)
    ).toEqual([undefined, 'Bearer t', 'Bearer t'])
    expect(tokens.requests).toHaveLength(1)
  })

  it('caps token responses', async () => {
    const huge = jsonResponse({ token: 'x'.repeat(70 * 1024) })
    const tokens = await startFakeUpstream({
      routes: [{ path: '/token', respond: { ...huge, chunked: true } }],
    })
    servers.push(tokens)
    const s = await startFakeUpstream({
      routes: [
        {
          path: /./,
          respond: errorResponse(401, 'UNAUTHORIZED', 'auth', {
            'www-authenticate': `Bearer realm="${tokens.url}/token",service="s"`,
          }),
        },
      ],
    })
    servers.push(s)
    const err = await client()
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .tagList({})
      .catch((e: unknown) => e)
    expect((err as { code: string }).code).toBe('TOO_LARGE')
    expect((err as Error).message).toContain('token response too large')
  })

  it('aborts in-flight work on close', async () => {
    const s = await startFakeUpstream({
      routes: [
        { path: '/v2/', respond: { status: 200 } },
        { path: /tags/, respond: { ...jsonResponse({ tags: [] }), delayMs: 5000 } },
      ],
    })
    servers.push(s)
    const c = createRegistryClient()
    const pending = c
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .tagList({})
      .catch((e: unknown) => e)
    await new Promise((r) => setTimeout(r, 200))
    await c.close()
    expect((await pending) as Error).toBeInstanceOf(Error)
  })

  it('keys rate limits by the API host', () => {
    expect(client().rateLimit('docker.io')).toBeUndefined()
  })
})
