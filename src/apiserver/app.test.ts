import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ImageStream } from '../api/image/v1/types.js'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createApiApp } from './app.js'
import type { ApiSettings } from './deps.js'
import { createTokenAuthority } from './token-authority.js'

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON replies by path
type Json = any

// Component tests of the API over a MemoryStore, through app.request (no sockets).

const T0 = Date.parse('2026-08-22T10:00:00Z')
const ADMIN = 'admin-token'
const IS = '/apis/image.openshift.io/v1/namespaces/ns/imagestreams'
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'
const LIBRARY = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'openshift-library'
)
const NODEJS = readFileSync(join(LIBRARY, 'nodejs-centos.json'), 'utf8')

type Reply = { status: number; body: Record<string, Json>; headers: Headers }

function setup(settings: Partial<ApiSettings> = {}) {
  let now = T0
  const clock = { now: () => now, sleep: async () => {} }
  const store = new MemoryStore({ clock })
  const app = createApiApp({
    store,
    importer: async (_ns, isi) => isi,
    tokens: createTokenAuthority({ key: new Uint8Array(32).fill(1), clock, store }),
    adminToken: ADMIN,
    clock,
    logger: noopLogger,
    settings: { defaultImportMode: 'Legacy', ...settings },
  })
  const api = async (
    method: string,
    path: string,
    o: { body?: unknown; type?: string; accept?: string } = {}
  ): Promise<Reply> => {
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` }
    if (o.body !== undefined) headers['content-type'] = o.type ?? 'application/json'
    if (o.accept !== undefined) headers.accept = o.accept
    const res = await app.request(path, {
      method,
      headers,
      ...(o.body === undefined
        ? {}
        : { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? {} : JSON.parse(text), headers: res.headers }
  }
  return { app, store, api, advance: (ms: number) => (now += ms) }
}

function stream(name: string, tags: Record<string, unknown>[] = []): Record<string, unknown> {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name },
    spec: { tags },
  }
}

function dockerTag(name: string, from: string, extra: Record<string, unknown> = {}) {
  return { name, from: { kind: 'DockerImage', name: from }, ...extra }
}

let t: ReturnType<typeof setup>
beforeEach(async () => {
  t = setup({ registryHostname: 'registry.local:5000' })
  expect(
    (await t.api('POST', '/api/v1/namespaces', { body: { metadata: { name: 'ns' } } })).status
  ).toBe(201)
})

describe('namespaces', () => {
  it('creates an Active namespace with the service account default', async () => {
    const ns = await t.api('GET', '/api/v1/namespaces/ns')
    expect(ns.body.status).toEqual({ phase: 'Active' })
    const sa = await t.api('GET', '/api/v1/namespaces/ns/serviceaccounts/default')
    expect(sa.status).toBe(200)
  })

  it('refuses namespaced creates in a namespace that does not exist', async () => {
    const r = await t.api('POST', '/apis/image.openshift.io/v1/namespaces/nope/imagestreams', {
      body: stream('web'),
    })
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'namespaces "nope" not found',
      details: { name: 'nope', kind: 'namespaces' },
    })
  })

  it('deletes everything in a namespace with it', async () => {
    await t.api('POST', IS, { body: stream('web') })
    await t.api('POST', '/api/v1/namespaces/ns/secrets', {
      body: { metadata: { name: 's' }, stringData: { a: 'b' } },
    })
    const r = await t.api('DELETE', '/api/v1/namespaces/ns')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } })
    expect(r.body.metadata.deletionTimestamp).toBe('2026-08-22T10:00:00Z')
    for (const resource of ['imagestreams', 'secrets', 'serviceaccounts']) {
      expect((await t.store.list({ resource, namespace: 'ns' })).items).toEqual([])
    }
    expect((await t.api('GET', '/api/v1/namespaces/ns')).status).toBe(404)
  })
})

describe('image streams', () => {
  it('creates a real OpenShift stream file with OpenShift defaults and generations', async () => {
    const r = await t.api('POST', IS, { body: NODEJS })
    expect(r.status).toBe(201)
    const s = r.body as ImageStream
    expect(s.metadata).toMatchObject({
      name: 'nodejs',
      namespace: 'ns',
      generation: 1,
      resourceVersion: expect.any(String),
    })
    expect(s.metadata.creationTimestamp).toBe('2026-08-22T10:00:00Z')
    expect(s.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
    for (const tag of s.spec.tags ?? []) {
      expect(tag.generation).toBe(1)
      expect(tag.importPolicy).toEqual({ importMode: 'Legacy' })
      expect(tag.referencePolicy).toEqual({ type: 'Local' })
    }
    expect(s.status).toEqual({
      dockerImageRepository: 'registry.local:5000/ns/nodejs',
      publicDockerImageRepository: 'registry.local:5000/ns/nodejs',
    })
  })

  it.each(readdirSync(LIBRARY).filter((f) => f.endsWith('.json')))(
    'creates %s under strict field validation and reads back its spec',
    async (file) => {
      const text = readFileSync(join(LIBRARY, file), 'utf8')
      const r = await t.api('POST', `${IS}?fieldValidation=Strict`, { body: text })
      expect(r.status).toBe(201)
      const want = JSON.parse(text) as ImageStream
      const got = (await t.api('GET', `${IS}/${want.metadata.name}`)).body as ImageStream
      expect(got.spec.tags?.map((x) => [x.name, x.from, x.annotations ?? null])).toEqual(
        want.spec.tags?.map((x) => [x.name, x.from, x.annotations ?? null])
      )
    }
  )

  it('leaves status.dockerImageRepository unset without a registry hostname', async () => {
    const plain = setup()
    await plain.api('POST', '/api/v1/namespaces', { body: { metadata: { name: 'ns' } } })
    const r = await plain.api('POST', IS, { body: stream('web') })
    expect(r.body.status).toEqual({})
  })

  it('uses the configured default import mode', async () => {
    const preserve = setup({ defaultImportMode: 'PreserveOriginal' })
    await preserve.api('POST', '/api/v1/namespaces', { body: { metadata: { name: 'ns' } } })
    const r = await preserve.api('POST', IS, {
      body: stream('web', [dockerTag('1', 'quay.io/a/b:1')]),
    })
    expect(r.body.spec.tags[0].importPolicy).toEqual({ importMode: 'PreserveOriginal' })
  })

  it('clears status on create but records reference tags at once', async () => {
    const body = {
      ...stream('web', [
        dockerTag('ref', 'quay.io/a/b:1', { reference: true }),
        dockerTag('imp', 'quay.io/a/b:2'),
      ]),
      status: { tags: [{ tag: 'bogus', items: [] }] },
    }
    const r = await t.api('POST', IS, { body })
    expect(r.body.status.tags).toEqual([
      {
        tag: 'ref',
        items: [
          {
            created: '2026-08-22T10:00:00Z',
            dockerImageReference: 'quay.io/a/b:1',
            image: '',
            generation: 1,
          },
        ],
      },
    ])
  })

  it('answers Kubernetes errors for missing, duplicate and stale objects', async () => {
    const missing = await t.api('GET', `${IS}/nope`)
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'imagestreams.image.openshift.io "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'image.openshift.io', kind: 'imagestreams' },
      code: 404,
    })
    const created = await t.api('POST', IS, { body: stream('web') })
    const dup = await t.api('POST', IS, { body: stream('web') })
    expect(dup.status).toBe(409)
    expect(dup.body.message).toBe('imagestreams.image.openshift.io "web" already exists')
    const rv = created.body.metadata.resourceVersion
    const first = await t.api('PUT', `${IS}/web`, {
      body: { ...created.body, metadata: { ...created.body.metadata, labels: { a: 'b' } } },
    })
    expect(first.status).toBe(200)
    const stale = await t.api('PUT', `${IS}/web`, {
      body: { ...created.body, metadata: { ...created.body.metadata, resourceVersion: rv } },
    })
    expect(stale.status).toBe(409)
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on imagestreams.image.openshift.io "web": the object has been modified; please apply your changes to the latest version and try again',
    })
  })

  it('requires a resourceVersion to replace a stream (no unconditional update)', async () => {
    await t.api('POST', IS, { body: stream('web') })
    const r = await t.api('PUT', `${IS}/web`, { body: stream('web') })
    expect(r.status).toBe(422)
    expect(r.body.message).toContain('metadata.resourceVersion')
  })

  it('keeps the generations as OpenShift does on spec updates', async () => {
    const created = await t.api('POST', IS, {
      body: stream('web', [dockerTag('a', 'quay.io/x/y:1'), dockerTag('b', 'quay.io/x/y:2')]),
    })
    const next = structuredClone(created.body)
    next.spec.tags[0].generation = 7 // users may only reset to 0
    next.spec.tags[1].generation = 0 // re-import
    next.spec.tags.push(dockerTag('c', 'quay.io/x/y:3'))
    next.status = { tags: [{ tag: 'fake', items: [] }] } // ignored: status has its own endpoint
    const r = await t.api('PUT', `${IS}/web`, { body: next })
    expect(r.status).toBe(200)
    expect(r.body.metadata.generation).toBe(2)
    expect(
      r.body.spec.tags.map((x: { name: string; generation: number }) => [x.name, x.generation])
    ).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
    ])
    expect(r.body.status.tags).toBeUndefined()
    const same = await t.api('PUT', `${IS}/web`, { body: r.body })
    expect(same.body.metadata.generation).toBe(2)
  })

  it('rejects invalid streams with OpenShift messages and causes', async () => {
    const r = await t.api('POST', IS, {
      body: stream('web', [
        dockerTag('a', 'quay.io/x/y:1', { importPolicy: { importMode: 'Sideways' } }),
      ]),
    })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({
      reason: 'Invalid',
      message:
        "ImageStream.image.openshift.io \"web\" is invalid: spec.tags[0].importPolicy.importMode: Invalid value: \"Sideways\": invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'",
      details: {
        name: 'web',
        group: 'image.openshift.io',
        kind: 'ImageStream',
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.tags[0].importPolicy.importMode',
            message:
              "Invalid value: \"Sideways\": invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'",
          },
        ],
      },
    })
  })

  it('generates names from generateName', async () => {
    const r = await t.api('POST', '/api/v1/namespaces/ns/secrets', {
      body: { metadata: { generateName: 'pull-' } },
    })
    expect(r.status).toBe(201)
    expect(r.body.metadata.name).toMatch(/^pull-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
    // NB: OpenShift checks a stream's generateName against the repository grammar, so `web-` is refused.
    const s = await t.api('POST', IS, { body: { metadata: { generateName: 'web-' }, spec: {} } })
    expect(s.status).toBe(422)
  })

  it('reads YAML bodies and answers malformed bodies with BadRequest', async () => {
    const yaml =
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: fromyaml\nspec: {}\n'
    expect((await t.api('POST', IS, { body: yaml, type: 'application/yaml' })).status).toBe(201)
    const bad = await t.api('POST', IS, { body: '{"metadata": ', type: 'application/json' })
    expect(bad.status).toBe(400)
    expect(bad.body.reason).toBe('BadRequest')
    const badYaml = await t.api('POST', IS, { body: 'a: [', type: 'application/yaml' })
    expect(badYaml.status).toBe(400)
    const wrongKind = await t.api('POST', IS, {
      body: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'x' } },
    })
    expect(wrongKind.status).toBe(400)
    const wrongType = await t.api('POST', IS, {
      body: { metadata: { name: 'x' }, spec: { tags: 'no' } },
    })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.message).toContain('cannot unmarshal string')
  })

  it('drops unknown fields with a warning, or rejects them under Strict', async () => {
    const body = {
      ...stream('web'),
      spec: { foo: 1, tags: [{ ...dockerTag('a', 'quay.io/x/y:1'), bar: 2 }] },
    }
    const warned = await t.api('POST', IS, { body })
    expect(warned.status).toBe(201)
    expect(warned.headers.get('warning')).toBe(
      '299 - "unknown field \\"spec.foo\\"", 299 - "unknown field \\"spec.tags[0].bar\\""'
    )
    expect(warned.body.spec.foo).toBeUndefined()
    const strict = await t.api('POST', `${IS}?fieldValidation=Strict`, {
      body: { ...body, metadata: { name: 'web2' } },
    })
    expect(strict.status).toBe(400)
    expect(strict.body.message).toBe(
      'strict decoding error: unknown field "spec.foo", unknown field "spec.tags[0].bar"'
    )
    const ignored = await t.api('POST', `${IS}?fieldValidation=Ignore`, {
      body: { ...body, metadata: { name: 'web3' } },
    })
    expect(ignored.status).toBe(201)
    expect(ignored.headers.get('warning')).toBeNull()
  })

  it('deletes with a Success Status, honours preconditions, and 404s afterwards', async () => {
    const created = await t.api('POST', IS, { body: stream('web') })
    const wrong = await t.api('DELETE', `${IS}/web`, { body: { preconditions: { uid: 'other' } } })
    expect(wrong.status).toBe(409)
    const r = await t.api('DELETE', `${IS}/web`, {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: 'web',
        group: 'image.openshift.io',
        kind: 'imagestreams',
        uid: created.body.metadata.uid,
      },
    })
    expect((await t.api('GET', `${IS}/web`)).status).toBe(404)
    expect((await t.api('DELETE', `${IS}/web`)).status).toBe(404)
  })

  it('does nothing under dryRun=All', async () => {
    const dry = await t.api('POST', `${IS}?dryRun=All`, { body: stream('web') })
    expect(dry.status).toBe(201)
    expect(dry.body.metadata.uid).toBeDefined()
    expect((await t.api('GET', `${IS}/web`)).status).toBe(404)
    await t.api('POST', IS, { body: stream('web') })
    const patched = await t.api('PATCH', `${IS}/web?dryRun=All`, {
      body: { metadata: { labels: { a: 'b' } } },
      type: 'application/merge-patch+json',
    })
    expect(patched.body.metadata.labels).toEqual({ a: 'b' })
    expect((await t.api('GET', `${IS}/web`)).body.metadata.labels).toBeUndefined()
    expect((await t.api('DELETE', `${IS}/web?dryRun=All`)).status).toBe(200)
    expect((await t.api('GET', `${IS}/web`)).status).toBe(200)
  })
})

describe('patches of spec.tags', () => {
  beforeEach(async () => {
    await t.api('POST', IS, {
      body: stream('web', [dockerTag('a', 'quay.io/x/y:1'), dockerTag('b', 'quay.io/x/y:2')]),
    })
  })

  it('merges tags by name with a strategic merge patch', async () => {
    const r = await t.api('PATCH', `${IS}/web`, {
      type: 'application/strategic-merge-patch+json',
      body: {
        spec: {
          '$setElementOrder/tags': [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
          tags: [{ name: 'b', from: { name: 'quay.io/x/y:22' } }, dockerTag('c', 'quay.io/x/y:3')],
        },
      },
    })
    expect(r.status).toBe(200)
    expect(r.body.spec.tags.map((x: Json) => [x.name, x.from.name, x.generation])).toEqual([
      ['a', 'quay.io/x/y:1', 1],
      ['b', 'quay.io/x/y:22', 2],
      ['c', 'quay.io/x/y:3', 2],
    ])
    expect(r.body.spec.tags[2].importPolicy).toEqual({ importMode: 'Legacy' })
    const del = await t.api('PATCH', `${IS}/web`, {
      type: 'application/strategic-merge-patch+json',
      body: { spec: { tags: [{ name: 'a', $patch: 'delete' }] } },
    })
    expect(del.body.spec.tags.map((x: Json) => x.name)).toEqual(['b', 'c'])
  })

  it('replaces the tag list with a JSON merge patch', async () => {
    const r = await t.api('PATCH', `${IS}/web`, {
      type: 'application/merge-patch+json',
      body: { spec: { tags: [dockerTag('only', 'quay.io/x/y:9')] } },
    })
    expect(r.body.spec.tags.map((x: Json) => x.name)).toEqual(['only'])
  })

  it('applies JSON patches and reports failed operations as 422', async () => {
    const r = await t.api('PATCH', `${IS}/web`, {
      type: 'application/json-patch+json',
      body: [{ op: 'add', path: '/spec/tags/-', value: dockerTag('c', 'quay.io/x/y:3') }],
    })
    expect(r.body.spec.tags).toHaveLength(3)
    const failed = await t.api('PATCH', `${IS}/web`, {
      type: 'application/json-patch+json',
      body: [{ op: 'test', path: '/spec/tags/0/name', value: 'zzz' }],
    })
    expect(failed.status).toBe(422)
  })

  it('refuses patch types it does not know with 415 and a stale resourceVersion with 409', async () => {
    const r = await t.api('PATCH', `${IS}/web`, {
      type: 'application/apply-patch+yaml',
      body: 'spec: {}',
    })
    expect(r.status).toBe(415)
    expect(r.body.reason).toBe('UnsupportedMediaType')
    const stale = await t.api('PATCH', `${IS}/web`, {
      type: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: '1' } },
    })
    expect(stale.status).toBe(409)
  })

  it('patches a missing stream with 404', async () => {
    const r = await t.api('PATCH', `${IS}/nope`, { type: 'application/merge-patch+json', body: {} })
    expect(r.status).toBe(404)
  })
})

describe('status subresource', () => {
  it('writes only status through /status and only spec through the object', async () => {
    const created = await t.api('POST', IS, {
      body: stream('web', [dockerTag('a', 'quay.io/x/y:1')]),
    })
    const body = structuredClone(created.body)
    body.spec.tags = []
    body.metadata.labels = { ignored: 'yes' }
    body.status.tags = [
      {
        tag: 'a',
        items: [
          {
            created: '2026-08-22T10:00:00Z',
            dockerImageReference: `quay.io/x/y@sha256:${'a'.repeat(64)}`,
            image: `sha256:${'a'.repeat(64)}`,
            generation: 0,
          },
        ],
      },
    ]
    const r = await t.api('PUT', `${IS}/web/status`, { body })
    expect(r.status).toBe(200)
    expect(r.body.spec.tags).toHaveLength(1)
    expect(r.body.metadata.labels).toBeUndefined()
    // A history item written without a generation gets the stream's.
    expect(r.body.status.tags[0].items[0].generation).toBe(1)
    const got = await t.api('GET', `${IS}/web/status`)
    expect(got.body.status.tags).toHaveLength(1)
    const patched = await t.api('PATCH', `${IS}/web/status`, {
      type: 'application/merge-patch+json',
      body: { spec: { tags: [] }, status: { tags: [] } },
    })
    expect(patched.body.spec.tags).toHaveLength(1)
    expect(patched.body.status.tags).toEqual([])
  })

  it('resolves ImageStreamTag aliases into status', async () => {
    await t.api('POST', IS, { body: stream('web', [dockerTag('src', 'quay.io/x/y:1')]) })
    const cur = await t.api('GET', `${IS}/web`)
    const digest = `sha256:${'b'.repeat(64)}`
    cur.body.status.tags = [
      {
        tag: 'src',
        items: [
          {
            created: '2026-08-22T09:00:00Z',
            dockerImageReference: `quay.io/x/y@${digest}`,
            image: digest,
            generation: 1,
          },
        ],
      },
    ]
    await t.api('PUT', `${IS}/web/status`, { body: cur.body })
    const r = await t.api('PATCH', `${IS}/web`, {
      type: 'application/strategic-merge-patch+json',
      body: { spec: { tags: [{ name: 'latest', from: { kind: 'ImageStreamTag', name: 'src' } }] } },
    })
    const latest = r.body.status.tags.find((x: Json) => x.tag === 'latest')
    expect(latest.items[0]).toMatchObject({
      image: digest,
      dockerImageReference: `quay.io/x/y@${digest}`,
      generation: 2,
    })
  })
})

describe('lists', () => {
  beforeEach(async () => {
    await t.api('POST', '/api/v1/namespaces', { body: { metadata: { name: 'other' } } })
    for (const [ns, name, tier] of [
      ['ns', 'a', 'web'],
      ['ns', 'b', 'db'],
      ['ns', 'c', 'web'],
      ['other', 'd', 'web'],
    ]) {
      await t.api('POST', `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`, {
        body: { metadata: { name, labels: { tier } }, spec: {} },
      })
    }
  })
  const names = (r: Reply) => r.body.items.map((i: Json) => i.metadata.name)

  it('lists one namespace or all, as a typed list', async () => {
    const r = await t.api('GET', IS)
    expect(r.body).toMatchObject({
      kind: 'ImageStreamList',
      apiVersion: 'image.openshift.io/v1',
      metadata: { resourceVersion: expect.any(String) },
    })
    expect(names(r)).toEqual(['a', 'b', 'c'])
    expect(r.body.items[0].kind).toBeUndefined()
    expect(names(await t.api('GET', '/apis/image.openshift.io/v1/imagestreams'))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ])
  })

  it('filters by label and field selectors', async () => {
    expect(names(await t.api('GET', `${IS}?labelSelector=tier%3Dweb`))).toEqual(['a', 'c'])
    expect(names(await t.api('GET', `${IS}?labelSelector=tier%20in%20(db)`))).toEqual(['b'])
    expect(names(await t.api('GET', `${IS}?fieldSelector=metadata.name%3Db`))).toEqual(['b'])
    expect(
      names(
        await t.api(
          'GET',
          `/apis/image.openshift.io/v1/imagestreams?fieldSelector=metadata.namespace%3Dother`
        )
      )
    ).toEqual(['d'])
    const bad = await t.api('GET', `${IS}?fieldSelector=spec.x%3D1`)
    expect(bad.status).toBe(400)
    expect(bad.body.message).toBe(
      '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"'
    )
  })

  it('pages with limit and continue over one snapshot', async () => {
    const first = await t.api('GET', `${IS}?limit=2`)
    expect(names(first)).toEqual(['a', 'b'])
    const token = first.body.metadata.continue
    expect(token).toEqual(expect.any(String))
    await t.api('POST', IS, { body: { metadata: { name: 'bb' }, spec: {} } })
    const second = await t.api('GET', `${IS}?limit=2&continue=${encodeURIComponent(token)}`)
    expect(names(second)).toEqual(['c'])
    expect(second.body.metadata.continue).toBeUndefined()
    expect(second.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion)
    expect((await t.api('GET', `${IS}?continue=garbage`)).status).toBe(400)
  })
})

describe('tables', () => {
  it('shows image streams with oc columns', async () => {
    await t.api('POST', IS, {
      body: stream('web', [
        dockerTag('1.0', 'quay.io/x/y:1'),
        dockerTag('latest', 'quay.io/x/y:2'),
      ]),
    })
    const cur = await t.api('GET', `${IS}/web`)
    const d = (c: string) => `sha256:${c.repeat(64)}`
    cur.body.status.tags = [
      {
        tag: '1.0',
        items: [
          {
            created: '2026-08-22T09:00:00Z',
            dockerImageReference: `quay.io/x/y@${d('1')}`,
            image: d('1'),
            generation: 1,
          },
        ],
      },
      {
        tag: 'latest',
        items: [
          {
            created: '2026-08-22T09:30:00Z',
            dockerImageReference: `quay.io/x/y@${d('2')}`,
            image: d('2'),
            generation: 1,
          },
        ],
      },
    ]
    await t.api('PUT', `${IS}/web/status`, { body: cur.body })
    t.advance(60_000)
    const r = await t.api('GET', IS, { accept: TABLE })
    expect(r.headers.get('content-type')).toBe('application/json;as=Table;v=v1;g=meta.k8s.io')
    expect(r.body.kind).toBe('Table')
    expect(r.body.apiVersion).toBe('meta.k8s.io/v1')
    expect(r.body.columnDefinitions.map((c: Json) => c.name)).toEqual([
      'Name',
      'Image Repository',
      'Tags',
      'Updated',
    ])
    expect(r.body.rows).toHaveLength(1)
    expect(r.body.rows[0].cells).toEqual([
      'web',
      'registry.local:5000/ns/web',
      'latest,1.0',
      '31 minutes ago',
    ])
    expect(r.body.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'web' },
    })
    const one = await t.api('GET', `${IS}/web?includeObject=Object`, { accept: TABLE })
    expect(one.body.rows[0].object.kind).toBe('ImageStream')
    const none = await t.api('GET', `${IS}?includeObject=None`, { accept: TABLE })
    expect(none.body.rows[0].object).toBeUndefined()
  })

  it('shows secrets, service accounts and namespaces with kubectl columns', async () => {
    await t.api('POST', '/api/v1/namespaces/ns/secrets', {
      body: { metadata: { name: 's' }, data: { a: 'Yg==', b: 'Yw==' } },
    })
    t.advance(5 * 60_000)
    const secrets = await t.api('GET', '/api/v1/namespaces/ns/secrets', { accept: TABLE })
    expect(secrets.body.columnDefinitions.map((c: Json) => c.name)).toEqual([
      'Name',
      'Type',
      'Data',
      'Age',
    ])
    expect(secrets.body.rows[0].cells).toEqual(['s', 'Opaque', 2, '5m'])
    const sas = await t.api('GET', '/api/v1/namespaces/ns/serviceaccounts', { accept: TABLE })
    expect(sas.body.rows[0].cells).toEqual(['default', 0, '5m'])
    const nss = await t.api('GET', '/api/v1/namespaces', { accept: TABLE })
    expect(nss.body.rows[0].cells).toEqual(['ns', 'Active', '5m'])
  })
})

describe('secrets, service accounts and images', () => {
  it('folds stringData into data and defaults the type', async () => {
    const r = await t.api('POST', '/api/v1/namespaces/ns/secrets', {
      body: { metadata: { name: 's' }, data: { a: 'YQ==' }, stringData: { b: 'bee' } },
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ kind: 'Secret', type: 'Opaque', data: { a: 'YQ==', b: 'YmVl' } })
    expect(r.body.stringData).toBeUndefined()
  })

  it('validates docker config secrets', async () => {
    const r = await t.api('POST', '/api/v1/namespaces/ns/secrets', {
      body: {
        metadata: { name: 'pull' },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': 'nope' },
      },
    })
    expect(r.status).toBe(422)
    expect(r.body.message).toMatch(/^Secret "pull" is invalid: data\[\.dockerconfigjson\]/)
  })

  it('updates service accounts without a resourceVersion (unconditional update)', async () => {
    const r = await t.api('PUT', '/api/v1/namespaces/ns/serviceaccounts/default', {
      body: { metadata: { name: 'default' }, imagePullSecrets: [{ name: 'pull' }] },
    })
    expect(r.status).toBe(200)
    expect(r.body.imagePullSecrets).toEqual([{ name: 'pull' }])
    const merged = await t.api('PATCH', '/api/v1/namespaces/ns/serviceaccounts/default', {
      type: 'application/strategic-merge-patch+json',
      body: { imagePullSecrets: [{ name: 'other' }] },
    })
    expect(merged.body.imagePullSecrets.map((x: Json) => x.name).sort()).toEqual(['other', 'pull'])
  })

  it('creates and lists cluster-scoped images', async () => {
    const name = `sha256:${'c'.repeat(64)}`
    const r = await t.api('POST', '/apis/image.openshift.io/v1/images', {
      body: {
        metadata: { name, namespace: 'ignored' },
        dockerImageReference: `quay.io/x/y@${name}`,
      },
    })
    expect(r.status).toBe(201)
    expect(r.body.metadata.namespace).toBeUndefined()
    const list = await t.api('GET', '/apis/image.openshift.io/v1/images')
    expect(list.body.items.map((i: Json) => i.metadata.name)).toEqual([name])
    const bad = await t.api('POST', '/apis/image.openshift.io/v1/images', {
      body: { metadata: { name: 'x' } },
    })
    expect(bad.status).toBe(422)
  })
})

describe('routing', () => {
  it('answers unknown paths with a 404 Status and wrong methods with 405', async () => {
    const r = await t.api('GET', '/apis/image.openshift.io/v1/namespaces/ns/widgets')
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    })
    expect((await t.api('GET', '/apis/nothing.example.com/v1')).status).toBe(404)
    expect((await t.api('GET', '/elsewhere')).status).toBe(404)
    const put = await t.api('PUT', IS, { body: {} })
    expect(put.status).toBe(405)
    expect(put.body.reason).toBe('MethodNotAllowed')
    expect(
      (
        await t.api('PUT', '/apis/image.openshift.io/v1/namespaces/ns/imagestreamimports/x', {
          body: {},
        })
      ).status
    ).toBe(405)
  })
})
