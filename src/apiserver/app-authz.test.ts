import { beforeEach, describe, expect, it } from 'vitest'
import type { ImageStreamImport } from '../api/image/v1/types.js'
import { jsonLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createApiApp } from './app.js'
import { createTokenAuthority } from './token-authority.js'

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON replies by path
type Json = any

// Authentication and authorization: the admin token reaches everything; a service-account token its own
// namespace, images read-only and its own namespace object; tokens come from TokenRequest.

const T0 = Date.parse('2026-08-22T10:00:00Z')
const ADMIN = 'admin-secret-token'
const SECRET_VALUE = 'c3VwZXItc2VjcmV0LXBhc3N3b3Jk'

function setup() {
  let now = T0
  const clock = { now: () => now, sleep: async () => {} }
  const store = new MemoryStore({ clock })
  const logs: string[] = []
  const imports: { namespace: string; isi: ImageStreamImport }[] = []
  const app = createApiApp({
    store,
    importer: async (namespace, isi) => {
      imports.push({ namespace, isi })
      return { ...isi, status: { images: [] } }
    },
    tokens: createTokenAuthority({ key: new Uint8Array(32).fill(9), clock, store }),
    adminToken: ADMIN,
    clock,
    logger: jsonLogger((line) => logs.push(line), 'debug'),
    settings: { defaultImportMode: 'Legacy' },
  })
  const call = async (token: string | undefined, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    const res = await app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return {
      status: res.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, Json>),
    }
  }
  const tokenFor = async (ns: string, sa: string, expirationSeconds?: number) => {
    const r = await call(ADMIN, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: expirationSeconds === undefined ? {} : { expirationSeconds },
    })
    expect(r.status).toBe(201)
    return String(r.body.status.token)
  }
  return { store, call, tokenFor, logs, imports, advance: (ms: number) => (now += ms) }
}

let t: ReturnType<typeof setup>
let tokenA: string
beforeEach(async () => {
  t = setup()
  for (const ns of ['a', 'b']) {
    await t.call(ADMIN, 'POST', '/api/v1/namespaces', { metadata: { name: ns } })
    await t.call(ADMIN, 'POST', `/api/v1/namespaces/${ns}/secrets`, {
      metadata: { name: 'pull' },
      data: { password: SECRET_VALUE },
    })
    await t.call(ADMIN, 'POST', `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`, {
      metadata: { name: 'web' },
      spec: {},
    })
  }
  tokenA = await t.tokenFor('a', 'default')
})

describe('authentication', () => {
  it('answers 401 Unauthorized without a token or with a bad one', async () => {
    for (const token of [undefined, 'nope', `${tokenA}x`, 'sa1.e30.AAAA']) {
      const r = await t.call(token, 'GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams')
      expect(r.status).toBe(401)
      expect(r.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      })
    }
    expect((await t.call(undefined, 'GET', '/apis')).status).toBe(401)
    expect((await t.call(undefined, 'GET', '/version')).status).toBe(200)
  })

  it('refuses expired tokens and tokens of a deleted (even recreated) service account', async () => {
    const short = await t.tokenFor('a', 'default', 600)
    expect((await t.call(short, 'GET', '/api/v1/namespaces/a/secrets')).status).toBe(200)
    t.advance(601_000)
    expect((await t.call(short, 'GET', '/api/v1/namespaces/a/secrets')).status).toBe(401)
    expect((await t.call(tokenA, 'GET', '/api/v1/namespaces/a/secrets')).status).toBe(200)
    await t.call(ADMIN, 'DELETE', '/api/v1/namespaces/a/serviceaccounts/default')
    await t.call(ADMIN, 'POST', '/api/v1/namespaces/a/serviceaccounts', {
      metadata: { name: 'default' },
    })
    expect((await t.call(tokenA, 'GET', '/api/v1/namespaces/a/secrets')).status).toBe(401)
  })

  it('issues tokens through TokenRequest with Kubernetes validation', async () => {
    const r = await t.call(ADMIN, 'POST', '/api/v1/namespaces/a/serviceaccounts/default/token', {
      spec: { expirationSeconds: 1200, audiences: ['x'] },
    })
    expect(r.body).toMatchObject({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { expirationSeconds: 1200, audiences: ['x'] },
      status: { expirationTimestamp: '2026-08-22T10:20:00Z' },
    })
    const short = await t.call(
      ADMIN,
      'POST',
      '/api/v1/namespaces/a/serviceaccounts/default/token',
      {
        spec: { expirationSeconds: 60 },
      }
    )
    expect(short.status).toBe(422)
    expect(short.body.message).toBe(
      'TokenRequest.authentication.k8s.io "default" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes'
    )
    const missing = await t.call(
      ADMIN,
      'POST',
      '/api/v1/namespaces/a/serviceaccounts/ghost/token',
      {}
    )
    expect(missing.status).toBe(404)
    expect(missing.body.message).toBe('serviceaccounts "ghost" not found')
  })
})

describe('authorization of a service account', () => {
  const forbidden = (verb: string, resource: string, group: string, scope: string, name = '') =>
    `${group === '' ? resource : `${resource}.${group}`}${name === '' ? '' : ` "${name}"`} is forbidden: User "system:serviceaccount:a:default" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`

  it.each([
    ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams', 200],
    ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/web', 200],
    ['GET', '/api/v1/namespaces/a/secrets/pull', 200],
    ['GET', '/apis/image.openshift.io/v1/images', 200],
    ['GET', '/api/v1/namespaces/a', 200],
    ['GET', '/api/v1/namespaces/b', 403],
    ['GET', '/api/v1/namespaces', 403],
    ['GET', '/apis/image.openshift.io/v1/imagestreams', 403],
    ['GET', '/apis/image.openshift.io/v1/namespaces/b/imagestreams', 403],
    ['GET', '/api/v1/namespaces/b/secrets/pull', 403],
    ['GET', '/apis/image.openshift.io/v1/namespaces/b/imagestreamtags', 403],
    ['DELETE', '/apis/image.openshift.io/v1/namespaces/b/imagestreams/web', 403],
    ['POST', '/apis/image.openshift.io/v1/images', 403],
    ['POST', '/api/v1/namespaces', 403],
    ['POST', '/api/v1/namespaces/b/serviceaccounts/default/token', 403],
  ])('%s %s → %d', async (method, path, status) => {
    const body = method === 'POST' ? { metadata: { name: 'x' } } : undefined
    expect((await t.call(tokenA, method, path, body)).status).toBe(status)
  })

  it('words Forbidden as Kubernetes does', async () => {
    const list = await t.call(
      tokenA,
      'GET',
      '/apis/image.openshift.io/v1/namespaces/b/imagestreams'
    )
    expect(list.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: forbidden('list', 'imagestreams', 'image.openshift.io', 'in the namespace "b"'),
      details: { group: 'image.openshift.io', kind: 'imagestreams' },
    })
    const secret = await t.call(tokenA, 'GET', '/api/v1/namespaces/b/secrets/pull')
    expect(secret.body.message).toBe(
      forbidden('get', 'secrets', '', 'in the namespace "b"', 'pull')
    )
    expect(secret.body.details).toEqual({ name: 'pull', kind: 'secrets' })
    const all = await t.call(tokenA, 'GET', '/apis/image.openshift.io/v1/imagestreams')
    expect(all.body.message).toBe(
      forbidden('list', 'imagestreams', 'image.openshift.io', 'at the cluster scope')
    )
    const token = await t.call(
      tokenA,
      'POST',
      '/api/v1/namespaces/b/serviceaccounts/default/token',
      {}
    )
    expect(token.body.message).toBe(
      'serviceaccounts "default" is forbidden: User "system:serviceaccount:a:default" cannot create resource "serviceaccounts/token" in API group "" in the namespace "b"'
    )
  })

  it('imports only into its own namespace, never calling the importer for another', async () => {
    const isi = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamImport',
      metadata: { name: 'web' },
      spec: { import: true, images: [{ from: { kind: 'DockerImage', name: 'quay.io/x/y:1' } }] },
    }
    const other = await t.call(
      tokenA,
      'POST',
      '/apis/image.openshift.io/v1/namespaces/b/imagestreamimports',
      isi
    )
    expect(other.status).toBe(403)
    expect(t.imports).toEqual([])
    const own = await t.call(
      tokenA,
      'POST',
      '/apis/image.openshift.io/v1/namespaces/a/imagestreamimports',
      isi
    )
    expect(own.status).toBe(201)
    expect(t.imports.map((i) => i.namespace)).toEqual(['a'])
  })

  it('cannot point a tag at a stream in a namespace it cannot read', async () => {
    const r = await t.call(
      tokenA,
      'POST',
      '/apis/image.openshift.io/v1/namespaces/a/imagestreams',
      {
        metadata: { name: 'copy' },
        spec: {
          tags: [
            { name: 'x', from: { kind: 'ImageStreamTag', namespace: 'b', name: 'web:latest' } },
          ],
        },
      }
    )
    expect(r.status).toBe(422)
    expect(r.body.message).toBe(
      'ImageStream.image.openshift.io "copy" is invalid: spec.tags[0].from: Forbidden: b/web'
    )
  })

  it('never logs tokens or secret data', async () => {
    await t.call(tokenA, 'GET', '/api/v1/namespaces/a/secrets/pull')
    await t.call(tokenA, 'GET', '/api/v1/namespaces/a/secrets')
    await t.call(ADMIN, 'POST', '/api/v1/namespaces/a/serviceaccounts/default/token', {})
    const text = t.logs.join('')
    expect(text).toContain('"path":"/api/v1/namespaces/a/secrets/pull"')
    expect(text).toContain('"user":"system:serviceaccount:a:default"')
    // Every line carries a request id, for matching a user's report with the server's log.
    for (const line of t.logs) expect(JSON.parse(line)).toHaveProperty('requestId')
    for (const secret of [ADMIN, tokenA, SECRET_VALUE, 'sa1.']) expect(text).not.toContain(secret)
  })
})
