import { describe, expect, it } from 'vitest'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createApiApp } from './app.js'
import { createTokenAuthority } from './token-authority.js'

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON replies by path
type Json = any

// Discovery and OpenAPI as kubectl reads them.

const clock = { now: () => Date.parse('2026-08-22T10:00:00Z'), sleep: async () => {} }
const store = new MemoryStore({ clock })
const app = createApiApp({
  store,
  importer: async (_ns, isi) => isi,
  tokens: createTokenAuthority({ key: new Uint8Array(32).fill(1), clock, store }),
  adminToken: 'admin',
  clock,
  logger: noopLogger,
  settings: { defaultImportMode: 'Legacy' },
})
const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'

async function get(
  path: string,
  accept?: string
): Promise<{ status: number; type: string | null; body: Json }> {
  const res = await app.request(`http://api.test:8443${path}`, {
    headers: { authorization: 'Bearer admin', ...(accept === undefined ? {} : { accept }) },
  })
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() }
}

describe('discovery', () => {
  it('serves /version without authentication', async () => {
    const res = await app.request('/version')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: expect.stringMatching(/^v1\.32\./),
    })
  })

  it('answers the aggregated discovery request with the plain documents, so kubectl falls back', async () => {
    const api = await get('/api', AGGREGATED)
    expect(api.type).toBe('application/json')
    expect(api.body).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: 'api.test:8443' }],
    })
    const apis = await get('/apis', AGGREGATED)
    expect(apis.body).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'image.openshift.io',
          versions: [{ groupVersion: 'image.openshift.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'image.openshift.io/v1', version: 'v1' },
        },
      ],
    })
  })

  it('lists resources with short names, scopes, verbs and subresources', async () => {
    const image = await get('/apis/image.openshift.io/v1')
    expect(image.body.kind).toBe('APIResourceList')
    expect(image.body.groupVersion).toBe('image.openshift.io/v1')
    const byName = Object.fromEntries(image.body.resources.map((r: Json) => [r.name, r]))
    expect(byName.imagestreams).toMatchObject({
      singularName: 'imagestream',
      namespaced: true,
      kind: 'ImageStream',
      shortNames: ['is'],
    })
    expect(byName.imagestreamtags.shortNames).toEqual(['istag'])
    expect(byName.imagestreamimages).toMatchObject({ shortNames: ['isimage'], verbs: ['get'] })
    expect(byName.imagestreamimports.verbs).toEqual(['create'])
    expect(byName['imagestreams/status'].verbs).toEqual(['get', 'patch', 'update'])
    expect(byName.images.namespaced).toBe(false)
    const core = await get('/api/v1')
    const coreByName = Object.fromEntries(core.body.resources.map((r: Json) => [r.name, r]))
    expect(Object.keys(coreByName).sort()).toEqual([
      'namespaces',
      'secrets',
      'serviceaccounts',
      'serviceaccounts/token',
    ])
    expect(coreByName['serviceaccounts/token']).toMatchObject({
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    })
    expect((await get('/apis/apps/v1')).status).toBe(404)
  })
})

describe('openapi', () => {
  it('indexes one v3 document per group/version', async () => {
    const index = await get('/openapi/v3')
    expect(Object.keys(index.body.paths).sort()).toEqual(['api/v1', 'apis/image.openshift.io/v1'])
    expect(index.body.paths['api/v1'].serverRelativeURL).toMatch(
      /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/
    )
    expect((await get('/openapi/v2')).status).toBe(404)
    expect((await get('/openapi/v3/apis/nothing/v1')).status).toBe(404)
  })

  it('describes kinds with their group/version/kind and the patch merge keys kubectl apply needs', async () => {
    const index = await get('/openapi/v3')
    const doc = await get(index.body.paths['apis/image.openshift.io/v1'].serverRelativeURL)
    const schemas = doc.body.components.schemas
    const is = schemas['com.github.openshift.api.image.v1.ImageStream']
    expect(is['x-kubernetes-group-version-kind']).toEqual([
      { group: 'image.openshift.io', kind: 'ImageStream', version: 'v1' },
    ])
    expect(is.properties.spec.properties.tags).toMatchObject({
      type: 'array',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
    })
    expect(is.properties.status.properties.tags['x-kubernetes-patch-merge-key']).toBe('tag')
    expect(
      is.properties.spec.properties.tags.items.properties.importPolicy.properties.importMode
    ).toEqual({ type: 'string' })
  })

  it('declares PATCH operations with strategic merge patch and fieldValidation, so kubectl uses both', async () => {
    const doc = await get('/openapi/v3/apis/image.openshift.io/v1')
    const patch =
      doc.body.paths['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}'].patch
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'image.openshift.io',
      version: 'v1',
      kind: 'ImageStream',
    })
    expect(Object.keys(patch.requestBody.content)).toContain(
      'application/strategic-merge-patch+json'
    )
    expect(patch.parameters.map((p: Json) => p.name)).toContain('fieldValidation')
    const core = await get('/openapi/v3/api/v1')
    const sa = core.body.components.schemas['io.k8s.api.core.v1.ServiceAccount']
    expect(sa.properties.secrets['x-kubernetes-patch-merge-key']).toBe('name')
    expect(
      core.body.paths['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token'].post[
        'x-kubernetes-group-version-kind'
      ].kind
    ).toBe('TokenRequest')
  })
})
