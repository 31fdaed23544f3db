import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, Reason } from '../shared/errors.js'

/**
 * The envelope prefix of the Kubernetes `aesgcm` encryption provider; the key name and a colon follow,
 * then the 12-byte nonce, the ciphertext and the 16-byte GCM tag.
 * https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 */
export const ENVELOPE_PREFIX = 'k8s:enc:aesgcm:v1:'

/** The name of the key file loadOrCreateKey keeps in the data directory. */
export const KEY_FILE_NAME = 'secret-encryption.key'

/** The name of the key loadOrCreateKey returns (as in the Kubernetes EncryptionConfiguration examples). */
export const DEFAULT_KEY_NAME = 'key1'

const KEY_BYTES = 32
const NONCE_BYTES = 12
const TAG_BYTES = 16
const KEY_NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** EncryptionKey is one named AES-256 key. */
export type EncryptionKey = {
  /** Written into every envelope, so that rotated keys can still open old data. */
  readonly name: string
  /** 32 random bytes. */
  readonly secret: Uint8Array
}

/**
 * SecretEncryption seals stored bytes. `context` (the storage key of the object) is authenticated
 * with the data, so a ciphertext copied to another object's row does not open.
 */
export type SecretEncryption = {
  /** Seals plaintext for context and returns the envelope. */
  encrypt(plaintext: Uint8Array, context: string): Buffer
  /**
   * Opens an envelope sealed for context. InternalError when the envelope is malformed, names an
   * unknown key, or does not authenticate (wrong key, altered data, other context); never returns
   * anything but the authenticated plaintext.
   */
  decrypt(envelope: Uint8Array, context: string): Buffer
}

/** Options of createAesGcmEncryption. */
export type AesGcmEncryptionOptions = {
  /** The first key seals; every key opens (for rotation). At least one. */
  readonly keys: readonly EncryptionKey[]
}

/** Reports whether data starts with the aesgcm envelope prefix. */
export function isEncryptedEnvelope(data: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    .subarray(0, ENVELOPE_PREFIX.length)
    .equals(Buffer.from(ENVELOPE_PREFIX))
}

/**
 * Creates AES-256-GCM encryption with random 96-bit nonces, in the Kubernetes aesgcm envelope format.
 * NB: random nonces bound the safe number of encryptions per key (NIST: 2^32); Kubernetes advises
 * rotating aesgcm keys long before, which the key list allows.
 */
export function createAesGcmEncryption(o: AesGcmEncryptionOptions): SecretEncryption {
  const primary = o.keys[0]
  if (primary === undefined) {
    throw new AppError(Reason.InternalError, 'secret encryption: no key configured')
  }
  const byName = new Map<string, Buffer>()
  for (const k of o.keys) {
    if (!KEY_NAME.test(k.name)) {
      throw new AppError(
        Reason.InternalError,
        `secret encryption: invalid key name ${JSON.stringify(k.name)}`
      )
    }
    if (k.secret.byteLength !== KEY_BYTES) {
      throw new AppError(
        Reason.InternalError,
        `secret encryption: key ${JSON.stringify(k.name)} is not 32 bytes`
      )
    }
    if (byName.has(k.name)) {
      throw new AppError(
        Reason.InternalError,
        `secret encryption: duplicate key name ${JSON.stringify(k.name)}`
      )
    }
    byName.set(k.name, Buffer.from(k.secret))
  }
  const primaryKey = byName.get(primary.name) ?? Buffer.alloc(0)
  const primaryHeader = Buffer.from(`${ENVELOPE_PREFIX}${primary.name}:`, 'ascii')

  return {
    encrypt(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES)
      const cipher = createCipheriv('aes-256-gcm', primaryKey, nonce, { authTagLength: TAG_BYTES })
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
      return Buffer.concat([primaryHeader, nonce, body, cipher.getAuthTag()])
    },

    decrypt(envelope, context) {
      const data = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength)
      if (!isEncryptedEnvelope(data)) {
        throw new AppError(Reason.InternalError, `decrypting ${context}: not an aesgcm envelope`)
      }
      const colon = data.indexOf(':', ENVELOPE_PREFIX.length)
      const name = colon < 0 ? '' : data.subarray(ENVELOPE_PREFIX.length, colon).toString('ascii')
      if (!KEY_NAME.test(name)) {
        throw new AppError(Reason.InternalError, `decrypting ${context}: malformed envelope`)
      }
      const key = byName.get(name)
      if (key === undefined) {
        throw new AppError(
          Reason.InternalError,
          `decrypting ${context}: no encryption key named ${JSON.stringify(name)} is configured`
        )
      }
      const rest = data.subarray(colon + 1)
      if (rest.length < NONCE_BYTES + TAG_BYTES) {
        throw new AppError(Reason.InternalError, `decrypting ${context}: envelope is truncated`)
      }
      const decipher = createDecipheriv('aes-256-gcm', key, rest.subarray(0, NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(rest.subarray(rest.length - TAG_BYTES))
      try {
        const body = rest.subarray(NONCE_BYTES, rest.length - TAG_BYTES)
        return Buffer.concat([decipher.update(body), decipher.final()])
      } catch (err) {
        throw new AppError(
          Reason.InternalError,
          `decrypting ${context} with key ${JSON.stringify(name)} failed: wrong encryption key or corrupted data`,
          { cause: err }
        )
      }
    },
  }
}

/**
 * Returns the key kept in `dir/secret-encryption.key` (base64 of 32 bytes), creating the directory
 * (mode 0700) and the file (mode 0600) with a random key on first use. Creation is atomic: concurrent
 * callers, in any process, end up with the same key. InternalError when the file is readable or
 * writable by other users, or does not hold a 32-byte key: the store must not run with a key it
 * cannot trust.
 */
export async function loadOrCreateKey(dir: string): Promise<EncryptionKey> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, KEY_FILE_NAME)
  const existing = await readKeyFile(path)
  if (existing !== undefined) return existing
  await createKeyFile(dir, path)
  const created = await readKeyFile(path)
  if (created === undefined) {
    throw new AppError(
      Reason.InternalError,
      `secret encryption key file ${path} vanished after creation`
    )
  }
  return created
}

async function readKeyFile(path: string): Promise<EncryptionKey | undefined> {
  let text: string
  try {
    const st = await stat(path)
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0')
      throw new AppError(
        Reason.InternalError,
        `secret encryption key file ${path} has mode ${mode}: it must not be accessible by other users (chmod 600)`
      )
    }
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined
    throw err
  }
  const b64 = text.trim()
  const secret = Buffer.from(b64, 'base64')
  if (secret.length !== KEY_BYTES || secret.toString('base64') !== b64) {
    throw new AppError(
      Reason.InternalError,
      `secret encryption key file ${path} does not hold a base64-encoded 32-byte key`
    )
  }
  return { name: DEFAULT_KEY_NAME, secret }
}

async function createKeyFile(dir: string, path: string): Promise<void> {
  // Write a temporary file, then link it into place: the key file appears complete or not at all,
  // and link (unlike rename) never replaces a key another process created meanwhile.
  const tmp = join(dir, `.${KEY_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const fh = await open(tmp, 'wx', 0o600)
  try {
    await fh.writeFile(`${randomBytes(KEY_BYTES).toString('base64')}\n`)
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await link(tmp, path)
  } catch (err) {
    // EEXIST: another caller created the key first; theirs is the key.
    if ((err as { code?: unknown }).code !== 'EEXIST') throw err
  } finally {
    await unlink(tmp)
  }
  await syncDir(dir)
}

async function syncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined
  try {
    fh = await open(dir, 'r')
    await fh.sync()
  } catch {
    // Some platforms cannot open or fsync a directory; the key file itself is already synced.
  } finally {
    await fh?.close()
  }
}
