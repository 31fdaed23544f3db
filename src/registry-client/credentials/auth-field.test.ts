import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../../shared/errors.js'
import { decodeAuthField } from './auth-field.js'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

describe('decodeAuthField', () => {
  it.each([
    ['padded', b64('user:pass1'), 'user', 'pass1'],
    ['unpadded', b64('user:pass1').replace(/=+$/, ''), 'user', 'pass1'],
    ['split at the first colon', b64('user:pa:ss'), 'user', 'pa:ss'],
    ['empty password', b64('user:'), 'user', ''],
    ['trailing NULs trimmed', b64('user:pass\0\0'), 'user', 'pass'],
    ['inner NUL kept', b64('user:pa\0ss'), 'user', 'pa\0ss'],
    ['UTF-8', b64('jörg:pässword'), 'jörg', 'pässword'],
    // Kubernetes keyring_test vector: `foo:bar`.
    ['kubelet vector', 'Zm9vOmJhcg==', 'foo', 'bar'],
  ])('decodes %s', (_name, auth, username, password) => {
    expect(decodeAuthField(auth)).toEqual({ username, password })
  })

  it.each([
    ['not base64', 'not base64!', 'auth field is not valid base64 of UTF-8 text'],
    ['no colon', b64('userpassword'), 'auth field is not base64 of "username:password"'],
    ['empty username', b64(':s3cret'), 'auth field has an empty username'],
    ['not UTF-8', Buffer.from([0x75, 0x3a, 0xff]).toString('base64'), 'not valid base64'],
  ])('rejects %s without echoing the field', (_name, auth, message) => {
    let caught: unknown
    try {
      decodeAuthField(auth)
    } catch (err) {
      caught = err
    }
    expect(isAppError(caught, Reason.Invalid)).toBe(true)
    const text = (caught as Error).message
    expect(text).toContain(message)
    expect(text).not.toContain(auth)
    expect(text).not.toMatch(/s3cret|password$/)
  })
})
