import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Image, ImageStream } from '../../api/image/v1/types.js'
import { fixtureDigest as d, fixtureImage, fixtureStream } from '../../prune/prune-fixtures.js'
import { createImagePruneHandler, IMAGE_PRUNES_PATH } from '../../prune/prune-handler.js'
import { type Clock, sleep } from '../../shared/clock.js'
import { httpStatusForReason, isAppError } from '../../shared/errors.js'
import { noopLogger } from '../../shared/log.js'
import { MemoryStore } from '../../store/memory-store.js'
import { executeProgram } from '../execute.js'
import type { CliIo } from '../io.js'
import { createProgram } from '../program.js'
import { registerAdmPrune } from './adm-prune-images.js'

// `isctl adm prune images` against the real handler, mounted on a bare node:http server on 127.0.0.1
// the way the API server mounts it (admin token only, JSON in, report or Status out).

const ADMIN = 'admin-token'
const NOW = Date.parse('2026-03-01T12:00:00Z')
const clock: Clock & { t: number } = { t: NOW - 7_200_000, now: () => clock.t, sleep }
let store: MemoryStore
let server: Server
let url = ''
let dir = ''
const bodies: unknown[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isctl-prune-'))
  const handler = () =>
    createImagePruneHandler({
      store,
      clock,
      logger: noopLogger,
      settleMs: 0,
      registryHostnames: () => ['registry.local:5000'],
    })
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        const send = (code: number, obj: unknown): void => {
          res.writeHead(code, { 'content-type': 'application/json' })
          res.end(JSON.stringify(obj))
        }
        if (req.method !== 'POST' || req.url !== IMAGE_PRUNES_PATH) return send(404, {})
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString() || '{}')
        bodies.push(body)
        try {
          const caller =
            token === ADMIN
              ? { kind: 'admin', user: 'system:admin' }
              : { kind: 'serviceaccount', user: 'system:serviceaccount:team:default' }
          const out = await handler()({ caller, body, signal: new AbortController().signal })
          send(out.status, out.body)
        } catch (err) {
          const reason = isAppError(err) ? err.reason : 'InternalError'
          const code = httpStatusForReason(reason)
          send(code, {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: (err as Error).message,
            reason,
            code,
          })
        }
      })()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((r) => server.close(r))
  rmSync(dir, { recursive: true, force: true })
})

const revisions = ['r0', 'r1', 'r2', 'r3', 'r4']
beforeEach(async () => {
  bodies.length = 0
  clock.t = NOW - 7_200_000
  store = new MemoryStore({ clock })
  for (const l of revisions) {
    await store.create('images', fixtureImage(l) as Image & { metadata: { name: string } })
  }
  await store.create(
    'imagestreams',
    fixtureStream('team', 'app', { latest: revisions.map((l) => ({ image: d(l) })) })
  )
  clock.t = NOW
})

async function isctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: {},
    readFile: (p) => readFile(p, 'utf8'),
    now: () => NOW,
  }
  const program = createProgram(io)
  registerAdmPrune(program, io)
  const code = await executeProgram(
    program,
    ['--server', url, '--token', ADMIN, 'adm', 'prune', 'images', ...args],
    io
  )
  return { code, stdout, stderr }
}

const history = async (): Promise<string[]> =>
  (
    (
      await store.get<ImageStream & { metadata: { name: string } }>({
        resource: 'imagestreams',
        namespace: 'team',
        name: 'app',
      })
    )?.status?.tags?.[0]?.items ?? []
  ).map((i) => i.image)

describe('isctl adm prune images', () => {
  it('is a dry run by default: oc message on stderr, the would-be deletions and summary on stdout', async () => {
    const r = await isctl('--keep-tag-revisions=2', '--keep-younger-than=0s')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe(
      'Dry run enabled - no modifications will be made. Add --confirm to remove images\nwarning: the integrated registry is not enabled: only API objects are pruned\n'
    )
    expect(r.stdout).toBe(
      [
        'Deleting 3 items from image stream team/app',
        ...[d('r2'), d('r3'), d('r4')].sort().map((x) => `Deleting image ${x}`),
        'Summary: deleted 3 image object(s), deleted 3 image stream tag item(s), updated 1 image stream(s)',
        '',
      ].join('\n')
    )
    expect(await history()).toHaveLength(5)
    expect(bodies[0]).toEqual({
      confirm: false,
      all: true,
      pruneRegistry: true,
      keepTagRevisions: 2,
      keepYoungerThanMs: 0,
    })
  })

  it('--confirm prunes', async () => {
    const r = await isctl('--confirm', '--keep-tag-revisions=2', '--keep-younger-than=0s')
    expect(r.code).toBe(0)
    expect(r.stderr).not.toContain('Dry run')
    expect(await history()).toEqual([d('r0'), d('r1')])
  })

  it('sends only the flags given, so the server applies its defaults', async () => {
    await isctl('--all=false', '--prune-registry=false', '-n', 'team')
    expect(bodies[0]).toEqual({
      confirm: false,
      all: false,
      pruneRegistry: false,
      keepTagRevisions: 3,
      keepYoungerThanMs: 3_600_000,
      namespace: 'team',
    })
  })

  it('prints the API-objects-only message with --prune-registry=false', async () => {
    const r = await isctl('--prune-registry=false')
    expect(r.stdout.split('\n')[0]).toBe(
      'Only API objects will be removed.  No modifications to the image registry will be made.'
    )
    expect(r.stdout).toMatch(/\nSummary: deleted 2 image object\(s\), .*\n$/)
  })

  it('reads --in-use-from (JSON and YAML) and keeps what workloads run', async () => {
    const json = join(dir, 'pods.json')
    writeFileSync(
      json,
      JSON.stringify({
        kind: 'List',
        items: [
          {
            kind: 'Pod',
            status: { phase: 'Running' },
            spec: { containers: [{ image: `registry.local:5000/team/app@${d('r3')}` }] },
          },
        ],
      })
    )
    const yaml = join(dir, 'deploy.yaml')
    writeFileSync(
      yaml,
      `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - image: quay.io/x/y@${d('r4')}\n`
    )
    const r = await isctl(
      '--confirm',
      '--keep-tag-revisions=1',
      '--keep-younger-than=0s',
      '--in-use-from',
      json,
      '--in-use-from',
      yaml
    )
    expect(r.code).toBe(0)
    expect(await history()).toEqual([d('r0'), d('r3'), d('r4')])
  })

  it.each([
    [
      ['--prune-over-size-limit', '--keep-tag-revisions=1'],
      1,
      'error: --prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than\n',
    ],
    [
      ['--keep-tag-revisions=-1'],
      1,
      'error: --keep-tag-revisions must be greater than or equal to 0\n',
    ],
    [['--keep-younger-than=soon'], 2, 'for "--keep-younger-than" flag'],
    [['extra'], 2, 'error: no arguments are allowed to this command\n'],
    [
      ['--in-use-from', '/nonexistent.json'],
      2,
      'error: the path "/nonexistent.json" does not exist\n',
    ],
  ])('refuses %j', async (args, code, message) => {
    const r = await isctl(...args)
    expect(r.code).toBe(code)
    expect(r.stderr).toContain(message)
    expect(bodies).toEqual([])
  })

  it('shows the server refusing a non-administrator', async () => {
    let stderr = ''
    const io: CliIo = {
      stdout: () => {},
      stderr: (t) => {
        stderr += t
      },
      env: {},
      readFile: (p) => readFile(p, 'utf8'),
    }
    const program = createProgram(io)
    registerAdmPrune(program, io)
    const code = await executeProgram(
      program,
      ['--server', url, '--token', 'sa', 'adm', 'prune', 'images', '--confirm'],
      io
    )
    expect(code).toBe(1)
    expect(stderr).toContain('cannot create resource "imageprunes"')
  })
})
