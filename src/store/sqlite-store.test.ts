import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import { createAesGcmEncryption, loadOrCreateKey } from './secret-encryption.js'
import { SqliteStore } from './sqlite-store.js'
import { describeStoreContract } from './store.contract.js'
import type { StoredObject } from './store.js'

describeStoreContract('SqliteStore', async (o) => {
  const dir = await mkdtemp(join(tmpdir(), 'imagestreams-store-'))
  const store = await SqliteStore.open({ path: join(dir, 'store.db'), ...o })
  return {
    store,
    cleanup: async () => {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

const IS = 'imagestreams'
const key = (name: string, namespace = 'ns1') => ({ resource: IS, namespace, name })
const stream = (name: string, spec: Record<string, unknown> = {}): StoredObject => ({
  metadata: { name, namespace: 'ns1' },
  spec,
})

describe('SqliteStore', () => {
  let dir: string
  let path: string
  const open: SqliteStore[] = []
  const openStore = async (o: Partial<Parameters<typeof SqliteStore.open>[0]> = {}) => {
    const s = await SqliteStore.open({ path, ...o })
    open.push(s)
    return s
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imagestreams-store-'))
    path = join(dir, 'data', 'store.db')
  })
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps objects, revisions and history across a reopen', async () => {
    const s1 = await openStore()
    const a = await s1.create(IS, stream('a', { n: 1 }))
    await s1.update(IS, { ...a, spec: { n: 2 } })
    await s1.create(IS, stream('b'))
    await s1.create(IS, stream('c'))
    await s1.delete(key('b'))
    const page = await s1.list({ resource: IS, limit: 1 })
    await s1.close()

    const s2 = await openStore()
    expect(await s2.currentResourceVersion()).toBe('5')
    expect((await s2.get(key('a')))?.spec).toEqual({ n: 2 })
    expect(await s2.get(key('b'))).toBeUndefined()
    // Revisions continue: a resourceVersion is never handed out twice.
    expect((await s2.create(IS, stream('d'))).metadata.resourceVersion).toBe('6')
    const rest = await s2.list({ resource: IS, continue: page.continue ?? '' })
    expect(rest.items.map((o) => o.metadata.name)).toEqual(['c'])
    const c = new AbortController()
    const events: string[] = []
    for await (const e of s2.watch({ resource: IS, resourceVersion: '0', signal: c.signal })) {
      events.push(`${e.type} ${e.object.metadata.name}`)
      if (events.length === 6) c.abort()
    }
    expect(events).toEqual(['ADDED a', 'MODIFIED a', 'ADDED b', 'ADDED c', 'DELETED b', 'ADDED d'])
  })

  it('keeps only historyRetention events', async () => {
    const s = await openStore({ historyRetention: 5 })
    for (let i = 0; i < 20; i++) await s.create(IS, stream(`s${i}`))
    await s.close()
    const db = new Database(path, { readonly: true })
    try {
      expect(
        db.prepare('SELECT min(rv) AS lo, max(rv) AS hi, count(*) AS n FROM events').get()
      ).toEqual({
        lo: 16,
        hi: 20,
        n: 5,
      })
      expect(db.prepare('SELECT revision, compacted FROM state').get()).toEqual({
        revision: 20,
        compacted: 15,
      })
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: 1 })
    } finally {
      db.close()
    }
  })

  it('refuses a second open of a file that is in use', async () => {
    await openStore()
    const err = await SqliteStore.open({ path }).catch((e: unknown) => e)
    expect(isAppError(err, Reason.InternalError)).toBe(true)
    expect((err as Error).message).toMatch(/is in use by another process/)
  })

  it('refuses a file written by a newer schema version', async () => {
    await (await openStore()).close()
    const db = new Database(path)
    db.prepare('UPDATE schema_version SET version = 99').run()
    db.close()
    await expect(SqliteStore.open({ path })).rejects.toThrow(/schema version 99/)
  })

  describe('secret encryption', () => {
    const password = 'Hunter2-pa55-XYZZY'
    const auth = Buffer.from(`robot:${password}`).toString('base64')
    const dockerConfig = JSON.stringify({
      auths: { 'quay.io': { username: 'robot', password, auth } },
    })
    const secret: StoredObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pull', namespace: 'ns1' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(dockerConfig).toString('base64') },
      stringData: { password },
    }
    const secretKey = { resource: 'secrets', namespace: 'ns1', name: 'pull' }
    const needles = [
      password,
      Buffer.from(password).toString('base64'),
      auth,
      Buffer.from(dockerConfig).toString('base64'),
    ]
    const rawBytes = async (): Promise<Buffer> => {
      const files = [path, `${path}-wal`, `${path}-shm`, `${path}-journal`].filter((f) =>
        existsSync(f)
      )
      return Buffer.concat(await Promise.all(files.map((f) => readFile(f))))
    }
    const encryption = async () => createAesGcmEncryption({ keys: [await loadOrCreateKey(dir)] })

    it('leaves no credential in the raw database files', async () => {
      const s = await openStore({ encryption: await encryption() })
      const created = await s.create('secrets', secret)
      await s.update('secrets', {
        ...created,
        metadata: { ...created.metadata, labels: { x: 'y' } },
      })
      await s.create(IS, stream('control', { marker: 'PLAINTEXT-CONTROL-MARKER' }))
      await s.create('secrets', { ...secret, metadata: { name: 'pull2', namespace: 'ns1' } })
      await s.delete({ resource: 'secrets', namespace: 'ns1', name: 'pull2' })
      for (const when of ['while open', 'after close']) {
        const raw = await rawBytes()
        // NB: the control proves the search would find plain text.
        expect(raw.includes('PLAINTEXT-CONTROL-MARKER'), when).toBe(true)
        expect(raw.includes('k8s:enc:aesgcm:v1:key1:'), when).toBe(true)
        for (const needle of needles) expect(raw.includes(needle), `${when}: ${needle}`).toBe(false)
        await s.close()
      }
    })

    it('reads secrets back through get, list and watch history', async () => {
      const s = await openStore({ encryption: await encryption() })
      const created = await s.create('secrets', secret)
      expect(await s.get(secretKey)).toEqual(created)
      expect((await s.list({ resource: 'secrets' })).items).toEqual([created])
      const c = new AbortController()
      for await (const e of s.watch({
        resource: 'secrets',
        resourceVersion: '0',
        signal: c.signal,
      })) {
        expect(e.object).toEqual(created)
        c.abort()
      }
    })

    it('fails with InternalError, not plain text, under a wrong key or no key', async () => {
      const s1 = await openStore({ encryption: await encryption() })
      await s1.create('secrets', secret)
      await s1.create(IS, stream('a'))
      await s1.close()

      const wrong = createAesGcmEncryption({ keys: [{ name: 'key1', secret: randomBytes(32) }] })
      const s2 = await openStore({ encryption: wrong })
      expect(await s2.get(key('a'))).toBeDefined()
      const e1 = await s2.get(secretKey).catch((e: unknown) => e)
      expect(isAppError(e1, Reason.InternalError)).toBe(true)
      expect((e1 as Error).message).toBe(
        'decrypting secrets/ns1/pull with key "key1" failed: wrong encryption key or corrupted data'
      )
      await expect(s2.list({ resource: 'secrets' })).rejects.toSatisfy((e) =>
        isAppError(e, Reason.InternalError)
      )
      await s2.close()

      const s3 = await openStore()
      await expect(s3.get(secretKey)).rejects.toThrow(
        'store: secrets/ns1/pull is encrypted but no secret encryption key is configured'
      )
    })

    it('encrypts plain-text secrets when encryption is turned on', async () => {
      const s1 = await openStore()
      const created = await s1.create('secrets', secret)
      await s1.close()
      expect((await rawBytes()).includes(password)).toBe(true)

      const s2 = await openStore({ encryption: await encryption() })
      expect(await s2.get(secretKey)).toEqual(created)
      await s2.close()
      const db = new Database(path, { readonly: true })
      try {
        const types = db
          .prepare(
            `SELECT typeof(data) AS t FROM objects WHERE resource = 'secrets'
             UNION ALL SELECT typeof(data) FROM events WHERE resource = 'secrets'`
          )
          .all()
        expect(types).toEqual([{ t: 'blob' }, { t: 'blob' }])
      } finally {
        db.close()
      }
    })
  })

  describe('crash safety', () => {
    // The writer child runs the real SqliteStore, compiled once into a temp dir.
    let build: string
    beforeAll(async () => {
      build = await mkdtemp(join(tmpdir(), 'imagestreams-store-build-'))
      const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
      const tsc = join(
        dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
        'bin/tsc'
      )
      await promisify(execFile)(
        process.execPath,
        [
          tsc,
          '--ignoreConfig',
          '--outDir',
          join(build, 'out'),
          '--rootDir',
          join(root, 'src'),
          '--module',
          'nodenext',
          '--target',
          'es2023',
          '--types',
          'node',
          '--skipLibCheck',
          join(root, 'src/store/sqlite-store.ts'),
        ],
        { cwd: root, timeout: 60_000 }
      )
      // Let the compiled code resolve better-sqlite3 from the project.
      await symlink(join(root, 'node_modules'), join(build, 'node_modules'), 'dir')
      await writeFile(join(build, 'writer.mjs'), WRITER)
    }, 90_000)
    afterAll(async () => {
      await rm(build, { recursive: true, force: true })
    })

    it('survives SIGKILL in the middle of writes with every committed write intact', async () => {
      for (let round = 0; round < 2; round++) {
        const acked = await runWriterUntilKilled(join(build, 'writer.mjs'), path, dir, 150)

        const raw = new Database(path)
        try {
          expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
        } finally {
          raw.close()
        }

        const s = await openStore({
          encryption: createAesGcmEncryption({ keys: [await loadOrCreateKey(dir)] }),
          historyRetention: 100,
        })
        const counter = await s.get<StoredObject & { value: number }>({
          resource: 'counters',
          namespace: 'ns1',
          name: 'c',
        })
        const value = counter?.value ?? -1
        // Acknowledged (printed after commit) writes are never lost.
        expect(value).toBeGreaterThanOrEqual(acked)
        const items = (await s.list({ resource: 'secrets', namespace: 'ns1' })).items
        // The child writes the counter, then item-<counter>: the kill may fall between the two.
        expect([value, value - 1]).toContain(items.length)
        const byName = new Map(items.map((i) => [i.metadata.name, i]))
        for (let i = 1; i <= items.length; i++) {
          expect(byName.get(`item-${i}`)).toMatchObject({ value: i, pad: 'x'.repeat(1000) })
        }
        // One revision per committed write: the create of the counter, its updates, the items.
        const revision = Number(await s.currentResourceVersion())
        expect(revision).toBe(1 + value + items.length)
        expect(counter?.metadata.resourceVersion).toBe(
          String(value === items.length ? revision - 1 : revision)
        )
        // The retained history is contiguous up to the last commit.
        const c = new AbortController()
        let expected = revision - 100
        for await (const e of s.watch({
          resource: 'secrets',
          resourceVersion: String(revision - 100),
          signal: c.signal,
        })) {
          expect(Number(e.object.metadata.resourceVersion)).toBeGreaterThan(expected)
          expected = Number(e.object.metadata.resourceVersion)
          if (expected >= revision - 1) c.abort()
        }
        await s.close()
      }
    }, 60_000)
  })
})

/** The child: opens the store and writes until it is killed, printing each committed counter. */
const WRITER = `
import { SqliteStore } from './out/store/sqlite-store.js'
import { createAesGcmEncryption, loadOrCreateKey } from './out/store/secret-encryption.js'
const [path, keyDir] = process.argv.slice(2)
const encryption = createAesGcmEncryption({ keys: [await loadOrCreateKey(keyDir)] })
const store = await SqliteStore.open({ path, encryption, historyRetention: 100 })
const key = { resource: 'counters', namespace: 'ns1', name: 'c' }
if ((await store.get(key)) === undefined) {
  await store.create('counters', { metadata: { name: 'c', namespace: 'ns1' }, value: 0 })
}
const start = await store.get(key)
// Finish an item the previous run may have left out.
if ((await store.get({ resource: 'secrets', namespace: 'ns1', name: 'item-' + start.value })) === undefined && start.value > 0) {
  await store.create('secrets', { metadata: { name: 'item-' + start.value, namespace: 'ns1' }, value: start.value, pad: 'x'.repeat(1000) })
}
for (;;) {
  const c = await store.guaranteedUpdate(key, (cur) => ({ ...cur, value: cur.value + 1 }))
  await store.create('secrets', { metadata: { name: 'item-' + c.value, namespace: 'ns1' }, value: c.value, pad: 'x'.repeat(1000) })
  process.stdout.write(c.value + '\\n')
}
`

/** Runs the writer until it has acknowledged `atLeast` commits, kills it with SIGKILL, returns the last acknowledged counter. */
async function runWriterUntilKilled(
  script: string,
  path: string,
  keyDir: string,
  atLeast: number
): Promise<number> {
  const child = spawn(process.execPath, [script, path, keyDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  let first: number | undefined
  let last = 0
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      last = Number(line)
      first ??= last
      if (last - first + 1 >= atLeast) {
        child.kill('SIGKILL')
        break
      }
    }
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  if (first === undefined) throw new Error(`writer printed nothing; stderr: ${stderr}`)
  expect(child.signalCode).toBe('SIGKILL')
  return last
}
