import { describe, expect, it } from 'vitest'
import { parseImageReference } from '../oci/reference.js'
import { createRegistryAdmitter, isWildcardMatch, registryHostPort } from './allowed-registries.js'

describe('isWildcardMatch (OpenShift IsWildcardMatch)', () => {
  it.each([
    ['quay.io', 'quay.io', true],
    ['quay.io', '*.io', true],
    ['registry.quay.io', '*.quay.io', true],
    ['quay.io', '*.quay.io', false],
    ['443', '4?3', true],
    ['443', '*', true],
    ['', '*', true],
    ['80', '443', false],
  ])('%s against %s: %s', (s, p, want) => {
    expect(isWildcardMatch(s, p)).toBe(want)
  })
})

describe('registryHostPort (library-go RegistryHostPort)', () => {
  it.each([
    ['quay.io/a/b', false, ['quay.io', '443']],
    ['quay.io/a/b', true, ['quay.io', '80']],
    ['quay.io:5000/a/b', true, ['quay.io', '5000']],
    ['busybox', false, ['registry-1.docker.io', '443']],
    ['docker.io/library/busybox', true, ['registry-1.docker.io', '80']],
  ] as const)('%s insecure=%s → %j', (ref, insecure, want) => {
    expect(registryHostPort(parseImageReference(ref), insecure)).toEqual(want)
  })
})

describe('createRegistryAdmitter (allowedRegistriesForImport)', () => {
  const admit = createRegistryAdmitter(
    [
      { domainName: 'quay.io' },
      { domainName: 'docker.io' },
      { domainName: 'insecure.example.com', insecure: true },
      { domainName: '*.corp.example.com:5000' },
    ],
    'registry.local:5000'
  )
  const check = (ref: string, insecure = false) => admit(parseImageReference(ref), insecure)

  it.each([
    ['quay.io/a/b:1', false],
    ['busybox', false],
    ['docker.io/library/busybox', false],
    ['index.docker.io/library/busybox', false],
    ['insecure.example.com/a/b', true],
    ['team.corp.example.com:5000/a/b', false],
    ['registry.local:5000/ns/is', false],
  ] as const)('admits %s (insecure %s)', (ref, insecure) => {
    expect(check(ref, insecure)).toBeUndefined()
  })

  it('refuses with :443 by default and :80 when insecure, listing the allowed registries', () => {
    expect(check('quay.io/a/b', true)).toBe(
      'importing images from registry "quay.io:80" is forbidden: registry "quay.io:80" not allowed by whitelist: "registry.local:5000", "quay.io:443", "docker.io:443", "insecure.example.com:80", "*.corp.example.com:5000"'
    )
    expect(check('insecure.example.com/a/b')).toContain(
      'registry "insecure.example.com:443" not allowed by whitelist'
    )
    expect(check('corp.example.com:5000/a/b')).toContain('forbidden')
  })

  it('lists five entries at most', () => {
    const many = createRegistryAdmitter(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((h) => ({ domainName: `${h}.io` })),
      undefined
    )
    expect(many(parseImageReference('quay.io/a/b'), false)).toBe(
      'importing images from registry "quay.io:443" is forbidden: registry "quay.io:443" not allowed by whitelist: "a.io:443", "b.io:443", "c.io:443", "d.io:443", and 2 more ...'
    )
  })

  it('an empty list admits only our registry; no setting admits everything', () => {
    const only = createRegistryAdmitter([], undefined)
    expect(only(parseImageReference('quay.io/a/b'), false)).toBe(
      'importing images from registry "quay.io:443" is forbidden: registry "quay.io:443" not allowed by empty whitelist'
    )
    const all = createRegistryAdmitter(undefined, undefined)
    expect(all(parseImageReference('quay.io/a/b'), false)).toBeUndefined()
  })
})
