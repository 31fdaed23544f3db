import { afterEach, describe, expect, it } from 'vitest'
import {
  errorResponse,
  type FakeUpstream,
  jsonResponse,
  startFakeUpstream,
} from '../../test/support/fake-upstream.js'
import { createRegistryClient, type RegistryClient } from './client.js'
import type { Keyring } from './credentials/types.js'

const servers: FakeUpstream[] = []
const clients: RegistryClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

function client(keyring?: Keyring): RegistryClient {
  const c = createRegistryClient({
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...(keyring === undefined ? {} : { keyring }),
  })
  clients.push(c)
  return c
}

function keyringWith(username: string, password: string, source: string): Keyring {
  return { lookup: () => ({ credentials: [{ username, password, source }], notes: [] }) }
}

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('a per-repository keyring', () => {
  it('replaces the client keyring, and handles never share credentials (Basic)', async () => {
    const good = basic('alice', 'good')
    const s = await startFakeUpstream({
      routes: [
        {
          path: /^\/v2\//,
          respond: (req) =>
            req.headers.authorization === good
              ? jsonResponse({ name: 'team/app', tags: ['v1'] })
              : errorResponse(401, 'UNAUTHORIZED', 'authentication required', {
                  'www-authenticate': 'Basic realm="r"',
                }),
        },
      ],
    })
    servers.push(s)
    const c = client(keyringWith('alice', 'wrong', 'client keyring'))
    const target = { registry: s.host, repository: 'team/app', insecure: true }
    const a = c.repository({ ...target, keyring: keyringWith('alice', 'good', 'namespace a') })
    const b = c.repository({ ...target, keyring: keyringWith('bob', 'other', 'namespace b') })
    expect(await a.tagList({})).toEqual(['v1'])
    // B has its own (wrong) credential: A's, which just worked on this repository, is never tried.
    const err = (await b.tagList({}).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ reason: 'Unauthorized' })
    expect(err.message).toContain('namespace b')
    expect(err.message).not.toContain('namespace a')
    const sentByB = s.requests.slice(-2).map((r) => r.headers.authorization)
    expect(sentByB).not.toContain(good)
    // Without an override the client keyring applies.
    const plain = (await c
      .repository(target)
      .tagList({})
      .catch((e: unknown) => e)) as Error
    expect(plain.message).toContain('client keyring')
    // A still works after B failed (the memo of B did not clear A's).
    expect(await a.tagList({})).toEqual(['v1'])
  })

  it('never hands one handle a bearer token minted for another handle’s credential', async () => {
    const tokens = await startFakeUpstream({
      routes: [
        {
          path: /^\/token/,
          respond: (req) =>
            jsonResponse({
              token:
                req.headers.authorization === basic('alice', 'good') ? 'tok-alice' : 'tok-anon',
            }),
        },
      ],
    })
    servers.push(tokens)
    const s = await startFakeUpstream({
      routes: [
        {
          path: /^\/v2\//,
          respond: (req) =>
            req.headers.authorization === 'Bearer tok-alice' ||
            req.headers.authorization === 'Bearer tok-anon'
              ? jsonResponse({ name: 'team/app', tags: [req.headers.authorization] })
              : errorResponse(401, 'UNAUTHORIZED', 'auth', {
                  'www-authenticate': `Bearer realm="${tokens.url}/token",service="s"`,
                }),
        },
      ],
    })
    servers.push(s)
    const c = client()
    const target = { registry: s.host, repository: 'team/app', insecure: true }
    const a = c.repository({ ...target, keyring: keyringWith('alice', 'good', 'namespace a') })
    const b = c.repository({
      ...target,
      keyring: { lookup: () => ({ credentials: [], notes: [] }) },
    })
    expect(await a.tagList({})).toEqual(['Bearer tok-alice'])
    expect(await b.tagList({})).toEqual(['Bearer tok-anon'])
    // A's token stays cached for A.
    expect(await a.tagList({})).toEqual(['Bearer tok-alice'])
    expect(tokens.requests.map((r) => r.headers.authorization !== undefined)).toEqual([true, false])
  })
})
