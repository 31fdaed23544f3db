import { describe, expect, it } from 'vitest'
import type { Clock } from '../shared/clock.js'
import { TokenCache, tokenExpiry } from './token-cache.js'

function fakeClock(start: number): Clock & { advance(ms: number): void } {
  let now = start
  return {
    now: () => now,
    sleep: async () => {},
    advance: (ms) => {
      now += ms
    },
  }
}

const KEY = {
  realm: 'https://auth.example.com/token',
  service: 'registry.example.com',
  scopes: ['repository:b:pull', 'repository:a:pull'],
  credentialId: 'anonymous',
}

describe('tokenExpiry', () => {
  const now = Date.parse('2026-01-01T00:10:00Z')

  it('defaults to 60 s and never allows less', () => {
    expect(tokenExpiry({ now })).toBe(now + 60_000)
    expect(tokenExpiry({ now, expiresIn: 5 })).toBe(now + 60_000)
    expect(tokenExpiry({ now, expiresIn: '300' })).toBe(now + 60_000)
  })

  it('counts from issued_at', () => {
    expect(tokenExpiry({ now, expiresIn: 300, issuedAt: '2026-01-01T00:08:00Z' })).toBe(
      Date.parse('2026-01-01T00:13:00Z')
    )
  })

  it('ignores an issued_at in the future or unparseable', () => {
    expect(tokenExpiry({ now, expiresIn: 300, issuedAt: '2026-01-01T01:00:00Z' })).toBe(
      now + 300_000
    )
    expect(tokenExpiry({ now, expiresIn: 300, issuedAt: 'yesterday-ish' })).toBe(now + 300_000)
  })
})

describe('TokenCache', () => {
  it('serves a token until it expires, by the injected clock', () => {
    const clock = fakeClock(1_000_000)
    const cache = new TokenCache({ clock })
    cache.set(KEY, { token: 't1', expiresAt: tokenExpiry({ now: clock.now(), expiresIn: 60 }) })
    clock.advance(59_999)
    expect(cache.get(KEY)).toBe('t1')
    clock.advance(1)
    expect(cache.get(KEY)).toBeUndefined()
  })

  it('keys by sorted scopes and credential identity', () => {
    const cache = new TokenCache({ clock: fakeClock(0) })
    cache.set(KEY, { token: 't1', expiresAt: 100_000 })
    expect(cache.get({ ...KEY, scopes: ['repository:a:pull', 'repository:b:pull'] })).toBe('t1')
    expect(cache.get({ ...KEY, credentialId: 'cred-x' })).toBeUndefined()
    expect(cache.get({ ...KEY, service: 'other' })).toBeUndefined()
  })

  it('fetches once for concurrent callers and refetches after expiry', async () => {
    const clock = fakeClock(0)
    const cache = new TokenCache({ clock })
    let fetches = 0
    const fetch = async (): Promise<{ token: string; expiresAt: number }> => {
      fetches++
      await new Promise((r) => setTimeout(r, 10))
      return { token: `t${fetches}`, expiresAt: clock.now() + 60_000 }
    }
    const [a, b] = await Promise.all([cache.getOrFetch(KEY, fetch), cache.getOrFetch(KEY, fetch)])
    expect([a, b, fetches]).toEqual(['t1', 't1', 1])
    expect(await cache.getOrFetch(KEY, fetch)).toBe('t1')
    clock.advance(60_000)
    expect(await cache.getOrFetch(KEY, fetch)).toBe('t2')
  })

  it('does not cache a failed fetch', async () => {
    const cache = new TokenCache({ clock: fakeClock(0) })
    await expect(
      cache.getOrFetch(KEY, () => Promise.reject(new Error('token server down')))
    ).rejects.toThrow('token server down')
    expect(await cache.getOrFetch(KEY, async () => ({ token: 'ok', expiresAt: 60_000 }))).toBe('ok')
  })

  it('drops the oldest entries beyond maxEntries', () => {
    const cache = new TokenCache({ clock: fakeClock(0), maxEntries: 2 })
    for (const id of ['a', 'b', 'c'])
      cache.set({ ...KEY, credentialId: id }, { token: id, expiresAt: 1e9 })
    expect(cache.size).toBe(2)
    expect(cache.get({ ...KEY, credentialId: 'a' })).toBeUndefined()
    expect(cache.get({ ...KEY, credentialId: 'c' })).toBe('c')
  })
})
