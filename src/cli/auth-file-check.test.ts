import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { checkAuthFile } from './auth-file-check.js'
import { findDuplicateKeys } from './json-duplicate-keys.js'

const auth = (user: string, pass: string): string =>
  Buffer.from(`${user}:${pass}`).toString('base64')

describe('checkAuthFile', () => {
  it('accepts entries for a host and a path under it', () => {
    const text = JSON.stringify({
      auths: {
        'quay.io': { auth: auth('a', 'b'), email: 'a@example.com' },
        'quay.io/repository-main': { auth: auth('c', 'd') },
      },
    })
    expect(checkAuthFile(text, '/c.json', 'auths')).toEqual([])
  })

  it.each([
    ['{', '/c.json is not valid JSON'],
    ['[]', '/c.json is not a JSON object'],
    ['{"auths":[]}', '/c.json: "auths" is not a JSON object'],
    ['{"auths":{"quay.io":{"auth":"***"}}}', '/c.json: entry "quay.io": '],
    [
      `{"auths":{"quay.io":{"auth":"${auth('a', 'b')}"},"quay.io":{"auth":"${auth('c', 'd')}"}}}`,
      '/c.json: entry "quay.io" appears twice',
    ],
    [
      `{"auths":{"https://quay.io":{"auth":"${auth('a', 'b')}"},"quay.io":{"auth":"${auth('c', 'd')}"}}}`,
      '/c.json: entries "https://quay.io" and "quay.io" are for the same registry path "quay.io"; keep one',
    ],
    [`{"auths":{"user@quay.io":{"auth":"${auth('a', 'b')}"}}}`, '/c.json: a key has user info'],
  ])('rejects %s', (text, message) => {
    expect(() => checkAuthFile(text, '/c.json', 'auths')).toThrow(message)
  })

  it('never quotes a password', () => {
    let message = ''
    try {
      checkAuthFile('{"auths":{"quay.io":{"password":"hunter2"', '/c.json', 'auths')
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toBe('/c.json is not valid JSON')
  })

  it('warns about credential helpers and files without credentials', () => {
    expect(checkAuthFile('{"auths":{},"credsStore":"desktop"}', '/c.json', 'auths')).toEqual([
      expect.stringContaining('credential helpers are never run'),
      '/c.json holds no registry credentials',
    ])
  })
})

describe('findDuplicateKeys', () => {
  it('reports keys repeated in the same object only', () => {
    expect(
      findDuplicateKeys('{"a":{"x":1,"y":[{"x":2},{"x":3}]},"b":{"x":1},"a":2, "s":"\\"a\\""}')
    ).toEqual([{ path: '', key: 'a' }])
    expect(findDuplicateKeys('{"auths":{"h":{},"h":{}}}')).toEqual([{ path: 'auths', key: 'h' }])
  })
})
