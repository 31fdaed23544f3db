import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { keyringFromSecrets, type PullSecretLike } from './pull-secrets.js'
import type { CredentialTarget } from './types.js'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const SECRET = 'hunter2-S3cret'

function dockerConfigJson(
  name: string,
  auths: Record<string, unknown>,
  extra: Partial<PullSecretLike> = {}
): PullSecretLike {
  return {
    metadata: { name, namespace: 'default' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
    ...extra,
  }
}

const quay: CredentialTarget = { registry: 'quay.io', repository: 'team/app', scheme: 'https' }

function lookupUsers(secrets: readonly PullSecretLike[], target: CredentialTarget = quay) {
  return keyringFromSecrets(secrets)
    .keyring.lookup(target)
    .credentials.map((c) => c.username)
}

describe('keyringFromSecrets', () => {
  // The seed document's sample config.json (6.7.1.1)
  const seedConfig = {
    auths: {
      'cloud.openshift.com': { auth: b64('cloud:pw'), email: 'user@example.com' },
      'quay.io': { auth: b64('quay-user:pw'), email: 'user@example.com' },
      'quay.io/repository-main': { auth: b64('main-user:pw'), email: 'user@example.com' },
    },
  }

  it.each([
    [
      'kubernetes.io/dockerconfigjson',
      {
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': b64(JSON.stringify(seedConfig)) },
      },
    ],
    [
      'kubernetes.io/dockercfg',
      {
        type: 'kubernetes.io/dockercfg',
        data: { '.dockercfg': b64(JSON.stringify(seedConfig.auths)) },
      },
    ],
    [
      'kubernetes.io/podmanconfigjson with auth.json',
      {
        type: 'kubernetes.io/podmanconfigjson',
        data: { 'auth.json': b64(JSON.stringify(seedConfig)) },
      },
    ],
    [
      'kubernetes.io/podmanconfigjson with .dockerconfigjson',
      {
        type: 'kubernetes.io/podmanconfigjson',
        data: { '.dockerconfigjson': b64(JSON.stringify(seedConfig)) },
      },
    ],
    [
      'stringData',
      {
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': JSON.stringify(seedConfig) },
      },
    ],
    [
      'unpadded data',
      {
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': b64(JSON.stringify(seedConfig)).replace(/=+$/, '') },
      },
    ],
  ])('reads %s', (_name, secret) => {
    const { keyring, warnings } = keyringFromSecrets([
      { metadata: { name: 'pull', namespace: 'default' }, ...secret },
    ])
    expect(warnings).toEqual([])
    const main = keyring.lookup({
      registry: 'quay.io',
      repository: 'repository-main/app',
      scheme: 'https',
    })
    expect(main.credentials).toEqual([
      {
        username: 'main-user',
        password: 'pw',
        source: 'secret default/pull key "quay.io/repository-main"',
      },
      { username: 'quay-user', password: 'pw', source: 'secret default/pull key "quay.io"' },
    ])
    expect(lookupUsers([{ metadata: { name: 'pull' }, ...secret }])).toEqual(['quay-user'])
  })

  it('prefers stringData over data', () => {
    const secret = dockerConfigJson(
      's',
      { 'quay.io': { auth: b64('from-data:pw') } },
      {
        stringData: {
          '.dockerconfigjson': JSON.stringify({
            auths: { 'quay.io': { auth: b64('from-string:pw') } },
          }),
        },
      }
    )
    expect(lookupUsers([secret])).toEqual(['from-string'])
  })

  it('carries identity and registry tokens', () => {
    const secret = dockerConfigJson('tokens', {
      'quay.io': { identitytoken: 'id-tok' },
      'quay.io/team': { registrytoken: 'reg-tok' },
    })
    expect(keyringFromSecrets([secret]).keyring.lookup(quay).credentials).toEqual([
      { registryToken: 'reg-tok', source: 'secret default/tokens key "quay.io/team"' },
      { identityToken: 'id-tok', source: 'secret default/tokens key "quay.io"' },
    ])
  })

  it.each([
    ['excludeSecret "true"', { 'openshift.io/image.excludeSecret': 'true' }, []],
    ['excludeSecret "false"', { 'openshift.io/image.excludeSecret': 'false' }, ['u']],
    ['other annotations', { note: 'x' }, ['u']],
  ])('honours %s', (_name, annotations, want) => {
    const secret = dockerConfigJson('s', { 'quay.io': { auth: b64('u:p') } })
    expect(lookupUsers([{ ...secret, metadata: { ...secret.metadata, annotations } }])).toEqual(
      want
    )
  })

  it.each([
    ['Opaque', 'Opaque'],
    ['service-account token', 'kubernetes.io/service-account-token'],
    ['no type', undefined],
  ])('ignores %s secrets quietly', (_name, type) => {
    const secret = dockerConfigJson('s', { 'quay.io': { auth: b64('u:p') } })
    const { type: _drop, ...untyped } = secret
    const { keyring, warnings } = keyringFromSecrets([
      type === undefined ? untyped : { ...secret, type },
    ])
    expect(warnings).toEqual([])
    expect(keyring.lookup(quay).credentials).toEqual([])
  })

  it.each([
    [
      'bad base64',
      { '.dockerconfigjson': `${SECRET}%%` },
      '.dockerconfigjson is not valid base64 of UTF-8 text',
    ],
    [
      'bad JSON',
      { '.dockerconfigjson': b64(`{"auths":{"quay.io":{"auth":"${SECRET}"}`) },
      '.dockerconfigjson is not valid JSON',
    ],
    [
      'bad auth field',
      {
        '.dockerconfigjson': b64(
          JSON.stringify({ auths: { 'quay.io/team': { auth: b64(SECRET) } } })
        ),
      },
      '.dockerconfigjson: entry "quay.io/team": auth field is not base64 of "username:password"',
    ],
    [
      'undecodable auth field',
      {
        '.dockerconfigjson': b64(
          JSON.stringify({ auths: { 'quay.io/team': { auth: `${SECRET}!` } } })
        ),
      },
      '.dockerconfigjson: entry "quay.io/team": auth field is not valid base64 of UTF-8 text',
    ],
    [
      'empty username',
      {
        '.dockerconfigjson': b64(
          JSON.stringify({ auths: { 'quay.io/team': { auth: b64(`:${SECRET}`) } } })
        ),
      },
      '.dockerconfigjson: entry "quay.io/team": auth field has an empty username',
    ],
    [
      'not an object',
      { '.dockerconfigjson': b64(JSON.stringify([SECRET])) },
      '.dockerconfigjson is not a JSON object',
    ],
    ['missing key', { other: b64('{}') }, 'has no .dockerconfigjson key'],
    ['empty value', { '.dockerconfigjson': '' }, '.dockerconfigjson is empty'],
  ])('skips one malformed secret (%s) and keeps the others', (_name, data, message) => {
    const good1 = dockerConfigJson('good-1', { 'quay.io': { auth: b64('first:pw') } })
    const bad: PullSecretLike = {
      metadata: { name: 'bad', namespace: 'ns' },
      type: 'kubernetes.io/dockerconfigjson',
      data,
    }
    const good2 = dockerConfigJson('good-2', {
      'quay.io/team': { username: 'second', password: 'pw' },
    })
    const { keyring, warnings } = keyringFromSecrets([good1, bad, good2])
    expect(warnings).toEqual([`secret "ns/bad": ${message}`])
    expect(warnings.join()).not.toContain(SECRET)
    expect(warnings.join()).not.toContain(b64(SECRET))
    expect(keyring.lookup(quay).credentials.map((c) => c.username)).toEqual(['second', 'first'])
  })

  it('says which keys podmanconfigjson accepts', () => {
    const { warnings } = keyringFromSecrets([
      {
        metadata: { name: 'p', namespace: 'ns' },
        type: 'kubernetes.io/podmanconfigjson',
        data: {},
      },
    ])
    expect(warnings).toEqual(['secret "ns/p": has no auth.json or .dockerconfigjson key'])
  })

  it('warns about credential helpers and still uses the auths', () => {
    const secret: PullSecretLike = {
      metadata: { name: 'helpers', namespace: 'default' },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: {
        '.dockerconfigjson': JSON.stringify({
          auths: { 'quay.io': { auth: b64(`u:${SECRET}`) }, 'gcr.io': {} },
          credHelpers: { 'gcr.io': 'gcloud' },
          credsStore: 'desktop',
        }),
      },
    }
    const { keyring, warnings } = keyringFromSecrets([secret])
    expect(warnings).toEqual([
      'secret "default/helpers": .dockerconfigjson: credential helpers are never run: ignoring credHelpers "gcloud" for "gcr.io" and credsStore "desktop"; registries they serve get no credentials from here',
    ])
    expect(warnings.join()).not.toContain(SECRET)
    expect(keyring.lookup(quay).credentials.map((c) => c.username)).toEqual(['u'])
    expect(
      keyring.lookup({ registry: 'gcr.io', repository: 'p/i', scheme: 'https' }).credentials
    ).toEqual([])
  })

  it('keeps credentials of duplicate keys from different secrets in secret order', () => {
    const secrets = [
      dockerConfigJson('a', { 'https://quay.io': { auth: b64('a:pw') } }),
      dockerConfigJson('b', { 'quay.io/team': { auth: b64('b:pw') } }),
      dockerConfigJson('c', { 'quay.io': { auth: b64('c:pw') } }),
    ]
    expect(lookupUsers(secrets)).toEqual(['b', 'a', 'c'])
  })

  it('falls back to Docker Hub keys for Docker Hub images', () => {
    const secrets = [
      dockerConfigJson('hub', { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } }),
      dockerConfigJson('io', { 'docker.io': { auth: b64('io:pw') } }),
    ]
    for (const registry of ['', 'docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      expect(
        lookupUsers(secrets, { registry, repository: 'library/busybox', scheme: 'https' })
      ).toEqual(['hub', 'io'])
    }
    expect(
      lookupUsers(secrets, { registry: 'quay.io', repository: 'library/busybox', scheme: 'https' })
    ).toEqual([])
  })

  it('applies the :80 rule with a note naming the secret', () => {
    const secrets = [
      dockerConfigJson('my-pull', { 'myregistry.local': { auth: b64(`u:${SECRET}`) } }),
      dockerConfigJson('port-pull', { 'myregistry.local:80': { auth: b64('p80:pw') } }),
    ]
    const { keyring } = keyringFromSecrets(secrets)
    const http = keyring.lookup({
      registry: 'myregistry.local',
      repository: 'team/app',
      scheme: 'http',
    })
    expect(http.credentials.map((c) => c.username)).toEqual(['p80'])
    expect(http.notes).toEqual([
      'secret "default/my-pull" has credentials for "myregistry.local" but they are not sent over plain HTTP; key them as "myregistry.local:80" to use them with this insecure registry',
    ])
    expect(http.notes.join()).not.toContain(SECRET)
    const https = keyring.lookup({
      registry: 'myregistry.local',
      repository: 'team/app',
      scheme: 'https',
    })
    expect(https.credentials.map((c) => c.username)).toEqual(['u'])
    expect(https.notes).toEqual([])
  })

  it('names a secret without namespace by its name', () => {
    const secret = dockerConfigJson('solo', { 'quay.io': { auth: b64('u:p') } })
    const { keyring } = keyringFromSecrets([{ ...secret, metadata: { name: 'solo' } }])
    expect(keyring.lookup(quay).credentials[0]?.source).toBe('secret solo key "quay.io"')
  })
})
