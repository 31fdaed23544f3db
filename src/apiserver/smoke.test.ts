import { readFileSync } from 'node:fs'
import { it } from 'vitest'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createApiApp } from './app.js'
import { createTokenAuthority } from './token-authority.js'

it('smoke', async () => {
  const now = Date.parse('2026-08-22T10:00:00Z')
  const clock = { now: () => now, sleep: async () => {} }
  const store = new MemoryStore({ clock })
  const tokens = createTokenAuthority({ key: new Uint8Array(32).fill(7), clock, store })
  const app = createApiApp({
    store,
    importer: async (_ns, isi) => isi,
    tokens,
    adminToken: 'admin',
    clock,
    logger: noopLogger,
    settings: { defaultImportMode: 'Legacy', registryHostname: 'reg.local:5000' },
  })
  const req = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json', ...headers },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    const text = await res.text()
    console.log(method, path, res.status, res.headers.get('warning') ?? '', text.slice(0, 1500))
    return res
  }
  await req('POST', '/api/v1/namespaces', { metadata: { name: 'default' } })
  const file = readFileSync('/work/shared/fixtures/openshift-library/nodejs-centos.json', 'utf8')
  await req('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', file)
  await req('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', undefined, {
    accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
  })
  await req(
    'PATCH',
    '/apis/image.openshift.io/v1/namespaces/default/imagestreams/nodejs',
    {
      spec: {
        foo: 1,
        tags: [
          { name: 'x', from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, reference: true },
        ],
      },
    },
    { 'content-type': 'application/strategic-merge-patch+json' }
  )
  await req('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags', undefined, {
    accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
  })
  await req('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/nope')
  await req('GET', '/api/v1/namespaces/default/serviceaccounts')
  await req('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {})
  await req('GET', '/apis/image.openshift.io/v1')
  await req('GET', '/openapi/v3')
  await req('GET', '/nothing')
  await req('DELETE', '/api/v1/namespaces/default')
  await req('GET', '/apis/image.openshift.io/v1/imagestreams')
})
