import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import {
  dockerClientDefaults,
  exactReference,
  type ImageReference,
  isDockerHub,
  isReferenceDigest,
  mostSpecific,
  normalizedName,
  parseImageReference,
  referenceString,
  registryApiHost,
  repositoryPath,
} from './reference.js'

const F64 = 'f'.repeat(64)
const SHA = `sha256:${F64}`
const LG = '3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25'
const LG_SHA = `sha256:${LG}`

function ref(parts: Partial<ImageReference>): ImageReference {
  return { registry: '', namespace: '', name: '', tag: '', id: '', ...parts }
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}

describe('parseImageReference', () => {
  // openshift/library-go pkg/image/reference/reference_test.go TestParse (successes).
  it.each<[string, Partial<ImageReference>]>([
    ['foo', { name: 'foo' }],
    ['foo:tag', { name: 'foo', tag: 'tag' }],
    [`sha256:${LG}`, { name: 'sha256', tag: LG }],
    [`foo@${LG_SHA}`, { name: 'foo', id: LG_SHA }],
    ['bar/foo', { namespace: 'bar', name: 'foo' }],
    ['bar/foo:tag', { namespace: 'bar', name: 'foo', tag: 'tag' }],
    [`bar/foo@${LG_SHA}`, { namespace: 'bar', name: 'foo', id: LG_SHA }],
    ['bar/foo/baz', { namespace: 'bar', name: 'foo/baz' }],
    ['bar/library/baz', { namespace: 'bar', name: 'library/baz' }],
    ['bar/foo/baz:tag', { namespace: 'bar', name: 'foo/baz', tag: 'tag' }],
    [`bar/foo/baz@${LG_SHA}`, { namespace: 'bar', name: 'foo/baz', id: LG_SHA }],
    ['bar:5000/foo/baz', { registry: 'bar:5000', namespace: 'foo', name: 'baz' }],
    ['bar:5000/library/baz', { registry: 'bar:5000', namespace: 'library', name: 'baz' }],
    ['bar:5000/baz', { registry: 'bar:5000', name: 'baz' }],
    ['bar:5000/foo/baz:tag', { registry: 'bar:5000', namespace: 'foo', name: 'baz', tag: 'tag' }],
    [
      `bar:5000/foo/baz@${LG_SHA}`,
      { registry: 'bar:5000', namespace: 'foo', name: 'baz', id: LG_SHA },
    ],
    ['myregistry.io/foo', { registry: 'myregistry.io', name: 'foo' }],
    ['localhost/bar', { registry: 'localhost', name: 'bar' }],
    ['docker.io/library/myapp', { registry: 'docker.io', namespace: 'library', name: 'myapp' }],
    ['docker.io/myapp', { registry: 'docker.io', name: 'myapp' }],
    ['docker.io/user/myapp', { registry: 'docker.io', namespace: 'user', name: 'myapp' }],
    [
      'docker.io/user/project/myapp',
      { registry: 'docker.io', namespace: 'user', name: 'project/myapp' },
    ],
    ['index.docker.io/bar', { registry: 'index.docker.io', name: 'bar' }],
    [
      `bar:5000/${'a'.repeat(63)}/${'b'.repeat(182)}:tag`, // registry/namespace/name == 255 chars
      { registry: 'bar:5000', namespace: 'a'.repeat(63), name: 'b'.repeat(182), tag: 'tag' },
    ],
    [
      `docker.io/library/${'b'.repeat(231)}:tag`,
      { registry: 'docker.io', namespace: 'library', name: 'b'.repeat(231), tag: 'tag' },
    ],
    [
      `docker.io/${'b'.repeat(231)}:tag`,
      { registry: 'docker.io', name: 'b'.repeat(231), tag: 'tag' },
    ],
    ['quay.io', { registry: 'quay.io' }],
    ['quay.io/org', { registry: 'quay.io', name: 'org' }],
    ['localhost', { registry: 'localhost' }],
    ['localhost:5000', { registry: 'localhost:5000' }],
    ['localhost:5000/org', { registry: 'localhost:5000', name: 'org' }],
    ['localhost:5000/foo', { registry: 'localhost:5000', name: 'foo' }],
    ['foo.com:8080/bar', { registry: 'foo.com:8080', name: 'bar' }],
    ['bar/foo/baz/biz', { namespace: 'bar', name: 'foo/baz/biz' }],
  ])('library-go: %s', (spec, want) => {
    expect(parseImageReference(spec)).toEqual(ref(want))
  })

  // distribution/reference reference_test.go TestReferenceParse (successes), split the library-go way.
  it.each<[string, Partial<ImageReference>]>([
    ['test_com', { name: 'test_com' }],
    // NB: a single component with a '.' is a registry alone; the "tag" is kept as its port, as library-go does.
    ['test.com:tag', { registry: 'test.com:tag' }],
    ['test.com:5000', { registry: 'test.com:5000' }],
    ['test.com/repo:tag', { registry: 'test.com', name: 'repo', tag: 'tag' }],
    ['test:5000/repo', { registry: 'test:5000', name: 'repo' }],
    ['test:5000/repo:tag', { registry: 'test:5000', name: 'repo', tag: 'tag' }],
    [`test:5000/repo@${SHA}`, { registry: 'test:5000', name: 'repo', id: SHA }],
    [`test:5000/repo:tag@${SHA}`, { registry: 'test:5000', name: 'repo', tag: 'tag', id: SHA }],
    ['lowercase:Uppercase', { name: 'lowercase', tag: 'Uppercase' }],
    [
      `${'a/'.repeat(127)}a:tag-puts-this-over-max`,
      { namespace: 'a', name: `${'a/'.repeat(126)}a`, tag: 'tag-puts-this-over-max' },
    ],
    [
      'sub-dom1.foo.com/bar/baz/quux',
      { registry: 'sub-dom1.foo.com', namespace: 'bar', name: 'baz/quux' },
    ],
    [
      'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
      { registry: 'sub-dom1.foo.com', namespace: 'bar', name: 'baz/quux', tag: 'some-long-tag' },
    ],
    [
      'b.gcr.io/test.example.com/my-app:test.example.com',
      {
        registry: 'b.gcr.io',
        namespace: 'test.example.com',
        name: 'my-app',
        tag: 'test.example.com',
      },
    ],
    [
      'xn--n3h.com/myimage:xn--n3h.com',
      { registry: 'xn--n3h.com', name: 'myimage', tag: 'xn--n3h.com' },
    ],
    [
      `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`,
      {
        registry: 'xn--7o8h.com',
        name: 'myimage',
        tag: 'xn--7o8h.com',
        id: `sha512:${'f'.repeat(128)}`,
      },
    ],
    ['foo_bar.com:8080', { registry: 'foo_bar.com:8080' }],
    // NB: library-go reads any single component with a '.' as a registry, even a Hub name like this one.
    ['ubuntu-12.04-base', { registry: 'ubuntu-12.04-base' }],
    ['foo/foo_bar.com:8080', { namespace: 'foo', name: 'foo_bar.com', tag: '8080' }],
    ['192.168.1.1', { registry: '192.168.1.1' }],
    ['192.168.1.1:tag', { registry: '192.168.1.1:tag' }],
    ['192.168.1.1:5000', { registry: '192.168.1.1:5000' }],
    ['192.168.1.1/repo', { registry: '192.168.1.1', name: 'repo' }],
    ['192.168.1.1:5000/repo', { registry: '192.168.1.1:5000', name: 'repo' }],
    ['192.168.1.1:5000/repo:5050', { registry: '192.168.1.1:5000', name: 'repo', tag: '5050' }],
    ['[2001:db8::1]/repo', { registry: '[2001:db8::1]', name: 'repo' }],
    [
      '[2001:db8:1:2:3:4:5:6]/repo:tag',
      { registry: '[2001:db8:1:2:3:4:5:6]', name: 'repo', tag: 'tag' },
    ],
    ['[2001:db8::1]:5000/repo', { registry: '[2001:db8::1]:5000', name: 'repo' }],
    ['[2001:db8::1]:5000/repo:tag', { registry: '[2001:db8::1]:5000', name: 'repo', tag: 'tag' }],
    [`[2001:db8::1]:5000/repo@${SHA}`, { registry: '[2001:db8::1]:5000', name: 'repo', id: SHA }],
    [
      `[2001:db8::1]:5000/repo:tag@${SHA}`,
      { registry: '[2001:db8::1]:5000', name: 'repo', tag: 'tag', id: SHA },
    ],
    ['[2001:db8::]:5000/repo', { registry: '[2001:db8::]:5000', name: 'repo' }],
    ['[::1]:5000/repo', { registry: '[::1]:5000', name: 'repo' }],
    ['[::1]:5000/x', { registry: '[::1]:5000', name: 'x' }],
    [
      '[fc00::1]:5000/docker/docker',
      { registry: '[fc00::1]:5000', namespace: 'docker', name: 'docker' },
    ],
    // NB: an uppercase first component is a domain (distribution normalize), library-go would call it a namespace.
    ['Uppercase/lowercase:tag', { registry: 'Uppercase', name: 'lowercase', tag: 'tag' }],
    ['DOCKER/docker', { registry: 'DOCKER', name: 'docker' }],
    ['Registry.Example.COM:5000/app', { registry: 'Registry.Example.COM:5000', name: 'app' }],
    ['docker---rules/docker', { namespace: 'docker---rules', name: 'docker' }],
    ['dock__er/docker', { namespace: 'dock__er', name: 'docker' }],
    ['d/docker', { namespace: 'd', name: 'docker' }],
    [
      'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
      {
        registry: 'docker.io',
        name: '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
      },
    ],
    [
      `busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa`,
      {
        name: 'busybox',
        tag: 'latest',
        id: 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
      },
    ],
    [`repo@sha384:${'a'.repeat(96)}`, { name: 'repo', id: `sha384:${'a'.repeat(96)}` }],
  ])('distribution: %s', (spec, want) => {
    expect(parseImageReference(spec)).toEqual(ref(want))
  })

  const FORMAT = 'invalid reference format'
  const LOWER = 'invalid reference format: repository name must be lowercase'
  const TOO_LONG = 'repository name must not be more than 255 characters'
  it.each<[string, string]>([
    // distribution/reference TestReferenceParse failures.
    ['', 'repository name must have at least one component'],
    [':justtag', FORMAT],
    [`@${SHA}`, FORMAT],
    [`repo@sha256:${'f'.repeat(34)}`, 'invalid checksum digest length'],
    [`validname@invaliddigest:${F64}`, 'unsupported digest algorithm'],
    ['Uppercase:tag', LOWER],
    ['test:5000/Uppercase/lowercase:tag', LOWER],
    [`${'a/'.repeat(128)}a:tag`, TOO_LONG],
    ['aa/asdf$$^/aa', FORMAT],
    ['[2001:db8::1]', FORMAT],
    ['[2001:db8::1]:5000', FORMAT],
    ['[2001:db8::1]:tag', FORMAT],
    ['[fe80::1%eth0]:5000/repo', FORMAT],
    ['[fe80::1%@invalidzone]:5000/repo', FORMAT],
    // library-go TestParse failures.
    [`bar:5000/${'a'.repeat(63)}/${'b'.repeat(183)}:tag`, TOO_LONG],
    [`docker.io/${'b'.repeat(246)}:tag`, TOO_LONG],
    ['registry.io/foo/bar/:Tag', FORMAT],
    ['https://bar:5000/foo/baz', FORMAT],
    [`http://bar:5000/foo/baz@${LG_SHA}`, FORMAT],
    ['registry:3000/integration/imageStream:success', LOWER],
    [
      'registry:5000/integration/test-image-stream@sha256:00000000000000000000000000000001',
      'invalid checksum digest length',
    ],
    ['abc@badid', FORMAT],
    ['index.docker.io/mysql@sha256:bad', FORMAT],
    [`@${LG_SHA}`, FORMAT],
    [':tag', FORMAT],
    ['bar/foo/baz////biz', FORMAT],
    ['//foo/baz/biz', FORMAT],
    ['ftp://baz/baz/biz', FORMAT],
    // distribution/reference normalize_test.go invalid names.
    ['https://github.com/docker/docker', FORMAT],
    ['docker/Docker', LOWER],
    ['-docker', FORMAT],
    ['-docker/docker', FORMAT],
    ['-docker.io/docker/docker', FORMAT],
    ['docker///docker', FORMAT],
    ['docker.io/docker/Docker', LOWER],
    ['[fc00::1]', FORMAT],
    ['[fc00::1]:5000', FORMAT],
    ['fc00::1:5000/debian', FORMAT],
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', FORMAT],
    ['docker-/docker', FORMAT],
    ['____/____', FORMAT],
    ['_docker/_docker', FORMAT],
    ['dock..er/docker', FORMAT],
    ['dock_.er/docker', FORMAT],
    ['docker/', FORMAT],
    // Digest forms (go-digest rules).
    [`repo@sha256:${'F'.repeat(64)}`, 'invalid checksum digest format'],
    [`repo@SHA256:${F64}`, 'invalid checksum digest format'],
    [`repo@sha512:${F64}`, 'invalid checksum digest length'],
    [`repo:${'t'.repeat(129)}`, FORMAT],
    ['repo:-tag', FORMAT],
    ['repo:.tag', FORMAT],
    ['repo@sha256:abc', FORMAT],
    // NB: library-go would put '@digest' into the registry of a registry-only reference.
    [`quay.io@${SHA}`, FORMAT],
    ['a'.repeat(5000), FORMAT],
    ['foo bar', FORMAT],
    ['foo\n', FORMAT],
  ])('rejects %j', (spec, message) => {
    const err = errorOf(() => parseImageReference(spec))
    expect(isAppError(err, Reason.Invalid)).toBe(true)
    expect((err as Error).message).toBe(message)
  })

  it('finishes quickly on long hostile input', () => {
    const start = Date.now()
    for (const spec of [
      `${'a-'.repeat(2000)}!`,
      `${'a.'.repeat(2000)}/!`,
      `${'a'.repeat(4000)}@`,
    ]) {
      expect(() => parseImageReference(spec)).toThrow()
    }
    expect(Date.now() - start).toBeLessThan(500)
  })
})

describe('repositoryPath', () => {
  it.each([
    ['busybox', 'busybox'],
    ['foo/bar', 'foo/bar'],
    ['quay.io/org/team/app:1', 'org/team/app'],
    ['localhost:5000/app', 'app'],
  ])('%s → %s', (spec, want) => {
    expect(repositoryPath(parseImageReference(spec))).toBe(want)
  })
})

describe('dockerClientDefaults', () => {
  it.each<[string, Partial<ImageReference>]>([
    ['busybox', { registry: 'docker.io', namespace: 'library', name: 'busybox', tag: 'latest' }],
    ['busybox:1.36', { registry: 'docker.io', namespace: 'library', name: 'busybox', tag: '1.36' }],
    ['foo/bar', { registry: 'docker.io', namespace: 'foo', name: 'bar', tag: 'latest' }],
    ['docker.io/bar', { registry: 'docker.io', namespace: 'library', name: 'bar', tag: 'latest' }],
    [
      'index.docker.io/bar',
      { registry: 'index.docker.io', namespace: 'library', name: 'bar', tag: 'latest' },
    ],
    [
      'registry-1.docker.io/bar',
      { registry: 'registry-1.docker.io', namespace: 'library', name: 'bar', tag: 'latest' },
    ],
    ['quay.io/foo', { registry: 'quay.io', name: 'foo', tag: 'latest' }],
    ['localhost:5000/x:1', { registry: 'localhost:5000', name: 'x', tag: '1' }],
    // A digest needs no tag: pulling by digest must not be turned into a pull of :latest.
    [`busybox@${SHA}`, { registry: 'docker.io', namespace: 'library', name: 'busybox', id: SHA }],
    [
      `busybox:1@${SHA}`,
      { registry: 'docker.io', namespace: 'library', name: 'busybox', tag: '1', id: SHA },
    ],
  ])('%s', (spec, want) => {
    expect(dockerClientDefaults(parseImageReference(spec))).toEqual(ref(want))
  })
})

describe('isDockerHub', () => {
  it.each([
    ['docker.io', true],
    ['index.docker.io', true],
    ['registry-1.docker.io', true],
    ['', false],
    ['quay.io', false],
    ['docker.io:443', false],
    ['Docker.io', false],
  ])('%j → %s', (registry, want) => {
    expect(isDockerHub(registry)).toBe(want)
  })
})

describe('registryApiHost', () => {
  it.each([
    ['', 'registry-1.docker.io'],
    ['docker.io', 'registry-1.docker.io'],
    ['index.docker.io', 'registry-1.docker.io'],
    ['registry-1.docker.io', 'registry-1.docker.io'],
    ['quay.io', 'quay.io'],
    ['localhost:5000', 'localhost:5000'],
    ['[::1]:5000', '[::1]:5000'],
  ])('%j → %s', (registry, want) => {
    expect(registryApiHost(registry)).toBe(want)
  })
})

describe('isReferenceDigest', () => {
  it.each([
    [SHA, true],
    [`sha384:${'a'.repeat(96)}`, true],
    [`sha512:${'a'.repeat(128)}`, true],
    [`sha256:${'F'.repeat(64)}`, false],
    [`sha256:${'f'.repeat(63)}`, false],
    [`md5:${'f'.repeat(32)}`, false],
    ['latest', false],
    [':', false],
  ])('%s → %s', (id, want) => {
    expect(isReferenceDigest(id)).toBe(want)
  })
})

describe('mostSpecific', () => {
  it.each<[string, Partial<ImageReference>, Partial<ImageReference>]>([
    ['no id', { name: 'a', tag: 't' }, { name: 'a', tag: 't' }],
    ['digest drops the tag', { name: 'a', tag: 't', id: SHA }, { name: 'a', id: SHA }],
    ['digest without tag', { name: 'a', id: SHA }, { name: 'a', id: SHA }],
    ['v1 id becomes the tag', { name: 'a', id: 'abc' }, { name: 'a', tag: 'abc' }],
    [
      'v1 id with a tag is kept',
      { name: 'a', tag: 't', id: 'abc' },
      { name: 'a', tag: 't', id: 'abc' },
    ],
  ])('%s', (_name, input, want) => {
    expect(mostSpecific(ref(input))).toEqual(ref(want))
  })

  it('imports busybox:latest@digest as busybox@digest', () => {
    expect(exactReference(mostSpecific(parseImageReference(`busybox:latest@${SHA}`)))).toBe(
      `busybox@${SHA}`
    )
  })
})

describe('exactReference and referenceString', () => {
  it.each<[string, Partial<ImageReference>, string, string]>([
    ['empty', {}, '', ''],
    ['name only', { name: 'busybox' }, 'busybox', 'busybox'],
    [
      'hub without namespace',
      { registry: 'docker.io', name: 'busybox' },
      'docker.io/busybox',
      'docker.io/library/busybox',
    ],
    [
      'index.docker.io',
      { registry: 'index.docker.io', name: 'busybox', tag: '1' },
      'index.docker.io/busybox:1',
      'index.docker.io/library/busybox:1',
    ],
    [
      'hub with namespace',
      { registry: 'docker.io', namespace: 'u', name: 'a' },
      'docker.io/u/a',
      'docker.io/u/a',
    ],
    [
      'tag',
      { registry: 'quay.io', namespace: 'o', name: 'a', tag: 't' },
      'quay.io/o/a:t',
      'quay.io/o/a:t',
    ],
    ['id wins over tag', { name: 'a', tag: 't', id: SHA }, `a@${SHA}`, `a@${SHA}`],
    ['v1 id renders as a tag', { name: 'a', id: 'abc' }, 'a:abc', 'a:abc'],
    // NB: library-go renders a registry-only reference with a trailing slash.
    ['registry only', { registry: 'quay.io' }, 'quay.io/', 'quay.io/'],
    ['namespace without name', { namespace: 'ns' }, '', ''],
  ])('%s', (_name, input, exact, str) => {
    expect(exactReference(ref(input))).toBe(exact)
    expect(referenceString(ref(input))).toBe(str)
  })

  it.each([
    'busybox',
    'busybox:latest',
    `busybox@${SHA}`,
    'docker.io/library/busybox:1.36',
    'quay.io/org/team/app:v1',
    'localhost:5000/app',
    `[::1]:5000/x/y@${SHA}`,
    'Registry.Example.COM:5000/app',
  ])('round-trips %s', (spec) => {
    expect(exactReference(parseImageReference(spec))).toBe(spec)
  })
})

describe('normalizedName', () => {
  // distribution/reference normalize_test.go TestParseRepositoryInfo and TestNormalizedSplitHostname.
  it.each([
    ['fooo/bar', 'docker.io/fooo/bar'],
    ['index.docker.io/fooo/bar', 'docker.io/fooo/bar'],
    ['library/ubuntu', 'docker.io/library/ubuntu'],
    ['ubuntu', 'docker.io/library/ubuntu'],
    ['busybox', 'docker.io/library/busybox'],
    ['nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu'],
    ['other/library', 'docker.io/other/library'],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase'],
    ['127.0.0.1:8000/privatebase', '127.0.0.1:8000/privatebase'],
    ['example.com:8000/privatebasee', 'example.com:8000/privatebasee'],
    ['library/ubuntu-12.04-base', 'docker.io/library/ubuntu-12.04-base'],
    ['docker.io/foo', 'docker.io/library/foo'],
    ['library/foo/bar', 'docker.io/library/foo/bar'],
    ['store/foo/bar', 'docker.io/store/foo/bar'],
    ['Foo/bar', 'Foo/bar'],
    ['test_com/foo', 'docker.io/test_com/foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080/foo'],
    [`busybox:latest@${SHA}`, 'docker.io/library/busybox'],
    ['localhost:5000', 'localhost:5000'],
  ])('%s → %s', (spec, want) => {
    expect(normalizedName(parseImageReference(spec))).toBe(want)
  })
})
