import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import {
  createAesGcmEncryption,
  ENVELOPE_PREFIX,
  isEncryptedEnvelope,
  KEY_FILE_NAME,
  loadOrCreateKey,
} from './secret-encryption.js'

const key1 = { name: 'key1', secret: randomBytes(32) }
const key2 = { name: 'key2', secret: randomBytes(32) }
const ctx = 'secrets/ns1/pull'
const internal = (e: unknown): boolean => isAppError(e, Reason.InternalError)

describe('createAesGcmEncryption', () => {
  const enc = createAesGcmEncryption({ keys: [key1] })
  const plain = Buffer.from('{"data":{"password":"hunter2"}}')

  it('seals into a Kubernetes aesgcm envelope and opens it again', () => {
    const sealed = enc.encrypt(plain, ctx)
    const header = `${ENVELOPE_PREFIX}key1:`
    expect(sealed.subarray(0, header.length).toString()).toBe('k8s:enc:aesgcm:v1:key1:')
    expect(sealed.length).toBe(header.length + 12 + plain.length + 16)
    expect(isEncryptedEnvelope(sealed)).toBe(true)
    expect(sealed.includes('hunter2')).toBe(false)
    expect(enc.decrypt(sealed, ctx)).toEqual(plain)
  })

  it('uses a fresh nonce every time', () => {
    expect(enc.encrypt(plain, ctx).equals(enc.encrypt(plain, ctx))).toBe(false)
  })

  it('rejects a wrong key, another context and altered data with InternalError', () => {
    const sealed = enc.encrypt(plain, ctx)
    const other = createAesGcmEncryption({ keys: [{ name: 'key1', secret: randomBytes(32) }] })
    expect(() => other.decrypt(sealed, ctx)).toThrow(/wrong encryption key or corrupted data/)
    expect(() => other.decrypt(sealed, ctx)).toThrow(expect.toSatisfy(internal))
    expect(() => enc.decrypt(sealed, 'secrets/ns1/other')).toThrow(expect.toSatisfy(internal))
    const altered = Buffer.from(sealed)
    altered[altered.length - 20] = (altered[altered.length - 20] ?? 0) ^ 1
    expect(() => enc.decrypt(altered, ctx)).toThrow(expect.toSatisfy(internal))
    expect(() => enc.decrypt(sealed.subarray(0, 40), ctx)).toThrow(/truncated/)
    expect(() => enc.decrypt(plain, ctx)).toThrow(/not an aesgcm envelope/)
  })

  it('names an unknown key in the error', () => {
    const sealed = createAesGcmEncryption({ keys: [key2] }).encrypt(plain, ctx)
    expect(() => enc.decrypt(sealed, ctx)).toThrow('no encryption key named "key2" is configured')
  })

  it('opens envelopes of every configured key and seals with the first (rotation)', () => {
    const old = enc.encrypt(plain, ctx)
    const rotated = createAesGcmEncryption({ keys: [key2, key1] })
    expect(rotated.decrypt(old, ctx)).toEqual(plain)
    expect(rotated.encrypt(plain, ctx).subarray(0, 23).toString()).toBe('k8s:enc:aesgcm:v1:key2:')
  })

  it('rejects unusable key configurations', () => {
    for (const keys of [
      [],
      [{ name: 'key1', secret: randomBytes(16) }],
      [{ name: 'a:b', secret: randomBytes(32) }],
      [key1, key1],
    ]) {
      expect(() => createAesGcmEncryption({ keys })).toThrow(expect.toSatisfy(internal))
    }
  })
})

describe('loadOrCreateKey', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imagestreams-key-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates a 0600 key file in a 0700 directory on first use and reuses it', async () => {
    const data = join(dir, 'data')
    const k = await loadOrCreateKey(data)
    expect(k.name).toBe('key1')
    expect(k.secret.byteLength).toBe(32)
    const file = join(data, KEY_FILE_NAME)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(data)).mode & 0o777).toBe(0o700)
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(
      Buffer.from(k.secret)
    )
    expect(Buffer.from((await loadOrCreateKey(data)).secret)).toEqual(Buffer.from(k.secret))
  })

  it('gives concurrent callers the same key and leaves no temporary files', async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, () => loadOrCreateKey(dir)))
    const distinct = new Set(keys.map((k) => Buffer.from(k.secret).toString('hex')))
    expect(distinct.size).toBe(1)
    expect(await readdir(dir)).toEqual([KEY_FILE_NAME])
  })

  it('refuses a key file other users can read', async () => {
    await loadOrCreateKey(dir)
    await chmod(join(dir, KEY_FILE_NAME), 0o644)
    await expect(loadOrCreateKey(dir)).rejects.toThrow(/mode 0644/)
  })

  it('refuses a key file without a 32-byte base64 key', async () => {
    await writeFile(join(dir, KEY_FILE_NAME), `${randomBytes(16).toString('base64')}\n`, {
      mode: 0o600,
    })
    await expect(loadOrCreateKey(dir)).rejects.toSatisfy(internal)
  })
})
