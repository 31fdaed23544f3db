import { Buffer } from 'node:buffer'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import type { ImageStreamImport } from '../api/image/v1/types.js'
import type { Status } from '../api/meta.js'
import { qualifiedResource, resourceForPlural } from '../api/scheme.js'
import { executeProgram } from './execute.js'
import type { CliIo } from './io.js'
import { createProgram, registerApiCommands } from './program.js'

// Every API command against a small in-memory Kubernetes-style REST server on 127.0.0.1 (the real
// server is exercised by test/integration/cli-commands.test.ts).

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> }
type Recorded = {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
  contentType: string
}

const TOKEN = 'test-token'
const NOW = Date.parse('2026-09-01T12:00:00Z')

class FakeApi {
  readonly objects = new Map<string, Obj>()
  readonly requests: Recorded[] = []
  onImport: (isi: ImageStreamImport) => ImageStreamImport = (isi) => isi
  #server: Server | undefined
  url = ''
  #rv = 1

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      void this.#handle(req, res)
    })
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server?.close(() => resolve()))
  }

  reset(): void {
    this.objects.clear()
    this.requests.length = 0
    this.onImport = (isi) => isi
    this.put('namespaces', '', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'default' },
      status: { phase: 'Active' },
    })
    this.put('namespaces', '', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo' },
      status: { phase: 'Active' },
    })
    this.put('serviceaccounts', 'demo', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default' },
    })
  }

  put(plural: string, ns: string, obj: Obj): void {
    const name = String(obj.metadata.name)
    obj.metadata = {
      creationTimestamp: '2026-09-01T11:58:00Z',
      uid: `uid-${name}`,
      resourceVersion: String(this.#rv++),
      ...obj.metadata,
      ...(ns === '' ? {} : { namespace: ns }),
    }
    this.objects.set(`${plural}|${ns}|${name}`, obj)
  }

  get(plural: string, ns: string, name: string): Obj | undefined {
    return this.objects.get(`${plural}|${ns}|${name}`)
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    let text = ''
    for await (const chunk of req) text += chunk
    const body: unknown = text === '' ? undefined : JSON.parse(text)
    const method = req.method ?? 'GET'
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      contentType: req.headers['content-type'] ?? '',
    })
    const send = (code: number, value: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    const fail = (code: number, reason: string, message: string): void =>
      send(code, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code,
        reason,
        message,
      } satisfies Status)
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return fail(401, 'Unauthorized', 'Unauthorized')
    const segs = url.pathname
      .replace(/^\/api\/v1\/|^\/apis\/[^/]+\/v1\//, '')
      .split('/')
      .map(decodeURIComponent)
    let ns = ''
    let rest = segs
    if (segs[0] === 'namespaces' && segs.length >= 3) {
      ns = segs[1] ?? ''
      rest = segs.slice(2)
    }
    const [plural = '', name, sub] = rest
    const info = resourceForPlural(plural)
    if (info === undefined)
      return fail(404, 'NotFound', 'the server could not find the requested resource')
    const key = `${plural}|${ns}|${name ?? ''}`
    const notFound = (): void =>
      fail(404, 'NotFound', `${qualifiedResource(info)} "${name}" not found`)
    if (method === 'GET' && name === undefined) {
      const items = [...this.objects.entries()]
        .filter(
          ([k]) => k.startsWith(`${plural}|`) && (ns === '' || k.startsWith(`${plural}|${ns}|`))
        )
        .map(([, v]) => v)
      return send(200, {
        kind: `${info.kind}List`,
        apiVersion: 'v1',
        metadata: { resourceVersion: '99' },
        items,
      })
    }
    if (method === 'GET')
      return this.objects.has(key) ? send(200, this.objects.get(key)) : notFound()
    if (method === 'POST' && sub === 'token') {
      return send(201, {
        kind: 'TokenRequest',
        status: { token: `token-for-${name}`, expirationTimestamp: '2026-09-01T13:00:00Z' },
      })
    }
    if (method === 'POST' && plural === 'imagestreamimports')
      return send(201, this.onImport(body as ImageStreamImport))
    if (method === 'POST') {
      const obj = body as Obj
      const n = String(obj.metadata.name)
      if (this.objects.has(`${plural}|${ns}|${n}`)) {
        return fail(409, 'AlreadyExists', `${qualifiedResource(info)} "${n}" already exists`)
      }
      if (url.searchParams.get('dryRun') !== 'All') this.put(plural, ns, obj)
      return send(201, this.get(plural, ns, n) ?? obj)
    }
    if (method === 'PUT') {
      if (!this.objects.has(key)) return notFound()
      this.put(plural, ns, body as Obj)
      return send(200, this.objects.get(key))
    }
    if (method === 'PATCH') {
      const current = this.objects.get(key)
      if (current === undefined) return notFound()
      const merged = mergePatch(current, body) as Obj
      this.objects.set(key, merged)
      return send(200, merged)
    }
    if (method === 'DELETE') {
      if (!this.objects.delete(key)) return notFound()
      return send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' })
    }
    return fail(405, 'MethodNotAllowed', 'method not allowed')
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as object) }
      : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

const api = new FakeApi()
let dir: string
let kubeconfig: string

type Run = { code: number; stdout: string; stderr: string }
async function isctl(argv: string[], extra: Partial<CliIo> = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: { HOME: dir },
    readFile: (p) => readFile(p, 'utf8'),
    writeFile: (p, t) => writeFile(p, t),
    now: () => NOW,
    ...extra,
  }
  const program = createProgram(io)
  registerApiCommands(program, io)
  const code = await executeProgram(program, ['--kubeconfig', kubeconfig, ...argv], io)
  return { code, stdout, stderr }
}

function writeKubeconfig(namespace = 'demo'): void {
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${api.url}
users:
- name: admin
  user:
    token: ${TOKEN}
contexts:
- name: fake
  context:
    cluster: fake
    user: admin
    namespace: ${namespace}
current-context: fake
`
  )
}

const b64 = (s: string): string => Buffer.from(s).toString('base64')
const last = (method: string): Recorded | undefined =>
  api.requests.filter((r) => r.method === method).at(-1)

beforeAll(async () => {
  await api.start()
  dir = mkdtempSync(join(tmpdir(), 'isctl-unit-'))
  kubeconfig = join(dir, 'kubeconfig')
})
afterAll(async () => {
  await api.stop()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => {
  api.reset()
  writeKubeconfig()
})

describe('global flags and connection', () => {
  it('uses -n over the context namespace, before or after the command', async () => {
    await isctl(['get', 'is', '-n', 'other'])
    expect(last('GET')?.path).toBe('/apis/image.openshift.io/v1/namespaces/other/imagestreams')
    await isctl(['-n', 'x', 'get', 'sa'])
    expect(last('GET')?.path).toBe('/api/v1/namespaces/x/serviceaccounts')
    await isctl(['get', 'sa'])
    expect(last('GET')?.path).toBe('/api/v1/namespaces/demo/serviceaccounts')
  })

  it('prints kubectl messages for a bad token and a refused connection', async () => {
    expect(await isctl(['get', 'is', '--token', 'wrong'])).toMatchObject({
      code: 1,
      stderr: 'error: You must be logged in to the server (Unauthorized)\n',
    })
    const r = await isctl(['get', 'is', '--server', 'http://127.0.0.1:1'])
    expect(r).toMatchObject({
      code: 1,
      stderr:
        'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n',
    })
  })

  it('refuses a bad --request-timeout and a missing --kubeconfig as usage errors', async () => {
    expect(await isctl(['get', 'is', '--request-timeout', 'soon'])).toMatchObject({ code: 2 })
    const r = await isctl(['--kubeconfig', join(dir, 'nope'), 'get', 'is'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: stat .*nope: /)
  })
})

describe('namespaces and projects', () => {
  it('creates a namespace', async () => {
    expect(await isctl(['create', 'namespace', 'team-a'])).toEqual({
      code: 0,
      stdout: 'namespace/team-a created\n',
      stderr: '',
    })
    expect(await isctl(['create', 'ns', 'team-a'])).toMatchObject({
      code: 1,
      stderr: 'Error from server (AlreadyExists): namespaces "team-a" already exists\n',
    })
  })

  it('new-project creates the namespace and switches the kubeconfig to it', async () => {
    const r = await isctl(['new-project', 'web'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^Now using project "web" on server "${api.url}".\n\n`))
    expect(parseYaml(readFileSync(kubeconfig, 'utf8')).contexts[0].context.namespace).toBe('web')
    expect(await isctl(['project'])).toMatchObject({
      stdout: `Using project "web" on server "${api.url}".\n`,
    })
  })

  it('project switches, reports no change, and refuses unknown projects', async () => {
    expect((await isctl(['project', 'default'])).stdout).toBe(
      `Now using project "default" on server "${api.url}".\n`
    )
    expect((await isctl(['project', 'default'])).stdout).toBe(
      `Already on project "default" on server "${api.url}".\n`
    )
    expect((await isctl(['project', '-q'])).stdout).toBe('default\n')
    expect(await isctl(['project', 'nope'])).toMatchObject({
      code: 1,
      stderr: `error: A project named "nope" does not exist on "${api.url}".\n`,
    })
  })
})

describe('secrets and service accounts', () => {
  it('creates a pull secret from a Docker config.json with two entries for the same host', async () => {
    const file = join(dir, 'config.json')
    writeFileSync(
      file,
      JSON.stringify({
        auths: {
          '127.0.0.1:5000': { auth: b64('alice:pw'), email: 'a@example.com' },
          '127.0.0.1:5000/team': { auth: b64('bob:pw2') },
        },
      })
    )
    const r = await isctl([
      'create',
      'secret',
      'generic',
      'pull',
      `--from-file=.dockerconfigjson=${file}`,
      '--type=kubernetes.io/dockerconfigjson',
    ])
    expect(r).toEqual({ code: 0, stdout: 'secret/pull created\n', stderr: '' })
    const s = api.get('secrets', 'demo', 'pull')
    expect(s?.type).toBe('kubernetes.io/dockerconfigjson')
    expect(
      Buffer.from(
        String((s?.data as Record<string, string> | undefined)?.['.dockerconfigjson']),
        'base64'
      ).toString()
    ).toBe(readFileSync(file, 'utf8'))
  })

  it('names the Podman key after the file', async () => {
    const file = join(dir, 'auth.json')
    writeFileSync(file, JSON.stringify({ auths: { 'quay.io': { auth: b64('a:b') } } }))
    const r = await isctl([
      'create',
      'secret',
      'generic',
      'pod',
      `--from-file=${file}`,
      '--type=kubernetes.io/podmanconfigjson',
    ])
    expect(r.code).toBe(0)
    expect(Object.keys((api.get('secrets', 'demo', 'pod')?.data ?? {}) as object)).toEqual([
      'auth.json',
    ])
  })

  it('rejects broken credential files before sending anything', async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, '{"auths":{"quay.io":{"auth":"%%%"}}}')
    const r = await isctl([
      'create',
      'secret',
      'generic',
      'bad',
      `--from-file=.dockerconfigjson=${file}`,
      '--type=kubernetes.io/dockerconfigjson',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`^error: ${file}: entry "quay.io": `))
    expect(api.requests.some((q) => q.method === 'POST')).toBe(false)

    const wrongKey = await isctl([
      'create',
      'secret',
      'generic',
      'bad',
      `--from-file=${file}`,
      '--type=kubernetes.io/dockerconfigjson',
    ])
    expect(wrongKey).toMatchObject({
      code: 2,
      stderr:
        'error: a secret of type kubernetes.io/dockerconfigjson needs the key .dockerconfigjson (got bad.json): use --from-file=.dockerconfigjson=PATH\n',
    })
  })

  it('creates a docker-registry secret from flags and prints it with --dry-run=client -o yaml', async () => {
    const r = await isctl([
      'create',
      'secret',
      'docker-registry',
      'quay',
      '--docker-server=quay.io',
      '--docker-username=me',
      '--docker-password=pw',
      '--docker-email=me@example.com',
      '--dry-run=client',
      '-o',
      'yaml',
    ])
    expect(r.code).toBe(0)
    const doc = parseYaml(r.stdout)
    expect(doc.type).toBe('kubernetes.io/dockerconfigjson')
    expect(JSON.parse(Buffer.from(doc.data['.dockerconfigjson'], 'base64').toString())).toEqual({
      auths: {
        'quay.io': { username: 'me', password: 'pw', email: 'me@example.com', auth: b64('me:pw') },
      },
    })
    expect(api.get('secrets', 'demo', 'quay')).toBeUndefined()
    expect(
      await isctl(['create', 'secret', 'docker-registry', 'x', '--docker-username=me'])
    ).toMatchObject({
      code: 2,
      stderr:
        'error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n',
    })
  })

  it('links and unlinks secrets with oc messages', async () => {
    api.put('secrets', 'demo', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pull' },
      type: 'Opaque',
    })
    expect(await isctl(['secrets', 'link', 'default', 'pull', '--for=pull,mount'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    })
    expect(api.get('serviceaccounts', 'demo', 'default')).toMatchObject({
      secrets: [{ name: 'pull' }],
      imagePullSecrets: [{ name: 'pull' }],
    })
    expect(await isctl(['secrets', 'link', 'sa/default', 'missing', '--for=pull'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'secret "missing" not found\nerror: Some secrets could not be linked\n',
    })
    expect(await isctl(['secrets', 'link', 'default', 'pull', '--for=push'])).toMatchObject({
      code: 2,
      stderr: 'error: unknown for: push\n',
    })
    expect(await isctl(['secrets', 'unlink', 'default', 'pull'])).toMatchObject({ code: 0 })
    expect(api.get('serviceaccounts', 'demo', 'default')).toMatchObject({
      secrets: [],
      imagePullSecrets: [],
    })
    expect(await isctl(['secrets', 'unlink', 'default', 'pull'])).toMatchObject({
      code: 1,
      stderr: 'error: No valid secrets found or secrets not linked to service account\n',
    })
    expect(await isctl(['secrets', 'link', 'default'])).toMatchObject({
      code: 2,
      stderr: 'error: must have service account name and at least one secret name\n',
    })
  })

  it('creates a service account and a token for it', async () => {
    expect((await isctl(['create', 'serviceaccount', 'builder'])).stdout).toBe(
      'serviceaccount/builder created\n'
    )
    expect(await isctl(['create', 'token', 'builder', '--duration=1h'])).toEqual({
      code: 0,
      stdout: 'token-for-builder\n',
      stderr: '',
    })
    expect(last('POST')).toMatchObject({
      path: '/api/v1/namespaces/demo/serviceaccounts/builder/token',
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: [], expirationSeconds: 3600 },
      },
    })
  })
})

describe('get, describe, apply, create -f, delete', () => {
  const stream = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'app' },
    spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: 'quay.io/org/app:v1' } }] },
    status: {
      dockerImageRepository: '127.0.0.1:8443/demo/app',
      tags: [
        {
          tag: 'v1',
          items: [
            {
              created: '2026-09-01T11:59:00Z',
              dockerImageReference: 'quay.io/org/app@sha256:1',
              image: 'sha256:1',
              generation: 1,
            },
          ],
        },
      ],
    },
  }

  it('prints oc tables, names, json and jsonpath', async () => {
    api.put('imagestreams', 'demo', structuredClone(stream))
    expect((await isctl(['get', 'is'])).stdout).toBe(
      'NAME   IMAGE REPOSITORY          TAGS   UPDATED\napp    127.0.0.1:8443/demo/app   v1     About a minute ago\n'
    )
    expect((await isctl(['get', 'imagestream/app', '-o', 'name'])).stdout).toBe(
      'imagestream.image.openshift.io/app\n'
    )
    expect(JSON.parse((await isctl(['get', 'is', 'app', '-o', 'json'])).stdout).metadata.name).toBe(
      'app'
    )
    expect(JSON.parse((await isctl(['get', 'is', '-o', 'json'])).stdout)).toMatchObject({
      kind: 'List',
      items: [{ kind: 'ImageStream' }],
    })
    expect(
      (await isctl(['get', 'is', '-o', 'jsonpath={.items[*].spec.tags[*].from.name}'])).stdout
    ).toBe('quay.io/org/app:v1')
    expect((await isctl(['get', 'ns'])).stdout).toBe(
      'NAME      STATUS   AGE\ndefault   Active   2m\ndemo      Active   2m\n'
    )
    expect((await isctl(['get', 'is', '-A'])).stdout).toMatch(
      /^NAMESPACE {3}NAME {3}IMAGE REPOSITORY/
    )
  })

  it('reports missing objects and empty lists like kubectl', async () => {
    expect(await isctl(['get', 'is', 'nope'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): imagestreams.image.openshift.io "nope" not found\n',
    })
    expect(await isctl(['get', 'is'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No resources found in demo namespace.\n',
    })
    expect(await isctl(['get', 'widgets'])).toMatchObject({
      code: 2,
      stderr: 'error: the server doesn\'t have a resource type "widgets"\n',
    })
    expect(await isctl(['get', 'is', '-o', 'xml'])).toMatchObject({ code: 2 })
  })

  it('describes streams and secrets', async () => {
    api.put('imagestreams', 'demo', structuredClone(stream))
    api.put('secrets', 'demo', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      type: 'Opaque',
      data: { k: b64('secret-value') },
    })
    const is = await isctl(['describe', 'is', 'app'])
    expect(is.stdout).toMatch(/^Name:\t\t\tapp\nNamespace:\t\tdemo\nCreated:\t\t2 minutes ago\n/)
    expect(is.stdout).toContain(
      'v1\n  tagged from quay.io/org/app:v1\n\n  * quay.io/org/app@sha256:1\n      About a minute ago\n'
    )
    const s = await isctl(['describe', 'secret', 's'])
    expect(s.stdout).toContain('k:  12 bytes\n')
    expect(s.stdout).not.toContain('secret-value')
    expect(await isctl(['describe', 'istag', 'app'])).toMatchObject({
      code: 1,
      stderr: 'error: expected exactly one : delimiter in the istag "app"\n',
    })
  })

  it('applies: created, unchanged, configured, keeping the last-applied annotation', async () => {
    const file = join(dir, 'stream.yaml')
    writeFileSync(
      file,
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\n  labels: {a: "1"}\nspec: {}\n'
    )
    expect((await isctl(['apply', '-f', file])).stdout).toBe(
      'imagestream.image.openshift.io/web created\n'
    )
    const created = api.get('imagestreams', 'demo', 'web')
    const annotation = (created?.metadata.annotations as Record<string, string> | undefined)?.[
      'kubectl.kubernetes.io/last-applied-configuration'
    ]
    expect(JSON.parse(annotation ?? '')).toEqual({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { labels: { a: '1' }, name: 'web', namespace: 'demo' },
      spec: {},
    })
    expect(last('POST')?.query.get('fieldManager')).toBe('kubectl-client-side-apply')
    expect((await isctl(['apply', '-f', file])).stdout).toBe(
      'imagestream.image.openshift.io/web unchanged\n'
    )
    writeFileSync(
      file,
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\nspec: {}\n'
    )
    expect((await isctl(['apply', '-f', file])).stdout).toBe(
      'imagestream.image.openshift.io/web configured\n'
    )
    expect(last('PATCH')).toMatchObject({
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: null } },
    })
    expect(api.get('imagestreams', 'demo', 'web')?.metadata.labels).toBeUndefined()
  })

  it('creates from multi-document and List files, reporting conflicts with the file name', async () => {
    const file = join(dir, 'objs.yaml')
    writeFileSync(
      file,
      `apiVersion: v1
kind: ServiceAccount
metadata: {name: one}
---
apiVersion: v1
kind: List
items:
- apiVersion: image.openshift.io/v1
  kind: ImageStream
  metadata: {name: two}
  spec: {}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: default}
`
    )
    expect(await isctl(['create', '-f', file])).toEqual({
      code: 1,
      stdout: 'serviceaccount/one created\nimagestream.image.openshift.io/two created\n',
      stderr: `Error from server (AlreadyExists): error when creating "${file}": serviceaccounts "default" already exists\n`,
    })
    const piped = await isctl(['apply', '-f', '-'], {
      readStdin: async () => 'apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n',
    })
    expect(piped).toMatchObject({
      code: 2,
      stderr:
        'error: resource mapping not found for name: "w" namespace: "" from "-": no matches for kind "Widget" in version "v1"\n',
    })
  })

  it('deletes by name and by file', async () => {
    api.put('imagestreams', 'demo', structuredClone(stream))
    expect(await isctl(['delete', 'is', 'app', 'gone'])).toEqual({
      code: 1,
      stdout: 'imagestream.image.openshift.io "app" deleted\n',
      stderr: 'Error from server (NotFound): imagestreams.image.openshift.io "gone" not found\n',
    })
    const file = join(dir, 'sa.yaml')
    writeFileSync(file, 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default}\n')
    expect((await isctl(['delete', '-f', file])).stdout).toBe('serviceaccount "default" deleted\n')
  })
})

describe('import-image', () => {
  const image = {
    metadata: { name: 'sha256:list' },
    dockerImageReference: 'reg/team/multi@sha256:list',
    dockerImageMetadata: {},
    dockerImageManifests: [
      { digest: 'sha256:c1', mediaType: 'm', manifestSize: 1, architecture: 'amd64', os: 'linux' },
    ],
  }

  it('refuses bad flags with oc messages (usage errors exit 2)', async () => {
    expect(
      await isctl(['import-image', 'app', '--from=reg/a', '--confirm', '--import-mode=Both'])
    ).toMatchObject({
      code: 2,
      stderr: 'error: valid ImportMode values are Legacy or PreserveOriginal\n',
    })
    expect(await isctl(['import-image', 'app', '--reference-policy=remote'])).toMatchObject({
      code: 2,
      stderr: 'error: valid reference policy values are source or local\n',
    })
    expect(await isctl(['import-image'])).toMatchObject({
      code: 2,
      stderr: 'error: you must specify the name of an image stream\n',
    })
    expect(await isctl(['import-image', 'app:v1', '--all'])).toMatchObject({
      code: 2,
      stderr: 'error: cannot specify a tag "app:v1" as well as --all\n',
    })
    expect(await isctl(['import-image', 'app', '--from=reg/a'])).toMatchObject({
      code: 1,
      stderr: 'error: no image stream named "app" exists, pass --confirm to create and import\n',
    })
  })

  it('posts the ImageStreamImport and prints the result', async () => {
    api.onImport = (isi) => ({
      ...isi,
      status: { images: [{ tag: 'latest', status: { status: 'Success' }, image }] },
    })
    const r = await isctl([
      'import-image',
      'multi',
      '--from=reg/team/multi:oci',
      '--confirm',
      '--import-mode=PreserveOriginal',
      '--reference-policy=local',
      '--scheduled=true',
      '--insecure=true',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^imagestream.image.openshift.io\/multi imported\n\nImage Name:\tmulti:latest\n/
    )
    expect(r.stdout).toContain('Arch:\t\t<none>\nManifests:\tlinux/amd64\tsha256:c1\n')
    expect(last('POST')).toMatchObject({
      path: '/apis/image.openshift.io/v1/namespaces/demo/imagestreamimports',
      body: {
        kind: 'ImageStreamImport',
        metadata: { name: 'multi', namespace: 'demo' },
        spec: {
          import: true,
          images: [
            {
              from: { kind: 'DockerImage', name: 'reg/team/multi:oci' },
              to: { name: 'latest' },
              importPolicy: { insecure: true, scheduled: true, importMode: 'PreserveOriginal' },
              referencePolicy: { type: 'Local' },
            },
          ],
        },
      },
    })
  })

  it('prints failed tags on stderr and exits 1', async () => {
    api.onImport = (isi) => ({
      ...isi,
      status: {
        images: [
          {
            tag: 'latest',
            status: {
              status: 'Failure',
              reason: 'Unauthorized',
              message: 'you may not have access to the container image "reg/x:1"',
            },
          },
        ],
      },
    })
    expect(await isctl(['import-image', 'x', '--from=reg/x:1', '--confirm'])).toEqual({
      code: 1,
      stdout: 'imagestream.image.openshift.io/x imported with errors\n\n\n',
      stderr:
        'error: tag latest failed: you may not have access to the container image "reg/x:1"\nerror: imported completed with errors\n',
    })
  })

  it('shows progress for --all only on a terminal', async () => {
    api.onImport = (isi) => ({
      ...isi,
      status: { repository: { status: { status: 'Success' }, images: [] } },
    })
    const tty = await isctl(['import-image', 'all', '--from=reg/team/app', '--all', '--confirm'], {
      isTTY: true,
    })
    expect(tty.stderr).toContain('importing all tags of reg/team/app')
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true)
    const piped = await isctl(['import-image', 'all2', '--from=reg/team/app', '--all', '--confirm'])
    expect(piped.stderr).toBe('')
    expect(last('POST')?.body).toMatchObject({
      spec: { repository: { from: { kind: 'DockerImage', name: 'reg/team/app' } } },
    })
  })
})

describe('tag', () => {
  beforeEach(() => {
    api.put('imagestreams', 'demo', {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app' },
      spec: {},
      status: {
        tags: [
          {
            tag: 'v1',
            items: [
              {
                created: null,
                dockerImageReference: 'r/a@sha256:1',
                image: `sha256:${'1'.repeat(64)}`,
                generation: 1,
              },
            ],
          },
        ],
      },
    })
  })

  it('tags a container image, creating the tag when it does not exist', async () => {
    const r = await isctl([
      'tag',
      '--source=docker',
      'quay.io/org/app:1',
      'app:tip',
      '--import-mode=PreserveOriginal',
    ])
    expect(r).toEqual({ code: 0, stdout: 'Tag app:tip set to quay.io/org/app:1.\n', stderr: '' })
    expect(api.requests.map((q) => q.method)).toEqual(['PUT', 'POST'])
    expect(last('POST')?.body).toMatchObject({
      metadata: { name: 'app:tip' },
      tag: {
        from: { kind: 'DockerImage', name: 'quay.io/org/app:1' },
        generation: 0,
        importPolicy: { importMode: 'PreserveOriginal' },
      },
    })
  })

  it('resolves an image stream tag source to its current image', async () => {
    const r = await isctl(['tag', 'app:v1', 'app:stable'])
    expect(r.stdout).toBe(`Tag app:stable set to app@sha256:${'1'.repeat(64)}.\n`)
    expect(last('POST')?.body).toMatchObject({
      tag: { from: { kind: 'ImageStreamImage', name: `app@sha256:${'1'.repeat(64)}` } },
    })
    expect(await isctl(['tag', 'app:none', 'app:x'])).toMatchObject({
      code: 1,
      stderr:
        'error: "app:none" is not currently pointing to an image, cannot use it as the source of a tag\n',
    })
  })

  it('deletes tags and enforces the flag rules', async () => {
    expect(await isctl(['tag', '-d', 'app:v1'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('NotFound'),
    })
    api.put('imagestreamtags', 'demo', {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamTag',
      metadata: { name: 'app:v1' },
      tag: null,
    })
    expect(await isctl(['tag', 'app:v1', '-d'])).toEqual({
      code: 0,
      stdout: 'Deleted tag demo/app:v1.\n',
      stderr: '',
    })
    expect(await isctl(['tag', 'app:v1', 'app:x', '--scheduled'])).toMatchObject({
      code: 2,
      stderr: 'error: only container images can have importing flags set\n',
    })
    expect(await isctl(['tag', 'app:v1', 'other:x', '--alias'])).toMatchObject({
      code: 2,
      stderr: 'error: cannot set alias across different Image Streams\n',
    })
    expect(await isctl(['tag', 'app:v1', '-d', '--import-mode=Legacy'])).toMatchObject({
      code: 2,
      stderr: 'error: cannot specify an import mode when deleting\n',
    })
    expect(await isctl(['tag', 'quay.io/a:1', 'app:x', '--import-mode=legacy'])).toMatchObject({
      code: 2,
      stderr: 'error: valid ImportMode values are Legacy or PreserveOriginal\n',
    })
    expect(await isctl(['tag', 'quay.io/a:1'])).toMatchObject({
      code: 2,
      stderr:
        'error: you must specify a source and at least one destination or one or more tags to delete\n',
    })
  })
})

describe('help and completion', () => {
  it('has examples in the help of every command', async () => {
    const io: CliIo = {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      readFile: async () => '',
    }
    const program = createProgram(io)
    registerApiCommands(program, io)
    const leaves: string[][] = []
    const walk = (c: typeof program, path: string[]): void => {
      if (path.length > 0) leaves.push(path)
      for (const s of c.commands) walk(s, [...path, s.name()])
    }
    walk(program, [])
    expect(leaves.length).toBeGreaterThan(15)
    for (const path of leaves) {
      const r = await isctl([...path, '--help'])
      expect(r.code, path.join(' ')).toBe(0)
      expect(r.stdout, path.join(' ')).toContain('Examples:\n  ')
    }
  })

  it('prints bash and zsh completion', async () => {
    const bash = await isctl(['completion', 'bash'])
    expect(bash.stdout).toContain('complete -o default -F _isctl isctl')
    expect(bash.stdout).toContain('" import-image") words=""; flags="--from --confirm --all')
    expect((await isctl(['completion', 'zsh'])).stdout).toMatch(/^#compdef isctl\n/)
    expect(await isctl(['completion', 'fish'])).toMatchObject({
      code: 2,
      stderr: 'error: Unsupported shell type "fish".\n',
    })
  })
})
