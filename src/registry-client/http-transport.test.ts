import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type CertificateFiles, createTlsCert } from '../../test/support/certs.js'
import {
  errorResponse,
  type FakeRoute,
  type FakeUpstream,
  startFakeUpstream,
} from '../../test/support/fake-upstream.js'
import { computeDigest } from '../oci/digest.js'
import type { Clock } from '../shared/clock.js'
import { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './client.js'
import type { CredentialTarget, Keyring } from './credentials/types.js'
import type { RequestEvent } from './http-transport.js'

const BLOB = new TextEncoder().encode(
  `{"architecture":"amd64","os":"linux","pad":"${'x'.repeat(4000)}"}`
)
const BLOB_DIGEST = computeDigest(BLOB)
const BLOB_PATH = `/v2/team/app/blobs/${BLOB_DIGEST}`

const servers: FakeUpstream[] = []
const clients: RegistryClient[] = []
let tmp = ''
let cert: CertificateFiles

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'registry-client-'))
  cert = await createTlsCert({ dir: tmp })
})

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function upstream(
  routes: FakeRoute[],
  o: { tls?: boolean; noPing?: boolean } = {}
): Promise<FakeUpstream> {
  const s = await startFakeUpstream({
    routes: o.noPing === true ? routes : [{ path: '/v2/', respond: { status: 200 } }, ...routes],
    ...(o.tls === true ? { tls: { keyPem: cert.keyPem, certPem: cert.certPem } } : {}),
  })
  servers.push(s)
  return s
}

function client(opts: RegistryClientOptions = {}): RegistryClient {
  const c = createRegistryClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...opts })
  clients.push(c)
  return c
}

function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = []
  return { sleeps, now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) }
}

const failure = async (p: Promise<unknown>): Promise<Error & Record<string, unknown>> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(err instanceof Error)) throw new Error('expected a failure')
  return err as Error & Record<string, unknown>
}

const blobRequests = (s: FakeUpstream) => s.requests.filter((r) => r.path === BLOB_PATH)

describe('retries', () => {
  it('waits for Retry-After on 429, then succeeds, and records the rate limit', async () => {
    const s = await upstream([
      {
        path: BLOB_PATH,
        times: 1,
        respond: errorResponse(429, 'TOOMANYREQUESTS', 'slow down', {
          'retry-after': '1',
          'ratelimit-limit': '100;w=21600',
          'ratelimit-remaining': '0;w=21600',
        }),
      },
      {
        path: BLOB_PATH,
        respond: { body: BLOB, headers: { 'ratelimit-remaining': '99;w=21600' } },
      },
    ])
    const c = client()
    const started = Date.now()
    await c
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .blobGet(BLOB_DIGEST, {})
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(blobRequests(s)).toHaveLength(2)
    const rl = c.rateLimit(s.host)
    expect(rl?.limit).toBe(100)
    expect(rl?.remaining).toBe(99)
    expect(rl?.retryAfterUntil).toBeGreaterThanOrEqual(started + 1000)
  })

  it('caps Retry-After at maxRetryAfterMs', async () => {
    const s = await upstream([
      {
        path: BLOB_PATH,
        times: 1,
        respond: errorResponse(429, 'TOOMANYREQUESTS', 'x', { 'retry-after': '120' }),
      },
      { path: BLOB_PATH, respond: { body: BLOB } },
    ])
    const clock = recordingClock()
    await client({ clock, retry: { maxRetryAfterMs: 50 } })
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .blobGet(BLOB_DIGEST, {})
    expect(clock.sleeps).toEqual([50])
  })

  it('retries 503 twice, then succeeds', async () => {
    const s = await upstream([
      { path: BLOB_PATH, times: 2, respond: errorResponse(503, 'UNAVAILABLE', 'busy') },
      { path: BLOB_PATH, respond: { body: BLOB } },
    ])
    const clock = recordingClock()
    await client({ clock })
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .blobGet(BLOB_DIGEST, {})
    expect(blobRequests(s)).toHaveLength(3)
    expect(clock.sleeps).toHaveLength(2)
  })

  it('gives up after the attempts with a temporary ServiceUnavailable', async () => {
    const s = await upstream([
      { path: BLOB_PATH, respond: errorResponse(503, 'UNAVAILABLE', 'busy') },
    ])
    const err = await failure(
      client({ retry: { attempts: 3, baseDelayMs: 1 } })
        .repository({ registry: s.host, repository: 'team/app', insecure: true })
        .blobGet(BLOB_DIGEST, {})
    )
    expect(err.reason).toBe('ServiceUnavailable')
    expect(err.temporary).toBe(true)
    expect(blobRequests(s)).toHaveLength(3)
  })

  it('retries a connection reset mid-body, then succeeds', async () => {
    const s = await upstream([
      { path: BLOB_PATH, times: 1, respond: { body: BLOB, dropAfterBytes: 100 } },
      { path: BLOB_PATH, respond: { body: BLOB } },
    ])
    const bytes = await client()
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .blobGet(BLOB_DIGEST, {})
    expect(bytes.byteLength).toBe(BLOB.byteLength)
    expect(blobRequests(s)).toHaveLength(2)
  })

  it('fails cleanly with CONNECTION when resets outlast the attempts', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB, dropAfterBytes: 100 } }])
    const err = await failure(
      client({ retry: { attempts: 2 } })
        .repository({ registry: s.host, repository: 'team/app', insecure: true })
        .blobGet(BLOB_DIGEST, {})
    )
    expect(err.code).toBe('CONNECTION')
    expect(err.temporary).toBe(true)
    expect(err.message).toContain(`GET ${s.url}${BLOB_PATH}: `)
    expect(blobRequests(s)).toHaveLength(2)
  })

  it('never retries the OAuth2 POST', async () => {
    const tokens = await upstream(
      [{ path: '/token', respond: errorResponse(503, 'UNAVAILABLE', 'busy') }],
      {
        noPing: true,
      }
    )
    const s = await upstream(
      [
        {
          path: /./,
          respond: errorResponse(401, 'UNAUTHORIZED', 'x', {
            'www-authenticate': `Bearer realm="${tokens.url}/token",service="s"`,
          }),
        },
      ],
      { noPing: true }
    )
    const keyring: Keyring = {
      lookup: () => ({ credentials: [{ identityToken: 'idt', source: 's' }], notes: [] }),
    }
    const err = await failure(
      client({ keyring })
        .repository({ registry: s.host, repository: 'team/app', insecure: true })
        .blobGet(BLOB_DIGEST, {})
    )
    expect(err.reason).toBe('ServiceUnavailable')
    expect(tokens.requests.map((r) => r.method)).toEqual(['POST'])
  })
})

describe('TLS and plain HTTP', () => {
  it('refuses a self-signed certificate without insecure, with a hint', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB } }], { tls: true })
    const err = await failure(
      client().repository({ registry: s.host, repository: 'team/app' }).blobGet(BLOB_DIGEST, {})
    )
    expect(err.code).toBe('TLS_VERIFY')
    expect(err.message).toContain(
      `x509: certificate signed by unknown authority for ${s.host} (pass --insecure to skip verification, or trust its CA)`
    )
    expect(s.requests).toHaveLength(0)
  })

  it('trusts a certificate given in caCerts', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB } }], { tls: true })
    const bytes = await client({ caCerts: [cert.certPem] })
      .repository({ registry: s.host, repository: 'team/app' })
      .blobGet(BLOB_DIGEST, {})
    expect(bytes.byteLength).toBe(BLOB.byteLength)
  })

  it('skips verification for an insecure registry and stays on https', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB } }], { tls: true })
    const keyring: Keyring & { targets: CredentialTarget[] } = {
      targets: [],
      lookup(t) {
        this.targets.push(t)
        return { credentials: [], notes: [] }
      },
    }
    await client({ keyring })
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .blobGet(BLOB_DIGEST, {})
    expect(keyring.targets[0]?.scheme).toBe('https')
  })

  it('says an HTTP-only registry needs the insecure flag', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB } }])
    const err = await failure(
      client().repository({ registry: s.host, repository: 'team/app' }).blobGet(BLOB_DIGEST, {})
    )
    expect(err.code).toBe('HTTP_ONLY')
    expect(err.reason).toBe('BadRequest')
    expect(err.message).toContain(
      `the repository ${s.host}/team/app is HTTP only and requires the insecure flag to import`
    )
    expect(s.requests).toHaveLength(0)
  })

  it('reports an endpoint without the v2 API', async () => {
    const s = await upstream(
      [{ path: '/v2/', respond: { status: 404, noApiVersionHeader: true } }],
      {
        noPing: true,
      }
    )
    const err = await failure(
      client().repository({ registry: s.host, repository: 'team/app', insecure: true }).ping({})
    )
    expect(err.code).toBe('NOT_V2')
    expect(err.message).toContain(
      `endpoint "${s.url}/v2/" does not support v2 API (got 404 Not Found)`
    )
  })

  it('accepts 401 and 403 pings without the API version header', async () => {
    const s = await upstream(
      [{ path: '/v2/', respond: { status: 403, noApiVersionHeader: true } }],
      {
        noPing: true,
      }
    )
    await client().repository({ registry: s.host, repository: 'team/app', insecure: true }).ping({})
  })
})

describe('cancellation and limits', () => {
  it('aborts via the signal', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB, delayMs: 5000 } }])
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    const started = Date.now()
    const err = await failure(
      client()
        .repository({ registry: s.host, repository: 'team/app', insecure: true })
        .blobGet(BLOB_DIGEST, { signal: ac.signal })
    )
    expect(err.name).toBe('AbortError')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('times out a slow request', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB, delayMs: 3000 } }])
    const err = await failure(
      client({ timeoutMs: 200, retry: { attempts: 1 } })
        .repository({ registry: s.host, repository: 'team/app', insecure: true })
        .blobGet(BLOB_DIGEST, {})
    )
    expect(err.code).toBe('TIMEOUT')
    expect(err.reason).toBe('Timeout')
  })

  it('limits concurrent requests per registry', async () => {
    let active = 0
    let peak = 0
    const s = await upstream([
      {
        path: BLOB_PATH,
        respond: async () => {
          active++
          peak = Math.max(peak, active)
          await new Promise((r) => setTimeout(r, 30))
          active--
          return { body: BLOB }
        },
      },
    ])
    const repo = client({ maxConcurrentPerRegistry: 2 }).repository({
      registry: s.host,
      repository: 'team/app',
      insecure: true,
    })
    await Promise.all(Array.from({ length: 6 }, () => repo.blobGet(BLOB_DIGEST, {})))
    expect(peak).toBe(2)
  })

  it('reports every exchange to onRequest with a redacted URL', async () => {
    const s = await upstream([{ path: BLOB_PATH, respond: { body: BLOB } }])
    const events: RequestEvent[] = []
    await client({ onRequest: (e) => events.push(e) })
      .repository({ registry: s.host, repository: 'team/app', insecure: true })
      .blobGet(BLOB_DIGEST, {})
    // NB: the first exchange is the https attempt that finds a plain-HTTP server (status 0).
    expect(events.map((e) => [e.method, e.url, e.status])).toEqual([
      ['GET', `https://${s.host}/v2/`, 0],
      ['GET', `${s.url}/v2/`, 200],
      ['GET', `${s.url}${BLOB_PATH}`, 200],
    ])
    expect(events.every((e) => e.registry === s.host && e.durationMs >= 0)).toBe(true)
  })
})
