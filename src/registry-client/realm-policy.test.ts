import { describe, expect, it } from 'vitest'
import { isRegistryError } from './errors.js'
import { checkRealm, isInternalHost } from './realm-policy.js'

describe('isInternalHost', () => {
  it.each([
    'localhost',
    'foo.localhost',
    '127.0.0.1',
    '127.9.9.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '[::1]',
    '[::]',
    '[fc00::1]',
    '[fd12:3456::1]',
    '[fe80::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:a9fe:a9fe]',
  ])('%s is internal', (host) => {
    expect(isInternalHost(host)).toBe(true)
  })

  it.each([
    'auth.docker.io',
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '[2001:db8::1]',
    'example.com',
  ])('%s is not internal', (host) => {
    expect(isInternalHost(host)).toBe(false)
  })

  it('sees through the decimal and hex IPv4 spellings WHATWG URL normalises', () => {
    expect(isInternalHost(new URL('http://2130706433/').hostname)).toBe(true)
    expect(isInternalHost(new URL('http://0x7f.1/').hostname)).toBe(true)
  })
})

describe('checkRealm', () => {
  const https = new URL('https://registry.example.com')
  const loopback = new URL('http://127.0.0.1:5000')

  const rejected = (f: () => unknown): string => {
    try {
      f()
    } catch (err) {
      expect(isRegistryError(err, 'REALM_REJECTED')).toBe(true)
      expect((err as { reason: string }).reason).toBe('Forbidden')
      return (err as Error).message
    }
    throw new Error('expected a rejection')
  }

  it('accepts an https realm on another public host (Docker Hub)', () => {
    expect(checkRealm({ realm: 'https://auth.docker.io/token', registryBase: https }).host).toBe(
      'auth.docker.io'
    )
  })

  it('requires https unless the registry is reached over http', () => {
    expect(
      rejected(() => checkRealm({ realm: 'http://auth.example.com/token', registryBase: https }))
    ).toMatch(/token realm host auth\.example\.com rejected: the realm must use https/)
    expect(checkRealm({ realm: 'http://127.0.0.1:6000/token', registryBase: loopback }).port).toBe(
      '6000'
    )
  })

  it('accepts an internal realm on the registry host, any port', () => {
    expect(
      checkRealm({ realm: 'http://127.0.0.1:9999/token', registryBase: loopback }).hostname
    ).toBe('127.0.0.1')
  })

  it('rejects internal realms on other hosts and names the host', () => {
    const msg = rejected(() =>
      checkRealm({ realm: 'http://127.0.0.2:9999/token', registryBase: loopback })
    )
    expect(msg).toContain('127.0.0.2:9999')
    expect(msg).toContain('no credentials were sent')
    rejected(() => checkRealm({ realm: 'https://169.254.169.254/latest', registryBase: https }))
    rejected(() => checkRealm({ realm: 'https://localhost/token', registryBase: https }))
    rejected(() => checkRealm({ realm: 'https://[::1]/token', registryBase: https }))
  })

  it('accepts allow-listed realm hosts by host or host:port', () => {
    const realm = 'http://127.0.0.2:9999/token'
    expect(() =>
      checkRealm({ realm, registryBase: loopback, allowedRealmHosts: ['127.0.0.2'] })
    ).not.toThrow()
    expect(() =>
      checkRealm({ realm, registryBase: loopback, allowedRealmHosts: ['127.0.0.2:9999'] })
    ).not.toThrow()
  })

  it('rejects malformed realms, other schemes and user info', () => {
    rejected(() => checkRealm({ realm: '/token', registryBase: https }))
    rejected(() => checkRealm({ realm: 'ftp://auth.example.com/token', registryBase: https }))
    rejected(() => checkRealm({ realm: 'https://u:p@auth.example.com/token', registryBase: https }))
  })
})
