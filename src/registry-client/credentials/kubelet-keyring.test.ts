import { describe, expect, it } from 'vitest'
import { createKubeletKeyring, type KeyedCredential } from './kubelet-keyring.js'
import type { CredentialTarget } from './types.js'

// Each key gets a credential whose username names it; `keys` may repeat a key (different secrets).
function keyring(keys: readonly (string | readonly [string, string])[]) {
  const items: KeyedCredential[] = keys.map((k) => {
    const [key, user] = typeof k === 'string' ? [k, k] : k
    return {
      key,
      credential: { username: user, password: 'pw', source: `test key ${key}` },
      origin: `secret "ns/${user}"`,
    }
  })
  return createKubeletKeyring(items)
}

// `host[:port][/repository]` → target, as the kubelet splits an image name.
function target(image: string, scheme: 'https' | 'http' = 'https'): CredentialTarget {
  const slash = image.indexOf('/')
  return slash < 0
    ? { registry: image, repository: '', scheme }
    : { registry: image.slice(0, slash), repository: image.slice(slash + 1), scheme }
}

function users(
  keys: readonly (string | readonly [string, string])[],
  image: string,
  scheme: 'https' | 'http' = 'https'
) {
  return keyring(keys)
    .keyring.lookup(target(image, scheme))
    .credentials.map((c) => c.username)
}

describe('createKubeletKeyring', () => {
  // kubernetes keyring_test.go TestUrlsMatch
  it.each([
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
    ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
    ['*.kubernetes.io', 'kubernetes.io', false],
    ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
    ['*.*.kubernetes.io', 'kubernetes.io', false],
    ['kubernetes.io', 'kubernetes.com', false],
    ['k*.io', 'quay.io', false],
    ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
    ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
  ])('urlsMatch %s vs %s → %s', (key, image, want) => {
    expect(users([key], image).length > 0).toBe(want)
  })

  // kubernetes keyring_test.go TestDockerKeyringForGlob: the image is `<target>/foo/bar`
  it.each([
    ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
    ['https://*.docker.io', 'prefix.docker.io'],
    ['https://prefix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.*', 'prefix.docker.io'],
    ['https://*.docker.io/path', 'prefix.docker.io/path'],
    ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
    ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
    ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
    ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
    ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
    ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
    ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
  ])('finds %s for %s/foo/bar', (key, image) => {
    expect(users([key], `${image}/foo/bar`)).toEqual([key])
  })

  // kubernetes keyring_test.go TestKeyringMiss
  it.each([
    ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
    ['https://*.docker.com', 'prefix.docker.io'],
    ['https://suffix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.c*', 'prefix.docker.io'],
    ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
    ['suffix.*.io', 'prefix.docker.io'],
    // TestKeyringMissWithDockerHubCredentials
    ['https://index.docker.io/v1/', 'world.mesos.org'],
  ])('misses %s for %s/foo/bar', (key, image) => {
    expect(users([key], `${image}/foo/bar`)).toEqual([])
  })

  // kubernetes keyring_test.go TestDockerKeyringLookup: grace under bar.example.com/pong, ada under the host
  it.each([
    ['bar.example.com', ['ada']],
    ['bar.example.com/pong', ['grace', 'ada']],
    ['bar.example.com/ping', ['ada']],
    // NB: a string prefix, not a path-segment prefix
    ['bar.example.com/pongz', ['grace', 'ada']],
    ['bar.example.com/pong/pang', ['grace', 'ada']],
    ['example.com', []],
    ['foo.example.com', []],
  ])('TestDockerKeyringLookup %s → %j', (image, want) => {
    const keys = [
      ['bar.example.com/pong', 'grace'],
      ['bar.example.com', 'ada'],
    ] as const
    expect(users(keys, image)).toEqual(want)
  })

  // kubernetes keyring_test.go TestIssue3797
  it.each(['quay.io', 'quay.io/foo', 'quay.io/foo/bar'])(
    'https://quay.io/v1/ serves %s',
    (image) => {
      expect(users([['https://quay.io/v1/', 'rex']], image)).toEqual(['rex'])
    }
  )

  // Docker Hub: TestKeyringHitWith{Unqualified,UnqualifiedLibrary,Qualified}DockerHub and ggcr TestAuthDockerRegistry
  it.each([
    ['https://index.docker.io/v1/', '', 'google/docker-registry'],
    ['https://index.docker.io/v1/', 'docker.io', 'library/jenkins'],
    ['https://index.docker.io/v1/', 'index.docker.io', 'google/docker-registry'],
    ['https://index.docker.io/v1/', 'registry-1.docker.io', 'library/busybox'],
    ['index.docker.io', 'docker.io', 'library/ubuntu'],
    ['index.docker.io', 'docker.io', 'knative/serving'],
    ['docker.io', 'index.docker.io', 'library/ubuntu'],
    ['docker.io', '', 'library/ubuntu'],
    // beyond kubelet: the common hand-written key without trailing slash
    ['https://index.docker.io/v1', 'docker.io', 'library/ubuntu'],
  ])('Docker Hub key %s serves %s/%s', (key, registry, repository) => {
    const got = keyring([key]).keyring.lookup({ registry, repository, scheme: 'https' })
    expect(got.credentials.map((c) => c.username)).toEqual([key])
  })

  it.each([
    ['*.docker.io', 'docker.io'],
    ['docker.io:443', 'docker.io'],
    ['index.docker.io', 'myhostdocker.io'],
    ['index.docker.io', 'registry.tld'],
  ])('Docker Hub key %s does not serve %s', (key, registry) => {
    const got = keyring([key]).keyring.lookup({ registry, repository: 'foo/bar', scheme: 'https' })
    expect(got.credentials).toEqual([])
  })

  it('orders Docker Hub keys most specific first across docker.io and index.docker.io', () => {
    const keys = [
      'https://index.docker.io/v1/',
      'docker.io/team',
      'docker.io',
      'index.docker.io/team/app',
    ]
    expect(users(keys, 'docker.io/team/app')).toEqual([
      'index.docker.io/team/app',
      'docker.io/team',
      'https://index.docker.io/v1/',
      'docker.io',
    ])
    expect(users(keys, 'docker.io/library/busybox')).toEqual([
      'https://index.docker.io/v1/',
      'docker.io',
    ])
  })

  // ggcr keychain_test.go
  it.each([
    // TestAuthWithScheme
    [['https://fake.registry.io'], 'fake.registry.io', ['https://fake.registry.io']],
    [['https://fake.registry.io'], 'fake.registry.io/repo', ['https://fake.registry.io']],
    // TestAuthWithPorts
    [['fake.registry.io:5000'], 'fake.registry.io:5000', ['fake.registry.io:5000']],
    [['fake.registry.io:5000'], 'fake.registry.io:5000/repo', ['fake.registry.io:5000']],
    [['fake.registry.io:5000'], 'fake.registry.io:1000', []],
    [['fake.registry.io:5000'], 'fake.registry.io:1000/repo', []],
    // TestAuthHostNameVariations
    [['fake.registry.io', '1.fake.registry.io'], 'fake.registry.io', ['fake.registry.io']],
    [['fake.registry.io', '1.fake.registry.io'], '1.fake.registry.io', ['1.fake.registry.io']],
    [['fake.registry.io', '1.fake.registry.io'], '2.fake.registry.io', []],
    // TestAuthSpecialPathsIgnored
    [['https://fake.registry.io/v1/'], 'fake.registry.io/repo', ['https://fake.registry.io/v1/']],
    [
      ['https://fake2.registry.io/v2/'],
      'fake2.registry.io/repo',
      ['https://fake2.registry.io/v2/'],
    ],
    // TestAuthWithGlobs
    [['*.registry.io'], 'fake.registry.io', ['*.registry.io']],
    [['*.registry.io'], 'blah.registry.io/repo', ['*.registry.io']],
  ])('ggcr vector %j for %s → %j', (keys, image, want) => {
    expect(users(keys, image)).toEqual(want)
  })

  // ggcr TestAuthPathMatching: the first credential is the one ggcr would use
  it.each([
    ['fake.registry.io', 'root'],
    ['fake.registry.io/nested', 'nested'],
    ['fake.registry.io/nested/repo', 'leaf'],
    ['fake.registry.io/nested/repo/dirt', 'leaf'],
    ['fake.registry.io/partial', 'partial'],
  ])('TestAuthPathMatching %s → %s first', (image, first) => {
    const keys = [
      ['fake.registry.io', 'root'],
      ['fake.registry.io/nested', 'nested'],
      ['fake.registry.io/nested/repo', 'leaf'],
      ['fake.registry.io/par', 'partial'],
    ] as const
    expect(users(keys, image)[0]).toBe(first)
  })

  // ggcr TestKubernetesAuth (knative/serving#12761): every form serves the image
  it.each(
    ['registry.gitlab.com/dprotaso/test/nginx', 'dtestcontainer.azurecr.io/dave/nginx'].flatMap(
      (image) => {
        const parts = image.split('/')
        return [1, 2, 3, 4].flatMap((n) => {
          const base = parts.slice(0, n).join('/')
          return [base, `http://${base}`, `https://${base}`].map((key) => [key, image] as const)
        })
      }
    )
  )('TestKubernetesAuth %s serves %s', (key, image) => {
    expect(users([key], image)).toEqual([key])
  })

  it('returns every match most specific first, keeping secret order for equal keys', () => {
    const keys = [
      ['127.0.0.1:5000', 'host-a'],
      ['127.0.0.1:5000/team', 'team-a'],
      ['https://127.0.0.1:5000', 'host-b'],
      ['127.0.0.1:5000/team', 'team-b'],
      ['127.0.0.1:5000/team/app', 'app'],
      ['127.0.0.1:5001', 'other-port'],
    ] as const
    expect(users(keys, '127.0.0.1:5000/team/app')).toEqual([
      'app',
      'team-a',
      'team-b',
      'host-a',
      'host-b',
    ])
    expect(users(keys, '127.0.0.1:5000/other/app')).toEqual(['host-a', 'host-b'])
  })

  // ggcr TestSecretPriority
  it('prefers the first secret for the same key', () => {
    const keys = [
      ['fake.registry.io', 'user'],
      ['fake.registry.io', 'anotherUser'],
    ] as const
    expect(users(keys, 'fake.registry.io')).toEqual(['user', 'anotherUser'])
  })

  it('matches hosts case-insensitively', () => {
    expect(users(['Quay.IO/team'], 'quay.io/team/app')).toEqual(['Quay.IO/team'])
    expect(users(['quay.io'], 'QUAY.io/team/app')).toEqual(['quay.io'])
  })

  it('matches IPv6 literals', () => {
    expect(users(['[::1]:5000'], '[::1]:5000/team/app')).toEqual(['[::1]:5000'])
    expect(users(['[::1]:5000'], '[::1]:5001/team/app')).toEqual([])
  })

  it('warns about and skips invalid keys', () => {
    const built = keyring([
      'quay.io',
      ['ftp://quay.io', 'x'],
      ['reg[.io', 'y'],
      ['https://u:s3cret@quay.io', 'z'],
    ])
    expect(built.warnings).toEqual([
      'secret "ns/x": key "ftp://quay.io" is not a registry host[:port][/path]; ignored',
      'secret "ns/y": key "reg[.io" has a malformed host pattern; ignored',
      'secret "ns/z": a key has user info (credentials do not belong in keys); ignored',
    ])
    expect(built.keyring.lookup(target('quay.io/a')).credentials.map((c) => c.username)).toEqual([
      'quay.io',
    ])
  })

  describe('the :80 rule', () => {
    const keys = [
      ['myregistry.local', 'plain'],
      ['myregistry.local:80', 'port80'],
      ['myregistry.local:80/team', 'port80-team'],
      ['myregistry.local:5000', 'port5000'],
    ] as const

    it.each([
      [
        'http, no port: only :80 keys',
        'myregistry.local/team/app',
        'http',
        ['port80-team', 'port80'],
      ],
      ['https, no port: only plain keys', 'myregistry.local/team/app', 'https', ['plain']],
      ['http, explicit port', 'myregistry.local:5000/team/app', 'http', ['port5000']],
      ['https, explicit port', 'myregistry.local:5000/team/app', 'https', ['port5000']],
      ['http, explicit :80', 'myregistry.local:80/team/app', 'http', ['port80-team', 'port80']],
      ['https, explicit :80', 'myregistry.local:80/team/app', 'https', ['port80-team', 'port80']],
    ] as const)('%s', (_name, image, scheme, want) => {
      expect(users(keys, image, scheme)).toEqual(want)
    })

    it('explains plain-host keys that are not sent over http', () => {
      const got = keyring([
        ['myregistry.local', 'my-pull'],
        ['http://myregistry.local/team/', 'team-pull'],
        ['*.local', 'glob-pull'],
      ]).keyring.lookup(target('myregistry.local/team/app', 'http'))
      expect(got.credentials).toEqual([])
      expect(got.notes).toEqual([
        'secret "ns/team-pull" has credentials for "http://myregistry.local/team/" but they are not sent over plain HTTP; key them as "myregistry.local:80/team/" to use them with this insecure registry',
        'secret "ns/my-pull" has credentials for "myregistry.local" but they are not sent over plain HTTP; key them as "myregistry.local:80" to use them with this insecure registry',
        'secret "ns/glob-pull" has credentials for "*.local" but they are not sent over plain HTTP; key them as "*.local:80" to use them with this insecure registry',
      ])
    })

    it('notes nothing over https or when the key does not match', () => {
      expect(
        keyring(['myregistry.local']).keyring.lookup(target('myregistry.local/a', 'https')).notes
      ).toEqual([])
      expect(
        keyring(['other.local']).keyring.lookup(target('myregistry.local/a', 'http')).notes
      ).toEqual([])
      expect(
        keyring(['myregistry.local/team']).keyring.lookup(target('myregistry.local/other', 'http'))
          .notes
      ).toEqual([])
    })
  })
})
