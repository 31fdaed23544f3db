import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../../shared/errors.js'
import { dockerConfigJsonFromFlags } from './docker-config-from-flags.js'
import { keyringFromSecrets } from './pull-secrets.js'

describe('dockerConfigJsonFromFlags', () => {
  it.each([
    [
      'all flags',
      { server: 'quay.io', username: 'u', password: 'p', email: 'u@example.com' },
      '{"auths":{"quay.io":{"username":"u","password":"p","email":"u@example.com","auth":"dTpw"}}}',
    ],
    [
      'Docker Hub by default, no email',
      { username: 'foo', password: 'bar' },
      '{"auths":{"https://index.docker.io/v1/":{"username":"foo","password":"bar","auth":"Zm9vOmJhcg=="}}}',
    ],
    [
      'empty server and email',
      { server: '', username: 'foo', password: 'bar', email: '' },
      '{"auths":{"https://index.docker.io/v1/":{"username":"foo","password":"bar","auth":"Zm9vOmJhcg=="}}}',
    ],
  ])('writes %s', (_name, flags, want) => {
    expect(dockerConfigJsonFromFlags(flags)).toBe(want)
  })

  it.each([
    ['empty username', { username: '', password: 'p' }, 'docker-username is required'],
    ['empty password', { username: 'u', password: '' }, 'docker-password is required'],
    [
      'colon in username',
      { username: 'a:b', password: 'p' },
      "docker-username must not contain ':'",
    ],
  ])('rejects %s', (_name, flags, message) => {
    let caught: unknown
    try {
      dockerConfigJsonFromFlags(flags)
    } catch (err) {
      caught = err
    }
    expect(isAppError(caught, Reason.Invalid)).toBe(true)
    expect((caught as Error).message).toBe(message)
  })

  it('round-trips through keyringFromSecrets for a Docker Hub image', () => {
    const doc = dockerConfigJsonFromFlags({ username: 'foo', password: 'bar' })
    const { keyring, warnings } = keyringFromSecrets([
      {
        metadata: { name: 'hub', namespace: 'default' },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': doc },
      },
    ])
    expect(warnings).toEqual([])
    const got = keyring.lookup({
      registry: 'docker.io',
      repository: 'library/busybox',
      scheme: 'https',
    })
    expect(got.credentials).toEqual([
      {
        username: 'foo',
        password: 'bar',
        source: 'secret default/hub key "https://index.docker.io/v1/"',
      },
    ])
  })
})
