import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import {
  errorResponse,
  type FakeRoute,
  type FakeUpstream,
  startFakeUpstream,
} from '../../test/support/fake-upstream.js'
import { computeDigest } from '../oci/digest.js'
import { createRegistryClient, type RegistryClient } from './client.js'
import type { Keyring } from './credentials/types.js'

const BLOB = new Uint8Array(randomBytes(300 * 1024))
const DIGEST = computeDigest(BLOB)
const PATH = `/v2/team/app/blobs/${DIGEST}`

const servers: FakeUpstream[] = []
const clients: RegistryClient[] = []

async function registry(routes: FakeRoute[]): Promise<FakeUpstream> {
  const s = await startFakeUpstream({
    routes: [{ path: '/v2/', respond: { status: 200 } }, ...routes],
  })
  servers.push(s)
  return s
}

function repoOn(s: FakeUpstream, keyring?: Keyring) {
  const c = createRegistryClient({
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...(keyring === undefined ? {} : { keyring }),
  })
  clients.push(c)
  return c.repository({ registry: s.host, repository: 'team/app', insecure: true })
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function drain(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of body) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

async function failure(p: Promise<unknown>): Promise<Record<string, unknown>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  )
  if (typeof err !== 'object' || err === null) throw new Error('expected a failure')
  return err as Record<string, unknown>
}

describe('blobStream', () => {
  it('streams a blob and ends only after size and digest are verified', async () => {
    const s = await registry([{ path: PATH, respond: { body: BLOB, chunked: true } }])
    const got = await repoOn(s).blobStream(DIGEST, { expectedSize: BLOB.byteLength })
    expect(got.size).toBe(BLOB.byteLength)
    expect((await drain(got.body)).equals(BLOB)).toBe(true)
  })

  it('reports the size from Content-Length when no size is expected', async () => {
    const s = await registry([{ path: PATH, respond: { body: BLOB } }])
    const got = await repoOn(s).blobStream(DIGEST, {})
    expect(got.size).toBe(BLOB.byteLength)
    await drain(got.body)
  })

  it('fails the body at its end when the content does not match the digest', async () => {
    const tampered = new Uint8Array(BLOB)
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff
    const s = await registry([{ path: PATH, respond: { body: tampered, chunked: true } }])
    const got = await repoOn(s).blobStream(DIGEST, {})
    const err = await failure(drain(got.body))
    expect(err.code).toBe('DIGEST_MISMATCH')
    expect(String(err.message)).toMatch(/does not match the digest calculated from the content/)
  })

  it('leaves the digest to the caller with verify: false, still checking the size', async () => {
    const tampered = new Uint8Array(BLOB)
    tampered[0] = (tampered[0] ?? 0) ^ 0xff
    const s = await registry([{ path: PATH, respond: { body: tampered, chunked: true }, times: 1 }])
    const got = await repoOn(s).blobStream(DIGEST, { verify: false })
    expect((await drain(got.body)).equals(tampered)).toBe(true)
    s.route({ path: PATH, respond: { body: BLOB.subarray(1), chunked: true } })
    const short = await repoOn(s).blobStream(DIGEST, {
      verify: false,
      expectedSize: BLOB.byteLength,
    })
    expect((await failure(drain(short.body))).code).toBe('DIGEST_MISMATCH')
  })

  it('fails as soon as a chunked body runs over the expected size', async () => {
    const longer = new Uint8Array(BLOB.byteLength + 10)
    longer.set(BLOB)
    const s = await registry([{ path: PATH, respond: { body: longer, chunked: true } }])
    const got = await repoOn(s).blobStream(DIGEST, { expectedSize: BLOB.byteLength })
    const err = await failure(drain(got.body))
    expect(err.code).toBe('DIGEST_MISMATCH')
    expect(String(err.message)).toMatch(/larger than its expected size/)
  })

  it('rejects before streaming when Content-Length contradicts the expected size', async () => {
    const s = await registry([{ path: PATH, respond: { body: BLOB } }])
    const err = await failure(repoOn(s).blobStream(DIGEST, { expectedSize: 5 }))
    expect(err.code).toBe('DIGEST_MISMATCH')
  })

  it('rejects with the registry error for a missing blob', async () => {
    const s = await registry([
      { path: PATH, respond: errorResponse(404, 'BLOB_UNKNOWN', 'blob unknown to registry') },
    ])
    const err = await failure(repoOn(s).blobStream(DIGEST, {}))
    expect(err.name).toBe('RegistryError')
    expect(err.code).toBe('BLOB_UNKNOWN')
    expect(err.reason).toBe('NotFound')
  })

  it('rejects a malformed digest without any request', async () => {
    const s = await registry([])
    const err = await failure(
      repoOn(s).blobStream('sha256:../../etc' as unknown as typeof DIGEST, {})
    )
    expect(err.code).toBe('INVALID_REQUEST')
    expect(s.requests.filter((r) => r.path.includes('/blobs/'))).toEqual([])
  })

  it('authenticates with Basic and follows a redirect to another origin without credentials', async () => {
    const cdn = await registry([{ path: '/cdn/blob', respond: { body: BLOB } }])
    const s = await startFakeUpstream({
      routes: [
        {
          path: '/v2/',
          respond: (req) =>
            req.headers.authorization === undefined
              ? { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }
              : { status: 200 },
        },
        {
          path: PATH,
          respond: (req) =>
            req.headers.authorization === undefined
              ? { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }
              : { status: 307, headers: { location: `${cdn.url}/cdn/blob` } },
        },
      ],
    })
    servers.push(s)
    const keyring: Keyring = {
      lookup: () => ({
        credentials: [{ username: 'u', password: 'p', source: 'test' }],
        notes: [],
      }),
    }
    const got = await repoOn(s, keyring).blobStream(DIGEST, {})
    expect((await drain(got.body)).equals(BLOB)).toBe(true)
    const onCdn = cdn.requests.find((r) => r.path === '/cdn/blob')
    expect(onCdn?.headers.authorization).toBeUndefined()
  })

  it('errors the body when the caller aborts mid-stream', async () => {
    const big = new Uint8Array(8 * 1024 * 1024)
    const s = await registry([
      { path: `/v2/team/app/blobs/${computeDigest(big)}`, respond: { body: big, chunked: true } },
    ])
    const ac = new AbortController()
    const got = await repoOn(s).blobStream(computeDigest(big), { signal: ac.signal })
    const read = drain(got.body)
    ac.abort(new Error('caller went away'))
    const err = await failure(read)
    expect(String(err.message)).toMatch(/caller went away|aborted/)
  })
})
