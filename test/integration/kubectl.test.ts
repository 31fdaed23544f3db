import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import type { ImageStream } from '../../src/api/image/v1/types.js'
import { createApiApp } from '../../src/apiserver/app.js'
import { createTokenAuthority } from '../../src/apiserver/token-authority.js'
import { systemClock } from '../../src/shared/clock.js'
import { noopLogger } from '../../src/shared/log.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { createTlsCert } from '../support/certs.js'

// kubectl (the real binary) against the API served over TLS on 127.0.0.1 with a kubeconfig like the one
// `isctl serve` writes. The stream file is applied unchanged; nothing is imported (the importer is a stub
// that records calls), so the registries it names are never contacted.

const KUBECTL = '/usr/bin/kubectl'
const FIXTURE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'openshift-library',
  'nodejs-centos.json'
)
const ADMIN = 'kubectl-test-admin-token'
const HAVE_KUBECTL = existsSync(KUBECTL)

type Run = { code: number; stdout: string; stderr: string }

describe.skipIf(!HAVE_KUBECTL)(
  `kubectl against the API${HAVE_KUBECTL ? '' : ' (skipped: /usr/bin/kubectl is not installed)'}`,
  () => {
    const store = new MemoryStore()
    const importerCalls: string[] = []
    let dir = ''
    let server: ReturnType<typeof serve>
    let host = ''
    let env: Record<string, string> = {}

    function kubectl(...args: string[]): Promise<Run> {
      return new Promise((resolve) => {
        execFile(
          KUBECTL,
          args,
          { env: { ...process.env, ...env }, timeout: 30_000 },
          (err, stdout, stderr) => {
            const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1
            resolve({ code, stdout, stderr })
          }
        )
      })
    }

    async function ok(...args: string[]): Promise<string> {
      const r = await kubectl(...args)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      return r.stdout
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kubectl-api-'))
      const cert = await createTlsCert({ dir })
      const app = createApiApp({
        store,
        importer: async (namespace, isi) => {
          importerCalls.push(`${namespace}/${isi.metadata.name ?? ''}`)
          return isi
        },
        tokens: createTokenAuthority({
          key: new Uint8Array(32).fill(5),
          clock: systemClock,
          store,
        }),
        adminToken: ADMIN,
        clock: systemClock,
        logger: noopLogger,
        settings: { defaultImportMode: 'Legacy', registryHostname: 'registry.test:5000' },
      })
      server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve(
          {
            fetch: app.fetch,
            hostname: '127.0.0.1',
            port: 0,
            createServer,
            serverOptions: { cert: cert.certPem, key: cert.keyPem },
          },
          () => resolve(s)
        )
      })
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`
      const kubeconfig = join(dir, 'kubeconfig')
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- name: imagestreams',
          '  cluster:',
          `    server: https://${host}`,
          `    certificate-authority-data: ${Buffer.from(cert.certPem).toString('base64')}`,
          'users:',
          '- name: admin',
          '  user:',
          `    token: ${ADMIN}`,
          'contexts:',
          '- name: imagestreams',
          '  context: {cluster: imagestreams, user: admin, namespace: default}',
          'current-context: imagestreams',
          '',
        ].join('\n')
      )
      // HOME holds kubectl's discovery and OpenAPI caches: keep them per test run.
      env = { KUBECONFIG: kubeconfig, HOME: dir }
      const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }
      for (const name of ['default', 'other']) {
        const res = await app.request('/api/v1/namespaces', {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ metadata: { name } }),
        })
        expect(res.status).toBe(201)
      }
    })

    afterAll(async () => {
      // Watches never end by themselves: cut open connections.
      ;(server as unknown as { closeAllConnections?: () => void })?.closeAllConnections?.()
      await new Promise<void>((resolve) =>
        server === undefined ? resolve() : server.close(() => resolve())
      )
      await store.close()
      if (dir !== '') rmSync(dir, { recursive: true, force: true })
    })

    it('gets an empty list of image streams', async () => {
      const r = await kubectl('get', 'imagestreams')
      expect(r.code).toBe(0)
      expect(r.stderr.trim()).toBe('No resources found in default namespace.')
    })

    it('applies a real OpenShift stream file, then applies it again', async () => {
      expect(await ok('apply', '-f', FIXTURE)).toBe(
        'imagestream.image.openshift.io/nodejs created\n'
      )
      expect(await ok('apply', '-f', FIXTURE)).toBe(
        'imagestream.image.openshift.io/nodejs configured\n'
      )
    })

    it('gets is with the oc columns, and the object back with -o yaml', async () => {
      const table = await ok('get', 'is')
      const [header, row] = table.trimEnd().split('\n')
      expect(header?.split(/\s{2,}/)).toEqual(['NAME', 'IMAGE REPOSITORY', 'TAGS', 'UPDATED'])
      expect(row?.split(/\s+/)).toEqual(['nodejs', 'registry.test:5000/default/nodejs'])
      const yaml = parseYaml(await ok('get', 'is', 'nodejs', '-o', 'yaml')) as ImageStream
      const file = JSON.parse(await readFile(FIXTURE, 'utf8')) as ImageStream
      expect(yaml.metadata.generation).toBe(1)
      expect(yaml.spec.tags?.map((t) => t.name)).toEqual(file.spec.tags?.map((t) => t.name))
      for (const [i, tag] of (yaml.spec.tags ?? []).entries()) {
        const want = file.spec.tags?.[i]
        expect(tag.from).toEqual(want?.from)
        expect(tag.annotations).toEqual(want?.annotations)
        expect(tag.referencePolicy).toEqual(want?.referencePolicy)
        expect(tag.importPolicy).toEqual({ importMode: 'Legacy' })
        expect(tag.generation).toBe(1)
      }
      expect(
        yaml.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']
      ).toContain('"nodejs"')
    })

    it('gets istag rows once a tag has an image', async () => {
      const digest = `sha256:${'a'.repeat(64)}`
      await store.guaranteedUpdate<ImageStream & { metadata: { name: string } }>(
        { resource: 'imagestreams', namespace: 'default', name: 'nodejs' },
        (s) => {
          s.status = {
            ...s.status,
            tags: [
              {
                tag: '22-ubi9',
                items: [
                  {
                    created: new Date(Date.now() - 3 * 60_000).toISOString(),
                    dockerImageReference: `registry.access.redhat.com/ubi9/nodejs-22@${digest}`,
                    image: digest,
                    generation: 1,
                  },
                ],
              },
            ],
          }
          return s
        }
      )
      const istags = (await ok('get', 'istag')).trimEnd().split('\n')
      expect(istags[0]?.split(/\s{2,}/)).toEqual(['NAME', 'IMAGE REFERENCE', 'UPDATED'])
      // referencePolicy Local: the pull spec goes through our registry.
      expect(istags[1]?.split(/\s{2,}/)).toEqual([
        'nodejs:22-ubi9',
        `registry.test:5000/default/nodejs@${digest}`,
        '3 minutes ago',
      ])
      const streams = (await ok('get', 'is')).trimEnd().split('\n')
      expect(streams[1]?.split(/\s{2,}/)).toEqual([
        'nodejs',
        'registry.test:5000/default/nodejs',
        '22-ubi9',
        '3 minutes ago',
      ])
    })

    it('creates secrets and tokens and shows secrets with -o yaml', async () => {
      expect(
        await ok(
          'create',
          'secret',
          'docker-registry',
          'pull',
          '--docker-server=quay.io',
          '--docker-username=u',
          '--docker-password=p'
        )
      ).toBe('secret/pull created\n')
      const list = parseYaml(await ok('get', 'secrets', '-o', 'yaml')) as {
        items: { metadata: { name: string }; type: string; data: Record<string, string> }[]
      }
      expect(list.items).toHaveLength(1)
      expect(list.items[0]?.type).toBe('kubernetes.io/dockerconfigjson')
      const config = JSON.parse(
        Buffer.from(list.items[0]?.data['.dockerconfigjson'] ?? '', 'base64').toString()
      )
      expect(config.auths['quay.io']).toMatchObject({ username: 'u', password: 'p' })
      const token = (await ok('create', 'token', 'default')).trim()
      expect(token).toMatch(/^sa1\./)
      expect((await kubectl('--token', token, 'get', 'is')).code).toBe(0)
      const denied = await kubectl('--token', token, 'get', 'secrets', '-n', 'other')
      expect(denied.code).toBe(1)
      expect(denied.stderr.trim()).toBe(
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets" in API group "" in the namespace "other"'
      )
    })

    it('watches with get -w and deletes', async () => {
      const watch: ChildProcess = spawn(KUBECTL, ['get', 'is', '-w'], {
        env: { ...process.env, ...env },
      })
      let out = ''
      let err = ''
      watch.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString()
      })
      watch.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString()
      })
      const lines = async (n: number): Promise<void> => {
        const deadline = Date.now() + 15_000
        while (out.split('\n').filter((l) => l !== '').length < n) {
          if (Date.now() > deadline) throw new Error(`watch printed only:\n${out}\nstderr:\n${err}`)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
      try {
        await lines(2)
        expect(out.split('\n')[0]?.split(/\s{2,}/)).toEqual([
          'NAME',
          'IMAGE REPOSITORY',
          'TAGS',
          'UPDATED',
        ])
        expect(out.split('\n')[1]).toMatch(
          /^nodejs\s+registry\.test:5000\/default\/nodejs\s+22-ubi9/
        )
        expect(await ok('delete', 'is', 'nodejs')).toBe(
          'imagestream.image.openshift.io "nodejs" deleted\n'
        )
        await lines(3)
        expect(out.split('\n')[2]).toMatch(/^nodejs\s+registry\.test:5000\/default\/nodejs/)
      } finally {
        watch.kill('SIGTERM')
      }
      const gone = await kubectl('get', 'is', 'nodejs')
      expect(gone.code).toBe(1)
      expect(gone.stderr.trim()).toBe(
        'Error from server (NotFound): imagestreams.image.openshift.io "nodejs" not found'
      )
    })

    it('never imported anything', () => {
      expect(importerCalls).toEqual([])
    })
  }
)
