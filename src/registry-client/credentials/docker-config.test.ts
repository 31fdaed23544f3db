import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../../shared/errors.js'
import { parseCredentialDocument } from './docker-config.js'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const SECRET = 's3cret-Pa55'

describe('parseCredentialDocument', () => {
  it.each([
    [
      'auth, padded',
      { 'quay.io': { auth: b64(`alice:${SECRET}`), email: 'a@example.com' } },
      { key: 'quay.io', username: 'alice', password: SECRET },
    ],
    [
      'auth, unpadded',
      { 'quay.io': { auth: b64('alice:pw1').replace(/=+$/, '') } },
      { key: 'quay.io', username: 'alice', password: 'pw1' },
    ],
    [
      'username and password',
      { 'ghcr.io': { username: 'u', password: 'p' } },
      { key: 'ghcr.io', username: 'u', password: 'p' },
    ],
    [
      'auth overrides username/password',
      { 'ghcr.io': { username: 'old', password: 'old', auth: b64('new:new') } },
      { key: 'ghcr.io', username: 'new', password: 'new' },
    ],
    [
      'empty auth leaves username/password',
      { 'ghcr.io': { username: 'u', password: 'p', auth: '' } },
      { key: 'ghcr.io', username: 'u', password: 'p' },
    ],
    [
      'identity token',
      {
        'registry.example.com:5000': {
          auth: b64('00000000-0000-0000-0000-000000000000:'),
          identitytoken: 'refresh-token',
        },
      },
      {
        key: 'registry.example.com:5000',
        username: '00000000-0000-0000-0000-000000000000',
        password: '',
        identityToken: 'refresh-token',
      },
    ],
    [
      'identity token alone',
      { 'example.org': { identitytoken: 'refresh-token' } },
      { key: 'example.org', identityToken: 'refresh-token' },
    ],
    [
      'registry token',
      { 'example.org': { registrytoken: 'bearer-token' } },
      { key: 'example.org', registryToken: 'bearer-token' },
    ],
    [
      'field names case-insensitively, as Go does',
      { 'example.org': { Username: 'u', Password: 'p' } },
      { key: 'example.org', username: 'u', password: 'p' },
    ],
  ])('reads %s', (_name, auths, want) => {
    const doc = parseCredentialDocument(JSON.stringify({ auths }), 'auths', '.dockerconfigjson')
    expect(doc.entries).toEqual([want])
    expect(doc.badEntries).toEqual([])
  })

  it('keeps document order and skips empty entries quietly', () => {
    const doc = parseCredentialDocument(
      JSON.stringify({
        auths: {
          'cloud.openshift.com': { auth: b64('a:1'), email: 'x@example.com' },
          'quay.io': {},
          'quay.io/repository-main': { auth: b64('c:3'), email: 'x@example.com' },
          'only.email': { email: 'x@example.com' },
          'null.entry': null,
        },
      }),
      'auths',
      '.dockerconfigjson'
    )
    expect(doc.entries.map((e) => e.key)).toEqual([
      'cloud.openshift.com',
      'quay.io/repository-main',
    ])
    expect(doc.notices).toEqual([])
    expect(doc.badEntries).toEqual([])
    expect(doc.legacy).toBe(false)
  })

  it('reads the legacy .dockercfg map', () => {
    const doc = parseCredentialDocument(
      JSON.stringify({ 'https://index.docker.io/v1/': { auth: b64('u:p'), email: 'e' } }),
      'legacy',
      '.dockercfg'
    )
    expect(doc.legacy).toBe(true)
    expect(doc.entries).toEqual([
      { key: 'https://index.docker.io/v1/', username: 'u', password: 'p' },
    ])
  })

  it.each([
    ['auths', { auths: {} }, false],
    ['credHelpers only', { credHelpers: { 'a.io': 'x' } }, false],
    ['empty object', {}, false],
    ['bare map', { 'quay.io': { auth: b64('u:p') } }, true],
  ])('detects the layout of %s', (_name, doc, legacy) => {
    expect(parseCredentialDocument(JSON.stringify(doc), 'auto', 'auth.json').legacy).toBe(legacy)
  })

  it('reports credential helpers by name and never runs them', () => {
    const doc = parseCredentialDocument(
      JSON.stringify({
        auths: { 'quay.io': {} },
        credsStore: 'desktop',
        credHelpers: { '123456789.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
      }),
      'auths',
      '.dockerconfigjson'
    )
    expect(doc.entries).toEqual([])
    expect(doc.notices).toEqual([
      '.dockerconfigjson: credential helpers are never run: ignoring credHelpers "ecr-login" for "123456789.dkr.ecr.us-east-1.amazonaws.com" and credsStore "desktop"; registries they serve get no credentials from here',
    ])
  })

  it('notes an object without "auths"', () => {
    const doc = parseCredentialDocument(
      JSON.stringify({ 'quay.io': { auth: b64('u:p') } }),
      'auths',
      '.dockerconfigjson'
    )
    expect(doc.entries).toEqual([])
    expect(doc.notices).toEqual(['.dockerconfigjson has no "auths" object'])
  })

  it('notes a password without username', () => {
    const doc = parseCredentialDocument(
      JSON.stringify({ auths: { 'quay.io': { password: SECRET } } }),
      'auths',
      '.dockerconfigjson'
    )
    expect(doc.entries).toEqual([])
    expect(doc.notices).toEqual([
      '.dockerconfigjson: entry "quay.io" has a password but no username; skipped',
    ])
  })

  it.each([
    ['bad base64', { 'quay.io': { auth: `${SECRET}!!` } }, 'auth field is not valid base64'],
    ['no colon', { 'quay.io': { auth: b64(SECRET) } }, 'auth field is not base64 of'],
    [
      'empty username',
      { 'quay.io': { auth: b64(`:${SECRET}`) } },
      'auth field has an empty username',
    ],
    [
      'non-string password',
      { 'quay.io': { username: 'u', password: 1234 } },
      'password field is not a string',
    ],
    ['entry not an object', { 'quay.io': SECRET }, 'is not a JSON object'],
  ])('reports a bad entry (%s) without secret material', (_name, auths, message) => {
    const doc = parseCredentialDocument(JSON.stringify({ auths }), 'auths', '.dockerconfigjson')
    expect(doc.entries).toEqual([])
    expect(doc.badEntries).toHaveLength(1)
    expect(doc.badEntries[0]).toContain('entry "quay.io": ')
    expect(doc.badEntries[0]).toContain(message)
    expect(doc.badEntries.join()).not.toContain(SECRET)
    expect(doc.badEntries.join()).not.toContain('1234')
  })

  it.each([
    ['not JSON', `{"auths":{"quay.io":{"auth":"${SECRET}"}`, '.dockerconfigjson is not valid JSON'],
    ['an array', '[1,2]', '.dockerconfigjson is not a JSON object'],
    ['a string', `"${SECRET}"`, '.dockerconfigjson is not a JSON object'],
    [
      'auths not an object',
      `{"auths":["${SECRET}"]}`,
      '.dockerconfigjson: "auths" is not a JSON object',
    ],
  ])('rejects a document that is %s without quoting it', (_name, text, message) => {
    let caught: unknown
    try {
      parseCredentialDocument(text, 'auths', '.dockerconfigjson')
    } catch (err) {
      caught = err
    }
    expect(isAppError(caught, Reason.Invalid)).toBe(true)
    expect((caught as Error).message).toBe(message)
    expect(String((caught as Error).cause)).not.toContain(SECRET)
  })
})
