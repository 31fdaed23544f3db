import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../../shared/errors.js'
import { parseRegistryKey, splitHostPort } from './registry-key.js'

describe('parseRegistryKey', () => {
  it.each([
    ['quay.io', 'quay.io', '', ''],
    ['https://quay.io', 'quay.io', '', ''],
    ['http://quay.io', 'quay.io', '', ''],
    ['HTTPS://Quay.IO/Team', 'quay.io/Team', '', '/Team'],
    ['https://index.docker.io/v1/', 'index.docker.io', '', ''],
    ['https://quay.io/v1/', 'quay.io', '', ''],
    ['https://fake2.registry.io/v2/', 'fake2.registry.io', '', ''],
    ['https://*.docker.io/v1/', '*.docker.io', '', ''],
    ['https://quay.io/v2/team', 'quay.io/team', '', '/team'],
    ['quay.io/', 'quay.io', '', ''],
    ['quay.io/team', 'quay.io/team', '', '/team'],
    ['quay.io/team/', 'quay.io/team/', '', '/team/'],
    ['127.0.0.1:5000/team', '127.0.0.1:5000/team', '5000', '/team'],
    ['myregistry.local:80', 'myregistry.local:80', '80', ''],
    ['https://*.docker.io/path:1111', '*.docker.io/path:1111', '', '/path:1111'],
    ['[::1]:5000/x', '[::1]:5000/x', '5000', '/x'],
    // beyond kubelet: the Docker Hub API URL without its trailing slash
    ['https://index.docker.io/v1', 'index.docker.io', '', ''],
    // ...but without a scheme, v1 is a namespace
    ['reg.io/v1', 'reg.io/v1', '', '/v1'],
  ])('normalises %s', (raw, canonical, port, path) => {
    const key = parseRegistryKey(raw)
    expect(key.canonical).toBe(canonical)
    expect(key.port).toBe(port)
    expect(key.path).toBe(path)
  })

  it.each([
    ['empty', ''],
    ['scheme only', 'https://'],
    ['bad port', 'quay.io:https'],
    ['other scheme', 'ftp://quay.io'],
    ['space', 'quay .io'],
    ['bare IPv6', '::1'],
    ['malformed glob', 'reg[.io'],
  ])('rejects %s', (_name, raw) => {
    expect(() => parseRegistryKey(raw)).toThrow(/key/)
  })

  it('rejects user info without quoting it', () => {
    let caught: unknown
    try {
      parseRegistryKey('https://alice:s3cret@quay.io')
    } catch (err) {
      caught = err
    }
    expect(isAppError(caught, Reason.Invalid)).toBe(true)
    expect((caught as Error).message).not.toContain('s3cret')
  })
})

describe('splitHostPort', () => {
  it.each([
    ['quay.io', { host: 'quay.io', port: '' }],
    ['quay.io:443', { host: 'quay.io', port: '443' }],
    ['[::1]', { host: '::1', port: '' }],
    ['[::1]:5000', { host: '::1', port: '5000' }],
    ['', { host: '', port: '' }],
    ['a:b', undefined],
    ['[::1', undefined],
    ['::1', undefined],
  ])('%s', (authority, want) => {
    expect(splitHostPort(authority)).toEqual(want)
  })
})
