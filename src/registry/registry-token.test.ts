import { describe, expect, it } from 'vitest'
import { mintRegistryToken, verifyRegistryToken } from './registry-token.js'

const key = new Uint8Array(32).fill(1)
const now = Date.parse('2026-05-01T00:00:00Z')
const access = [{ type: 'repository', name: 'team/app', actions: ['pull'] }]
const mint = (o: Partial<Parameters<typeof mintRegistryToken>[0]> = {}) =>
  mintRegistryToken({
    key,
    service: 'reg:5000',
    identity: { kind: 'serviceaccount', namespace: 'team', name: 'b' },
    access,
    now,
    ttlSeconds: 300,
    ...o,
  })

describe('registry tokens', () => {
  it('round-trips identity and grants', () => {
    expect(verifyRegistryToken(mint(), { key, service: 'reg:5000', now })).toEqual({
      kind: 'valid',
      identity: { kind: 'serviceaccount', namespace: 'team', name: 'b' },
      access,
    })
  })

  it('carries no identity for anonymous tokens', () => {
    const v = verifyRegistryToken(mint({ identity: undefined }), { key, service: 'reg:5000', now })
    expect(v).toMatchObject({ kind: 'valid', identity: undefined })
  })

  it.each([
    ['another key', { key: new Uint8Array(32).fill(2), service: 'reg:5000', now }],
    ['another audience', { key, service: 'other:5000', now }],
    ['expiry (beyond the leeway)', { key, service: 'reg:5000', now: now + 361_000 }],
    ['not before (beyond the leeway)', { key, service: 'reg:5000', now: now - 61_000 }],
  ])('refuses %s', (_what, o) => {
    expect(verifyRegistryToken(mint(), o).kind).toBe('invalid')
  })

  it('refuses tampered claims', () => {
    const [h, , s] = mint().split('.')
    const claims = Buffer.from(
      JSON.stringify({ iss: 'imagestreams-registry', aud: 'reg:5000', identity: { kind: 'admin' } })
    ).toString('base64url')
    expect(verifyRegistryToken(`${h}.${claims}.${s}`, { key, service: 'reg:5000', now }).kind).toBe(
      'invalid'
    )
  })

  it('leaves tokens that are not ours to the API authenticator', () => {
    for (const t of [
      'opaque-api-token',
      'a.b.c',
      `${Buffer.from('{"kid":"x"}').toString('base64url')}.e30.x`,
    ]) {
      expect(verifyRegistryToken(t, { key, service: 'reg:5000', now }).kind).toBe('foreign')
    }
  })
})
