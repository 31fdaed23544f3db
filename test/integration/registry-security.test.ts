import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeDigest } from '../../src/oci/digest.js'
import { MediaType } from '../../src/oci/media-types.js'
import { ADMIN_CREDS, type OurRegistry, startOurRegistry } from './registry-harness.js'

// What a hostile or confused client sends, over a real socket so that the raw request line reaches us
// as written (fetch would clean `..` out of the URL before sending it).

let ours: OurRegistry
const AUTH = `Basic ${Buffer.from(ADMIN_CREDS).toString('base64')}`

beforeAll(async () => {
  ours = await startOurRegistry()
  const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}')
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: {
        mediaType: MediaType.OciConfig,
        digest: computeDigest(config),
        size: config.byteLength,
      },
      layers: [],
    })
  )
  const headers = { authorization: AUTH }
  await fetch(`${ours.url}/v2/team/app/blobs/uploads/?digest=${computeDigest(config)}`, {
    method: 'POST',
    headers,
    body: config,
  })
  const put = await fetch(`${ours.url}/v2/team/app/manifests/v1`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': MediaType.OciManifest },
    body: manifest,
  })
  expect(put.status).toBe(201)
})
afterAll(() => ours?.stop())

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function raw(path: string, method = 'GET', auth = AUTH): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: Number(ours.host.split(':')[1]),
        path,
        method,
        headers: { authorization: auth },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      }
    )
    r.on('error', reject)
    r.end()
  })
}

describe('names are never cleaned', () => {
  it.each([
    '/v2/team/x/../app/manifests/v1',
    '/v2/team/%2e%2e/app/manifests/v1',
    '/v2/team/%2E%2E/team/app/manifests/v1',
    '/v2/team/./app/manifests/v1',
    '/v2/team//app/manifests/v1',
    '/v2/team%2fapp/manifests/v1',
    '/v2/team/app/../../other/app/manifests/v1',
  ])('%s → 400 NAME_INVALID, no redirect', async (path) => {
    const res = await raw(path)
    expect(res.status).toBe(400)
    expect(res.headers.location).toBeUndefined()
    expect((JSON.parse(res.body) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'NAME_INVALID'
    )
  })

  it('the clean path works', async () => {
    expect((await raw('/v2/team/app/manifests/v1')).status).toBe(200)
  })
})

describe('HEAD over a real socket', () => {
  it('keeps Content-Length and sends no body', async () => {
    const res = await raw('/v2/team/app/manifests/v1', 'HEAD')
    expect(res.status).toBe(200)
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0)
    expect(res.headers['docker-content-digest']).toMatch(/^sha256:/)
    expect(res.body).toBe('')
  })
})

describe('tokens of another namespace', () => {
  const other = `Basic ${Buffer.from('x:other-token').toString('base64')}`

  it('cannot pull, push or mount across namespaces', async () => {
    const pull = await raw('/v2/team/app/manifests/v1', 'GET', other)
    expect(pull.status).toBe(403)
    const push = await raw('/v2/team/app/blobs/uploads/', 'POST', other)
    expect(push.status).toBe(403)
    expect(ours.registry.services.uploads.size).toBe(0)
  })

  it('cannot obtain a token for another namespace', async () => {
    const res = await fetch(
      `${ours.url}/openshift/token?service=${ours.host}&scope=repository:team/app:pull,push`,
      { headers: { authorization: other } }
    )
    const { token } = (await res.json()) as { token: string }
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      access: unknown[]
    }
    expect(claims.access).toEqual([])
    const pull = await raw('/v2/team/app/manifests/v1', 'GET', `Bearer ${token}`)
    expect(pull.status).toBe(401)
    expect(String(pull.headers['www-authenticate'])).toContain('error="insufficient_scope"')
  })
})
