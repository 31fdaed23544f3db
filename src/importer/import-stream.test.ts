import { afterEach, describe, expect, it } from 'vitest'
import {
  errorResponse,
  type FakeResponse,
  type FakeUpstream,
  startFakeUpstream,
} from '../../test/support/fake-upstream.js'
import {
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildIndex,
} from '../../test/support/image-builder.js'
import type { Secret } from '../api/core/v1/types.js'
import type { ImageImportSpec, ImageStream, ImageStreamImport } from '../api/image/v1/types.js'
import { createRegistryClient, type RegistryClient } from '../registry-client/client.js'
import type { Clock } from '../shared/clock.js'
import { isAppError } from '../shared/errors.js'
import type { Logger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import type { Store } from '../store/store.js'
import { createImageStreamImport } from './import-stream.js'
import {
  DEFAULT_IMPORTER_SETTINGS,
  type ImporterDeps,
  type ImporterSettings,
} from './importer-deps.js'

const NS = 'ns'
const servers: FakeUpstream[] = []
const clients: RegistryClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const image = (n: number, arch = 'amd64', variant?: string): BuiltImage =>
  buildImage(
    {
      platform: { architecture: arch, os: 'linux', ...(variant === undefined ? {} : { variant }) },
      env: [`N=${n}`],
      labels: { n: String(n) },
      created: '2025-01-01T00:00:00Z',
      files: [{ path: 'n', content: `${n}-${arch}\n` }],
    },
    'oci'
  )

/**
 * A fake registry serving one repository (`team/app`) from built images; `override` answers a request
 * first when it returns a response (for failures), and `auth` guards every /v2/<repo> request.
 */
type FakeRegistry = {
  readonly upstream: FakeUpstream
  readonly host: string
  tags: Map<string, BuiltImage | BuiltIndex>
  override?: (path: string, authorization: string | undefined) => FakeResponse | undefined
  /** Manifest and blob GETs so far, by path. */
  gets(): string[]
}

async function fakeRegistry(tags: Record<string, BuiltImage | BuiltIndex>): Promise<FakeRegistry> {
  const reg: Partial<FakeRegistry> & { tags: Map<string, BuiltImage | BuiltIndex> } = {
    tags: new Map(Object.entries(tags)),
  }
  const blobs = (): Map<string, { bytes: Buffer; mediaType: string }> => {
    const out = new Map<string, { bytes: Buffer; mediaType: string }>()
    for (const content of reg.tags.values()) {
      const imgs = 'index' in content ? content.children : [content]
      if ('index' in content)
        out.set(content.index.digest, {
          bytes: content.index.bytes,
          mediaType: content.index.mediaType,
        })
      for (const i of imgs) {
        out.set(i.manifest.digest, { bytes: i.manifest.bytes, mediaType: i.manifest.mediaType })
        out.set(i.config.digest, { bytes: i.config.bytes, mediaType: 'application/octet-stream' })
        for (const l of i.layers) out.set(l.digest, { bytes: l.bytes, mediaType: l.mediaType })
      }
    }
    return out
  }
  const upstream = await startFakeUpstream({
    routes: [
      {
        path: /^\/v2\/(\?.*)?$/,
        respond: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
      },
      {
        path: /^\/v2\/team\/app\/(manifests|blobs)\/[^/]+$/,
        respond: (req) => {
          const custom = reg.override?.(req.path, req.headers.authorization as string | undefined)
          if (custom !== undefined) return custom
          const ref = req.path.split('/').pop() ?? ''
          const tagged = reg.tags.get(ref)
          const found =
            tagged !== undefined
              ? 'index' in tagged
                ? { bytes: tagged.index.bytes, mediaType: tagged.index.mediaType }
                : { bytes: tagged.manifest.bytes, mediaType: tagged.manifest.mediaType }
              : blobs().get(ref)
          if (found === undefined) {
            return req.path.includes('/manifests/')
              ? errorResponse(404, 'MANIFEST_UNKNOWN', 'manifest unknown')
              : errorResponse(404, 'BLOB_UNKNOWN', 'blob unknown')
          }
          return { status: 200, headers: { 'content-type': found.mediaType }, body: found.bytes }
        },
      },
    ],
  })
  servers.push(upstream)
  return Object.assign(reg, {
    upstream,
    host: upstream.host,
    gets: () => upstream.requests.filter((r) => r.path.startsWith('/v2/team/')).map((r) => r.path),
  }) as FakeRegistry
}

function testClock(): Clock {
  let t = Date.parse('2026-03-01T10:00:00Z')
  return {
    now: () => {
      t += 1000
      return t
    },
    sleep: () => Promise.resolve(),
  }
}

type LogLine = { level: string; msg: string; fields?: Record<string, unknown> }
function capturingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, msg, ...(fields === undefined ? {} : { fields }) })
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

function deps(
  o: {
    store?: Store
    settings?: Partial<ImporterSettings>
    logger?: Logger
    client?: RegistryClient
  } = {}
): ImporterDeps {
  const client = o.client ?? createRegistryClient({ retry: { attempts: 1 }, timeoutMs: 1000 })
  clients.push(client)
  return {
    store: o.store ?? new MemoryStore(),
    client,
    clock: testClock(),
    logger: o.logger ?? capturingLogger([]),
    settings: { ...DEFAULT_IMPORTER_SETTINGS, ...o.settings },
  }
}

function req(
  name: string,
  images: { from: string; to?: string; mode?: string }[],
  o: { import?: boolean; resourceVersion?: string; uid?: string } = {}
): ImageStreamImport {
  return {
    metadata: {
      name,
      ...(o.resourceVersion === undefined ? {} : { resourceVersion: o.resourceVersion }),
      ...(o.uid === undefined ? {} : { uid: o.uid }),
    },
    spec: {
      import: o.import ?? true,
      images: images.map(
        (i): ImageImportSpec => ({
          from: { kind: 'DockerImage', name: i.from },
          ...(i.to === undefined ? {} : { to: { name: i.to } }),
          importPolicy: { insecure: true, ...(i.mode === undefined ? {} : { importMode: i.mode }) },
        })
      ),
    },
  }
}

const getStream = (d: ImporterDeps, name: string) =>
  d.store.get<ImageStream & { metadata: { name: string } }>({
    resource: 'imagestreams',
    namespace: NS,
    name,
  })

async function failure(p: Promise<unknown>): Promise<Error & { reason?: string }> {
  try {
    await p
  } catch (err) {
    return err as Error & { reason?: string }
  }
  throw new Error('expected a failure')
}

describe('createImageStreamImport: request checks', () => {
  it('rejects an invalid request with OpenShift’s message', async () => {
    const err = await failure(
      createImageStreamImport(
        deps(),
        NS,
        req('app', [{ from: 'quay.io/a/b:1', to: 'x', mode: 'Fast' }])
      )
    )
    expect(isAppError(err, 'Invalid')).toBe(true)
    expect(err.message).toBe(
      `ImageStreamImport.image.openshift.io "app" is invalid: spec.images[0].importPolicy.importMode: Invalid value: "Fast": invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'`
    )
  })

  it('needs a namespace, and one matching the object', async () => {
    const d = deps()
    expect(
      (await failure(createImageStreamImport(d, '', req('app', [{ from: 'a/b:1' }])))).message
    ).toBe('a namespace must be specified to import images')
    const other = req('app', [{ from: 'a/b:1' }])
    other.metadata.namespace = 'elsewhere'
    expect((await failure(createImageStreamImport(d, NS, other))).reason).toBe('BadRequest')
  })

  it('checks the resourceVersion and uid the request names', async () => {
    const d = deps()
    const missing = await failure(
      createImageStreamImport(
        d,
        NS,
        req('app', [{ from: 'a/b:1', to: 'b' }], { resourceVersion: '5' })
      )
    )
    expect(missing.message).toBe('imagestreams.image.openshift.io "app" not found')
    const stored = await d.store.create<ImageStream & { metadata: { name: string } }>(
      'imagestreams',
      { metadata: { name: 'app', namespace: NS }, spec: {} }
    )
    const conflict = await failure(
      createImageStreamImport(
        d,
        NS,
        req('app', [{ from: 'a/b:1', to: 'b' }], { resourceVersion: '99' })
      )
    )
    expect(conflict.reason).toBe('Conflict')
    expect(conflict.message).toBe(
      `Operation cannot be fulfilled on imagestream.image.openshift.io "app": the image stream was updated from "99" to "${stored.metadata.resourceVersion}"`
    )
    const uid = await failure(
      createImageStreamImport(d, NS, req('app', [{ from: 'a/b:1', to: 'b' }], { uid: 'other' }))
    )
    expect(uid.message).toBe('imagestream.image.openshift.io "app" not found')
  })
})

describe('createImageStreamImport: persisting', () => {
  it('creates the stream with generation 1 and the check annotation; unchanged re-imports write nothing', async () => {
    const reg = await fakeRegistry({ v1: image(1) })
    const d = deps({ settings: { registryHostname: 'registry.local:5000' } })
    const isi = await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    const s1 = await getStream(d, 'app')
    expect(s1?.metadata).toMatchObject({
      generation: 1,
      annotations: { 'openshift.io/image.dockerRepositoryCheck': '2026-03-01T10:00:01Z' },
    })
    expect(s1?.status?.dockerImageRepository).toBe('registry.local:5000/ns/app')
    expect(isi.status?.import?.status?.dockerImageRepository).toBe('registry.local:5000/ns/app')
    const rv = await d.store.currentResourceVersion()

    await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    expect(await d.store.currentResourceVersion()).toBe(rv)

    // Without the annotation the stream is written (once), as OpenShift does.
    await d.store.guaranteedUpdate<ImageStream & { metadata: { name: string } }>(
      { resource: 'imagestreams', namespace: NS, name: 'app' },
      (s) => ({ ...s, metadata: { ...s.metadata, annotations: {} } })
    )
    const rv2 = await d.store.currentResourceVersion()
    await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    const s2 = await getStream(d, 'app')
    expect(s2?.metadata.resourceVersion).not.toBe(rv2)
    expect(s2?.metadata.annotations?.['openshift.io/image.dockerRepositoryCheck']).toBeDefined()
    expect(s2?.metadata.generation).toBe(1)
  })

  it('keeps generations consistent: new tags, failures and spec generations', async () => {
    const reg = await fakeRegistry({ v1: image(1), v2: image(2) })
    const d = deps()
    const run = (images: { from: string; to: string }[]) =>
      createImageStreamImport(d, NS, req('app', images))
    await run([{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    await run([{ from: `${reg.host}/team/app:v2`, to: 'v2' }])
    const s = await getStream(d, 'app')
    expect(s?.metadata.generation).toBe(2)
    expect(s?.spec.tags?.map((t) => [t.name, t.generation])).toEqual([
      ['v1', 1],
      ['v2', 2],
    ])
    expect(s?.status?.tags?.map((t) => [t.tag, t.items?.[0]?.generation])).toEqual([
      ['v1', 1],
      ['v2', 2],
    ])
    await run([{ from: `${reg.host}/team/app:gone`, to: 'v1' }])
    const f = await getStream(d, 'app')
    expect(f?.metadata.generation).toBe(3)
    const v1 = f?.status?.tags?.find((t) => t.tag === 'v1')
    expect(v1?.conditions?.[0]).toMatchObject({ reason: 'NotFound', generation: 3 })
    expect(v1?.items?.map((i) => i.generation)).toEqual([1])
    expect(f?.spec.tags?.find((t) => t.name === 'v1')?.generation).toBe(3)
    // The same failure again: nothing to write.
    const rv = f?.metadata.resourceVersion
    await run([{ from: `${reg.host}/team/app:gone`, to: 'v1' }])
    expect((await getStream(d, 'app'))?.metadata.resourceVersion).toBe(rv)
  })

  it('re-applies the import on a concurrent write instead of losing either', async () => {
    const reg = await fakeRegistry({ v1: image(1) })
    const store = new MemoryStore()
    await store.create('imagestreams', {
      metadata: { name: 'app', namespace: NS },
      spec: { tags: [] },
    })
    let raced = false
    const racy = new Proxy(store, {
      get(target, prop) {
        if (prop === 'guaranteedUpdate') {
          return (key: never, mutate: (o: ImageStream) => unknown, o: never) =>
            target.guaranteedUpdate(
              key,
              async (current: ImageStream & { metadata: { name: string } }) => {
                if (!raced) {
                  raced = true
                  await target.update('imagestreams', {
                    ...current,
                    metadata: { ...current.metadata, labels: { user: 'edit' } },
                  })
                }
                return mutate(current) as never
              },
              o
            )
        }
        const v = Reflect.get(target, prop)
        return typeof v === 'function' ? v.bind(target) : v
      },
    })
    const d = deps({ store: racy })
    await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    const s = await getStream(d, 'app')
    expect(raced).toBe(true)
    expect(s?.metadata.labels).toEqual({ user: 'edit' })
    expect(s?.status?.tags?.[0]?.items).toHaveLength(1)
  })

  it('stores list Images with their children, reuses existing Images', async () => {
    const list = buildIndex([image(1), image(1, 'arm64', 'v8')], 'oci')
    const reg = await fakeRegistry({ multi: list })
    const d = deps()
    const wanted = [{ from: `${reg.host}/team/app:multi`, to: 'multi', mode: 'PreserveOriginal' }]
    await createImageStreamImport(d, NS, req('a', wanted))
    const images = await d.store.list({ resource: 'images' })
    expect(images.items.map((i) => i.metadata.name).sort()).toEqual(
      [list.index.digest, ...list.children.map((c) => c.manifest.digest)].sort()
    )
    // Another stream importing the same list: the Images exist, and nothing but the list is fetched.
    const before = reg.gets().length
    const isi = await createImageStreamImport(d, NS, req('b', wanted))
    expect(isi.status?.images?.[0]?.manifests).toHaveLength(2)
    expect(reg.gets().slice(before)).toEqual([`/v2/team/app/manifests/multi`])
  })
})

describe('createImageStreamImport: per-image failures are data', () => {
  it('maps a 429 to TooManyRequests and still imports the other tags', async () => {
    const reg = await fakeRegistry({ v1: image(1), v2: image(2) })
    reg.override = (path) =>
      path.endsWith('/manifests/v2')
        ? errorResponse(429, 'TOOMANYREQUESTS', 'too many requests', { 'retry-after': '7' })
        : undefined
    const d = deps()
    const isi = await createImageStreamImport(
      d,
      NS,
      req('app', [
        { from: `${reg.host}/team/app:v1`, to: 'v1' },
        { from: `${reg.host}/team/app:v2`, to: 'v2' },
      ])
    )
    const [v1, v2] = isi.status?.images ?? []
    expect(v1?.status.status).toBe('Success')
    expect(v2?.status).toMatchObject({
      status: 'Failure',
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 7 },
    })
    expect(v2?.status.message).toContain(
      `rate limiting requests for "${reg.host}/team/app:v2" (retry after 7s)`
    )
    const s = await getStream(d, 'app')
    expect(s?.status?.tags?.find((t) => t.tag === 'v2')?.conditions?.[0]?.reason).toBe(
      'TooManyRequests'
    )
  })

  it('maps a timeout to Timeout', async () => {
    const reg = await fakeRegistry({ v1: image(1) })
    reg.override = (path) =>
      path.endsWith('/manifests/v1') ? { status: 200, body: '{}', delayMs: 3000 } : undefined
    const client = createRegistryClient({ retry: { attempts: 1 }, timeoutMs: 200 })
    const isi = await createImageStreamImport(
      deps({ client }),
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }], { import: false })
    )
    expect(isi.status?.images?.[0]?.status).toMatchObject({ reason: 'Timeout', code: 504 })
  })

  it('keeps OpenShift’s InternalError for DENIED and integrity errors', async () => {
    const reg = await fakeRegistry({ v1: image(1), v2: image(2) })
    reg.override = (path) => {
      if (path.endsWith('/manifests/v1'))
        return errorResponse(403, 'DENIED', 'requested access to the resource is denied')
      if (path.endsWith('/manifests/v2')) {
        const i = image(2)
        return {
          status: 200,
          headers: {
            'content-type': i.manifest.mediaType,
            'docker-content-digest': `sha256:${'0'.repeat(64)}`,
          },
          body: i.manifest.bytes,
        }
      }
      return undefined
    }
    const isi = await createImageStreamImport(
      deps(),
      NS,
      req(
        'app',
        [
          { from: `${reg.host}/team/app:v1`, to: 'v1' },
          { from: `${reg.host}/team/app:v2`, to: 'v2' },
        ],
        { import: false }
      )
    )
    const [v1, v2] = isi.status?.images ?? []
    expect(v1?.status.reason).toBe('InternalError')
    expect(v1?.status.message).toMatch(
      new RegExp(
        `^Internal error occurred: ${reg.host}/team/app:v1: GET .*DENIED: requested access to the resource is denied$`
      )
    )
    expect(v2?.status.reason).toBe('InternalError')
    expect(v2?.status.message).toContain('content integrity error')
  })

  it('fails a PreserveOriginal tag when one child fails, naming the child', async () => {
    const list = buildIndex([image(1), image(1, 'arm64', 'v8')], 'oci')
    const reg = await fakeRegistry({ multi: list, single: image(3) })
    const broken = list.children[1]?.manifest.digest ?? ''
    reg.override = (path) =>
      path.endsWith(`/manifests/${broken}`)
        ? errorResponse(404, 'MANIFEST_UNKNOWN', 'gone')
        : undefined
    const isi = await createImageStreamImport(
      deps(),
      NS,
      req(
        'app',
        [
          { from: `${reg.host}/team/app:multi`, to: 'multi', mode: 'PreserveOriginal' },
          { from: `${reg.host}/team/app:multi`, to: 'legacy', mode: 'Legacy' },
          { from: `${reg.host}/team/app:single`, to: 'single' },
        ],
        { import: false }
      )
    )
    const [multi, legacy, single] = isi.status?.images ?? []
    expect(multi?.status).toMatchObject({
      reason: 'NotFound',
      message: `dockerimage.image.openshift.io "${reg.host}/team/app@${broken}" not found`,
    })
    expect(legacy?.status.status).toBe('Success')
    expect(single?.status.status).toBe('Success')
  })

  it('refuses registries outside allowedRegistriesForImport without a request or a tag', async () => {
    const reg = await fakeRegistry({ v1: image(1) })
    const d = deps({ settings: { allowedRegistriesForImport: [{ domainName: 'quay.io' }] } })
    const isi = await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    expect(isi.status?.images?.[0]?.status).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message: `forbidden: importing images from registry "${reg.host}" is forbidden: registry "${reg.host}" not allowed by whitelist: "quay.io:443"`,
    })
    expect(reg.upstream.requests).toHaveLength(0)
    expect((await getStream(d, 'app'))?.spec.tags ?? []).toEqual([])
  })

  it('reports an unparsable name as Invalid', async () => {
    const isi = await createImageStreamImport(deps(), NS, {
      metadata: { name: 'app' },
      spec: {
        import: false,
        images: [{ from: { kind: 'DockerImage', name: '*' }, to: { name: 'x' } }],
      },
    })
    expect(isi.status?.images?.[0]?.status.reason).toBe('InternalError')
  })
})

describe('createImageStreamImport: de-duplication', () => {
  it('fetches identical requests once and configs once per digest', async () => {
    const reg = await fakeRegistry({ v1: image(1), alias: image(1) })
    const d = deps()
    const isi = await createImageStreamImport(
      d,
      NS,
      req(
        'app',
        [
          { from: `${reg.host}/team/app:v1`, to: 'a' },
          { from: `${reg.host}/team/app:v1`, to: 'b' },
          { from: `${reg.host}/team/app:alias`, to: 'c' },
        ],
        { import: false }
      )
    )
    expect(isi.status?.images?.map((s) => s.image?.metadata.name)).toEqual(
      Array(3).fill(image(1).manifest.digest)
    )
    const config = image(1).config.digest
    expect(reg.gets().filter((p) => p.endsWith('/manifests/v1'))).toHaveLength(1)
    expect(reg.gets().filter((p) => p.endsWith(`/blobs/${config}`))).toHaveLength(1)
  })
})

describe('createImageStreamImport: credentials', () => {
  const good = `Basic ${Buffer.from('alice:good').toString('base64')}`
  function pullSecret(
    name: string,
    host: string,
    password: string
  ): Secret & { metadata: { name: string } } {
    const doc = { auths: { [host]: { auth: Buffer.from(`alice:${password}`).toString('base64') } } }
    return {
      metadata: { name, namespace: NS },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(doc)).toString('base64') },
    }
  }

  it('uses the namespace’s secrets only, skips excluded and malformed ones, logs no secret', async () => {
    const reg = await fakeRegistry({ v1: image(1) })
    reg.override = (_path, authorization) =>
      authorization === good
        ? undefined
        : errorResponse(401, 'UNAUTHORIZED', 'authentication required', {
            'www-authenticate': 'Basic realm="r"',
          })
    const lines: LogLine[] = []
    const store = new MemoryStore()
    const client = createRegistryClient({ retry: { attempts: 1 } })
    const d = deps({ store, client, logger: capturingLogger(lines) })
    await store.create('secrets', pullSecret('good', reg.host, 'good'))
    await store.create('secrets', {
      metadata: { name: 'broken', namespace: NS },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{not json').toString('base64') },
    })
    await store.create('secrets', {
      ...pullSecret('excluded', reg.host, 'good'),
      metadata: {
        name: 'excluded',
        namespace: 'other',
        annotations: { 'openshift.io/image.excludeSecret': 'true' },
      },
    })
    const ok = await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    expect(ok.status?.images?.[0]?.status.status).toBe('Success')
    expect(
      lines.some((l) => l.level === 'warn' && JSON.stringify(l.fields).includes('ns/broken'))
    ).toBe(true)
    expect(JSON.stringify(lines)).not.toContain(Buffer.from('alice:good').toString('base64'))

    // The same client, another namespace without secrets: the credential that just worked is not used.
    const other = await createImageStreamImport(
      d,
      'other',
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    expect(other.status?.images?.[0]?.status).toMatchObject({
      reason: 'Unauthorized',
      message: `you may not have access to the container image "${reg.host}/team/app:v1"`,
    })
  })

  it('a wrong secret does not hide a public image (OpenShift’s retry without secrets)', async () => {
    const reg = await fakeRegistry({ v1: image(1) })
    reg.override = (_path, authorization) =>
      authorization === undefined
        ? undefined
        : errorResponse(401, 'UNAUTHORIZED', 'incorrect username or password', {
            'www-authenticate': 'Basic realm="r"',
          })
    const d = deps()
    await d.store.create('secrets', pullSecret('wrong', reg.host, 'wrong'))
    const isi = await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }])
    )
    expect(isi.status?.images?.[0]?.status.status).toBe('Success')
  })

  it('reports "incorrect username or password" when nothing works', async () => {
    const reg = await fakeRegistry({ v1: image(1) })
    reg.override = () =>
      errorResponse(401, 'UNAUTHORIZED', 'incorrect username or password', {
        'www-authenticate': 'Basic realm="r"',
      })
    const d = deps()
    await d.store.create('secrets', pullSecret('wrong', reg.host, 'wrong'))
    const isi = await createImageStreamImport(
      d,
      NS,
      req('app', [{ from: `${reg.host}/team/app:v1`, to: 'v1' }], { import: false })
    )
    expect(isi.status?.images?.[0]?.status).toMatchObject({
      reason: 'Unauthorized',
      message: `incorrect username or password for image "${reg.host}/team/app:v1"`,
    })
  })
})
