import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../../shared/errors.js'
import { keyringFromAuthFile } from './auth-file-keyring.js'
import type { CredentialTarget } from './types.js'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const SECRET = 'hunter2-S3cret'

// `reg/repo` → target; a reference without '.', ':' or 'localhost' in its first part is on Docker Hub.
function target(image: string, scheme: 'https' | 'http' = 'https'): CredentialTarget {
  const slash = image.indexOf('/')
  if (slash < 0) return { registry: image, repository: '', scheme }
  return { registry: image.slice(0, slash), repository: image.slice(slash + 1), scheme }
}

function users(file: unknown, image: string, scheme: 'https' | 'http' = 'https') {
  const { keyring } = keyringFromAuthFile(
    JSON.stringify(file),
    '/run/user/1000/containers/auth.json'
  )
  return keyring.lookup(target(image, scheme)).credentials.map((c) => `${c.username}:${c.password}`)
}

// containers/image pkg/docker/config/testdata
const full = {
  auths: {
    'example.org': { auth: 'ZXhhbXBsZTpvcmc=' },
    'index.docker.io': { auth: 'aW5kZXg6ZG9ja2VyLmlv' },
    'docker.io': { auth: 'ZG9ja2VyOmlv' },
    localhost: { auth: 'bG9jYWw6aG9zdA==' },
    'localhost:5000': { auth: 'bG9jYWw6aG9zdC01MDAw' },
    '10.10.30.45': { auth: 'MTAuMTA6MzAuNDU=' },
    '10.10.30.45:5000': { auth: 'MTAuMTA6MzAuNDUtNTAwMA==' },
    'https://normalize.example.org/v1': { auth: 'bm9ybWFsaXplOmV4YW1wbGU=' },
  },
}
const abnormal = {
  auths: {
    'https://index.docker.io/v1/': { auth: b64('index:docker.io') },
    'https://127.0.0.1:5000': { auth: b64('127.0.0.1:5000') },
    'http://localhost': { auth: b64('local:host') },
    'localhost:5000': { auth: b64('local:host-5000') },
  },
}
const refpath = {
  auths: {
    'example.org/repo': { auth: 'ZXhhbXBsZTpvcmc=' },
    'example.org': { auth: 'bG9jYWw6aG9zdA==' },
    'docker.io/library/busybox': { auth: b64('library:busybox') },
    'docker.io/library': { auth: b64('library:other') },
    'docker.io/vendor': { auth: b64('first:level') },
    'docker.io': { auth: b64('top:level') },
  },
}
const legacy = {
  'http://index.docker.io/v1': { auth: b64('docker:io-legacy') },
  'https://localhost/v1': { auth: b64('local:host-legacy') },
}

describe('keyringFromAuthFile', () => {
  // containers/image config_test.go TestGetAuth and TestGetAuthFromLegacyFile: the first credential
  it.each([
    ['match one', full, 'example.org', 'example:org'],
    ['match none', full, 'registry.example.org', undefined],
    ['match docker.io', full, 'docker.io', 'docker:io'],
    ['match docker.io normalized', abnormal, 'docker.io', 'index:docker.io'],
    ['normalize registry', full, 'normalize.example.org', 'normalize:example'],
    ['match localhost', full, 'localhost', 'local:host'],
    ['match ip', full, '10.10.30.45:5000', '10.10:30.45-5000'],
    ['match port', abnormal, 'localhost:5000', 'local:host-5000'],
    ['scheme and port', abnormal, '127.0.0.1:5000', '127.0.0.1:5000'],
    ['match ref image', refpath, 'example.org/repo/image', 'example:org'],
    ['match ref repo', refpath, 'example.org/repo', 'example:org'],
    ['match ref host', refpath, 'example.org/image', 'local:host'],
    ['docker.io library repo match', refpath, 'docker.io/library/busybox', 'library:busybox'],
    ['docker.io library namespace match', refpath, 'docker.io/library/notbusybox', 'library:other'],
    ['docker.io vendor repo match', refpath, 'docker.io/vendor/product', 'first:level'],
    ['docker.io vendor namespace match', refpath, 'docker.io/vendor', 'first:level'],
    ['docker.io host-only match', refpath, 'docker.io/other-vendor/other-product', 'top:level'],
    ['index.docker.io reference', refpath, 'index.docker.io/library/busybox', 'library:busybox'],
    ['legacy: ignore scheme and path', legacy, 'localhost', 'local:host-legacy'],
    ['legacy: normalize registry', legacy, 'docker.io', 'docker:io-legacy'],
    ['empty file', {}, 'localhost:5000', undefined],
  ])('%s', (_name, file, image, first) => {
    expect(users(file, image)[0]).toBe(first)
  })

  it('returns every match, exact keys most specific first, then normalised keys', () => {
    const file = {
      auths: {
        'https://127.0.0.1:5101': { auth: b64('schemed:1') },
        '127.0.0.1:5101': { auth: b64('host:2') },
        '127.0.0.1:5101/team': { auth: b64('team:3') },
        '127.0.0.1:5101/teamx': { auth: b64('teamx:4') },
      },
    }
    // skopeo 1.9.3, verified: the namespace key beats the host key
    expect(users(file, '127.0.0.1:5101/team/app')).toEqual(['team:3', 'host:2', 'schemed:1'])
    // NB: containers/image matches path segments, not string prefixes
    expect(users(file, '127.0.0.1:5101/other/app')).toEqual(['host:2', 'schemed:1'])
  })

  it('does not use keys with another port or a glob', () => {
    const file = {
      auths: { 'quay.io:5000': { auth: b64('a:1') }, '*.quay.io': { auth: b64('b:2') } },
    }
    expect(users(file, 'quay.io/team/app')).toEqual([])
    expect(users(file, 'x.quay.io/team/app')).toEqual([])
  })

  it('reads identity tokens', () => {
    const file = {
      auths: {
        'example.org': { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'tok' },
      },
    }
    const { keyring } = keyringFromAuthFile(JSON.stringify(file), '/a.json')
    expect(keyring.lookup(target('example.org/x')).credentials).toEqual([
      {
        username: '00000000-0000-0000-0000-000000000000',
        password: '',
        identityToken: 'tok',
        source: 'auth file "/a.json" key "example.org"',
      },
    ])
  })

  it('accepts a Docker config.json and reports its helpers', () => {
    const config = {
      auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') }, 'ghcr.io': {} },
      credsStore: 'desktop',
      credHelpers: { 'ghcr.io': 'gh' },
      HttpHeaders: { 'User-Agent': 'x' },
    }
    const { keyring, warnings } = keyringFromAuthFile(
      JSON.stringify(config),
      '/home/u/.docker/config.json'
    )
    expect(warnings).toEqual([
      'auth file "/home/u/.docker/config.json": credential helpers are never run: ignoring credHelpers "gh" for "ghcr.io" and credsStore "desktop"; registries they serve get no credentials from here',
    ])
    expect(
      keyring.lookup(target('docker.io/library/busybox')).credentials.map((c) => c.username)
    ).toEqual(['hub'])
    expect(
      keyring.lookup({ registry: '', repository: 'library/busybox', scheme: 'https' }).credentials
    ).toHaveLength(1)
    expect(keyring.lookup(target('ghcr.io/o/i')).credentials).toEqual([])
  })

  it('skips a bad entry with a warning that holds no secret', () => {
    const file = { auths: { 'quay.io': { auth: b64(SECRET) }, 'ghcr.io': { auth: b64('u:p') } } }
    const { keyring, warnings } = keyringFromAuthFile(JSON.stringify(file), '/a.json')
    expect(warnings).toEqual([
      'auth file "/a.json": ignoring entry "quay.io": auth field is not base64 of "username:password"',
    ])
    expect(warnings.join()).not.toContain(SECRET)
    expect(keyring.lookup(target('ghcr.io/a/b')).credentials).toHaveLength(1)
  })

  it('rejects a file that is not JSON without quoting it', () => {
    let caught: unknown
    try {
      keyringFromAuthFile(`{"auths": {"quay.io": {"auth": "${SECRET}"`, '/a.json')
    } catch (err) {
      caught = err
    }
    expect(isAppError(caught, Reason.Invalid)).toBe(true)
    expect((caught as Error).message).toBe('auth file "/a.json" is not valid JSON')
  })

  describe('the :80 rule', () => {
    const file = {
      auths: {
        myregistry: { auth: b64('plain:1') },
        'myregistry.local': { auth: b64(`plain:${SECRET}`) },
        'myregistry.local/team': { auth: b64('plain-team:2') },
        'myregistry.local:80': { auth: b64('port80:3') },
        'myregistry.local:80/team': { auth: b64('port80-team:4') },
      },
    }

    it.each([
      ['http uses :80 keys', 'myregistry.local/team/app', 'http', ['port80-team:4', 'port80:3']],
      [
        'https uses plain keys',
        'myregistry.local/team/app',
        'https',
        ['plain-team:2', `plain:${SECRET}`],
      ],
      [
        'explicit :80 over https',
        'myregistry.local:80/team/app',
        'https',
        ['port80-team:4', 'port80:3'],
      ],
    ] as const)('%s', (_name, image, scheme, want) => {
      expect(users(file, image, scheme)).toEqual(want)
    })

    it('notes plain keys not sent over http', () => {
      const { keyring } = keyringFromAuthFile(JSON.stringify(file), '/a.json')
      const got = keyring.lookup(target('myregistry.local/team/app', 'http'))
      expect(got.notes).toEqual([
        'auth file "/a.json" has credentials for "myregistry.local/team" but they are not sent over plain HTTP; key them as "myregistry.local:80/team" to use them with this insecure registry',
        'auth file "/a.json" has credentials for "myregistry.local" but they are not sent over plain HTTP; key them as "myregistry.local:80" to use them with this insecure registry',
      ])
      expect(got.notes.join()).not.toContain(SECRET)
    })

    it('notes scheme-keyed entries with the normalised suggestion', () => {
      const { keyring } = keyringFromAuthFile(
        JSON.stringify({ auths: { 'http://myregistry.local/v1/': { auth: b64('u:p') } } }),
        '/a.json'
      )
      const got = keyring.lookup(target('myregistry.local/team/app', 'http'))
      expect(got.credentials).toEqual([])
      expect(got.notes).toEqual([
        'auth file "/a.json" has credentials for "http://myregistry.local/v1/" but they are not sent over plain HTTP; key them as "myregistry.local:80" to use them with this insecure registry',
      ])
    })
  })
})
