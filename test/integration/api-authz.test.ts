import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImageStreamImport } from '../../src/api/image/v1/types.js'
import { createApiApp } from '../../src/apiserver/app.js'
import { createTokenAuthority } from '../../src/apiserver/token-authority.js'
import { systemClock } from '../../src/shared/clock.js'
import { noopLogger } from '../../src/shared/log.js'
import { MemoryStore } from '../../src/store/memory-store.js'

// Two namespaces over a real socket: a service-account token of one namespace cannot read the other's
// secrets or streams, nor import there (so never with its pull secrets).

const ADMIN = 'integration-admin-token'

type Reply = {
  items?: unknown
  message?: string
  reason?: string
  data?: Record<string, string>
  status?: { token?: string }
}
const SECRET_DATA = Buffer.from('{"auths":{"quay.io":{"auth":"dTpw"}}}').toString('base64')

describe('API authorization across namespaces over HTTP', () => {
  const store = new MemoryStore()
  const importerCalls: { namespace: string; isi: ImageStreamImport }[] = []
  let server: ReturnType<typeof serve>
  let base: string

  async function call(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Reply }
  }

  let tokenA = ''
  beforeAll(async () => {
    const app = createApiApp({
      store,
      importer: async (namespace, isi) => {
        importerCalls.push({ namespace, isi })
        return isi
      },
      tokens: createTokenAuthority({ key: new Uint8Array(32).fill(3), clock: systemClock, store }),
      adminToken: ADMIN,
      clock: systemClock,
      logger: noopLogger,
      settings: { defaultImportMode: 'Legacy' },
    })
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    for (const ns of ['team-a', 'team-b']) {
      expect(
        (await call(ADMIN, 'POST', '/api/v1/namespaces', { metadata: { name: ns } })).status
      ).toBe(201)
      const secret = await call(ADMIN, 'POST', `/api/v1/namespaces/${ns}/secrets`, {
        metadata: { name: 'pull' },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': SECRET_DATA },
      })
      expect(secret.status).toBe(201)
      const stream = await call(
        ADMIN,
        'POST',
        `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`,
        {
          metadata: { name: 'app' },
          spec: {
            tags: [{ name: 'v1', from: { kind: 'DockerImage', name: 'quay.io/team/app:v1' } }],
          },
        }
      )
      expect(stream.status).toBe(201)
    }
    const token = await call(
      ADMIN,
      'POST',
      '/api/v1/namespaces/team-a/serviceaccounts/default/token',
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      }
    )
    expect(token.status).toBe(201)
    tokenA = token.body.status?.token ?? ''
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await store.close()
  })

  it('lets the token read its own namespace, secret data included', async () => {
    const streams = await call(
      tokenA,
      'GET',
      '/apis/image.openshift.io/v1/namespaces/team-a/imagestreams'
    )
    expect(streams.status).toBe(200)
    expect(
      (streams.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)
    ).toEqual(['app'])
    const secret = await call(tokenA, 'GET', '/api/v1/namespaces/team-a/secrets/pull')
    expect(secret.status).toBe(200)
    expect(secret.body.data?.['.dockerconfigjson']).toBe(SECRET_DATA)
  })

  it("cannot read the other namespace's secrets or streams", async () => {
    const secret = await call(tokenA, 'GET', '/api/v1/namespaces/team-b/secrets/pull')
    expect(secret.status).toBe(403)
    expect(secret.body.message).toBe(
      'secrets "pull" is forbidden: User "system:serviceaccount:team-a:default" cannot get resource "secrets" in API group "" in the namespace "team-b"'
    )
    expect(JSON.stringify(secret.body)).not.toContain(SECRET_DATA)
    const secrets = await call(tokenA, 'GET', '/api/v1/namespaces/team-b/secrets')
    expect(secrets.status).toBe(403)
    const streams = await call(
      tokenA,
      'GET',
      '/apis/image.openshift.io/v1/namespaces/team-b/imagestreams'
    )
    expect(streams.status).toBe(403)
    expect(streams.body.message).toBe(
      'imagestreams.image.openshift.io is forbidden: User "system:serviceaccount:team-a:default" cannot list resource "imagestreams" in API group "image.openshift.io" in the namespace "team-b"'
    )
    const stream = await call(
      tokenA,
      'GET',
      '/apis/image.openshift.io/v1/namespaces/team-b/imagestreams/app'
    )
    expect(stream.status).toBe(403)
    const all = await call(tokenA, 'GET', '/api/v1/secrets')
    expect(all.status).toBe(403)
  })

  it('cannot import into the other namespace: the importer is never called', async () => {
    const r = await call(
      tokenA,
      'POST',
      '/apis/image.openshift.io/v1/namespaces/team-b/imagestreamimports',
      {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStreamImport',
        metadata: { name: 'app' },
        spec: {
          import: true,
          images: [{ from: { kind: 'DockerImage', name: 'quay.io/team/app:v2' } }],
        },
      }
    )
    expect(r.status).toBe(403)
    expect(r.body.reason).toBe('Forbidden')
    expect(importerCalls).toEqual([])
  })

  it('cannot mint tokens for the other namespace', async () => {
    const r = await call(
      tokenA,
      'POST',
      '/api/v1/namespaces/team-b/serviceaccounts/default/token',
      {}
    )
    expect(r.status).toBe(403)
  })
})
