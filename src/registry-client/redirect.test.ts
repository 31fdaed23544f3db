import { describe, expect, it } from 'vitest'
import { isRedirectStatus, MAX_REDIRECTS, nextRedirectUrl } from './redirect.js'

const from = new URL('https://registry.example/v2/a/blobs/sha256:x')

describe('nextRedirectUrl', () => {
  it('resolves relative Locations and drops user info', () => {
    expect(nextRedirectUrl({ method: 'GET', from, location: '/cdn/blob', hops: 0 }).href).toBe(
      'https://registry.example/cdn/blob'
    )
    expect(
      nextRedirectUrl({ method: 'GET', from, location: 'https://u:p@cdn.example/b#frag', hops: 0 })
        .href
    ).toBe('https://cdn.example/b')
  })

  it('refuses https→http downgrades but allows http→https', () => {
    expect(() =>
      nextRedirectUrl({ method: 'GET', from, location: 'http://cdn.example/b', hops: 0 })
    ).toThrow('refusing redirect from https to http')
    const plain = new URL('http://registry.example/v2/')
    expect(
      nextRedirectUrl({ method: 'GET', from: plain, location: 'https://cdn.example/b', hops: 0 })
        .protocol
    ).toBe('https:')
  })

  it('refuses other schemes, a missing Location and too many hops', () => {
    expect(() =>
      nextRedirectUrl({ method: 'GET', from, location: 'file:///etc/passwd', hops: 0 })
    ).toThrow('unsupported scheme')
    expect(() => nextRedirectUrl({ method: 'GET', from, location: undefined, hops: 0 })).toThrow(
      'without a Location'
    )
    expect(() =>
      nextRedirectUrl({ method: 'GET', from, location: '/x', hops: MAX_REDIRECTS })
    ).toThrow(`stopped after ${MAX_REDIRECTS} redirects`)
  })

  it('knows the redirect statuses', () => {
    expect([301, 302, 303, 307, 308].every(isRedirectStatus)).toBe(true)
    expect([200, 304, 305, 404].some(isRedirectStatus)).toBe(false)
  })
})
