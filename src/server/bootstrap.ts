import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isAppError, Reason } from '../shared/errors.js'
import type { Store } from '../store/store.js'

/** The secrets a data directory holds besides the database. */
export type DataDirSecrets = {
  /** The admin bearer token (all namespaces). */
  readonly adminToken: string
  /** HMAC key that signs service-account tokens. */
  readonly tokenSigningKey: Uint8Array
}

/**
 * Creates the data directory (mode 0700) and, on first start, the admin token and the token-signing key
 * (files of mode 0600). Later starts read the same files, so issued tokens stay valid across restarts.
 */
export async function ensureDataDir(dataDir: string): Promise<DataDirSecrets> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const adminToken = await readOrCreate(join(dataDir, 'admin.token'), () =>
    randomBytes(32).toString('base64url')
  )
  const key = await readOrCreate(join(dataDir, 'token-signing.key'), () =>
    randomBytes(32).toString('base64')
  )
  return { adminToken, tokenSigningKey: Buffer.from(key, 'base64') }
}

async function readOrCreate(path: string, make: () => string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim()
  const value = make()
  await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' })
  await chmod(path, 0o600)
  return value
}

/** Creates namespace `default` and its service account `default` when missing (first start). */
export async function ensureDefaultObjects(store: Store, now: () => Date): Promise<void> {
  const create = async (resource: string, obj: Record<string, unknown>): Promise<void> => {
    try {
      await store.create(resource, obj as { metadata: { name: string } })
    } catch (err) {
      // Created on an earlier start: that is the normal case after the first one.
      if (!isAppError(err, Reason.AlreadyExists)) throw err
    }
  }
  const creationTimestamp = now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
  await create('namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'default', creationTimestamp },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  })
  await create('serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: 'default', creationTimestamp },
  })
}
