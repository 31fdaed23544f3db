import { describe, expect, it } from 'vitest'
import { compileHostGlob } from './host-glob.js'

describe('compileHostGlob', () => {
  it.each([
    // kubernetes keyring_test.go TestUrlsMatch (host parts)
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    ['*.kubernetes.io', 'kubernetes.io', false],
    ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
    ['*.*.kubernetes.io', 'kubernetes.io', false],
    ['kubernetes.io', 'kubernetes.com', false],
    ['k*.io', 'quay.io', false],
    // §3.3: a glob never spans labels
    ['*.io', 'k8s.gcr.io', false],
    ['*.docker.io', 'docker.io', false],
    // filepath.Match syntax
    ['?uay.io', 'quay.io', true],
    ['?uay.io', 'qquay.io', false],
    ['reg[0-9].example.com', 'reg7.example.com', true],
    ['reg[0-9].example.com', 'regx.example.com', false],
    ['reg[^0-9].example.com', 'regx.example.com', true],
    ['reg[^0-9].example.com', 'reg7.example.com', false],
    ['reg[abc].example.com', 'regb.example.com', true],
    ['a\\*b.example.com', 'a*b.example.com', true],
    ['a\\*b.example.com', 'axxb.example.com', false],
    ['*a*b*.io', 'xxaxxbxx.io', true],
    ['*a*b*.io', 'xxbxxaxx.io', false],
    ['**.io', 'quay.io', true],
    ['*', 'localhost', true],
    ['*', 'a.b', false],
    // case-insensitive host names
    ['Quay.IO', 'quay.io', true],
    ['*.Example.com', 'REG.example.COM', true],
    // IPv6 literals compare exactly
    ['::1', '::1', true],
    ['::1', '::2', false],
  ])('%s vs %s → %s', (pattern, host, want) => {
    const matcher = compileHostGlob(pattern)
    expect(matcher).toBeDefined()
    expect(matcher?.(host)).toBe(want)
  })

  it.each([
    ['unclosed class', 'reg[0-9.example.com'],
    ['empty class', 'reg[].example.com'],
    ['dangling escape', 'reg\\'],
    ['range without end', 'reg[a-].io'],
  ])('rejects a malformed pattern: %s', (_name, pattern) => {
    expect(compileHostGlob(pattern)).toBeUndefined()
  })

  it('stays fast on many stars', () => {
    const matcher = compileHostGlob(`${'*a'.repeat(30)}b.io`)
    const started = Date.now()
    expect(matcher?.(`${'a'.repeat(200)}.io`)).toBe(false)
    expect(Date.now() - started).toBeLessThan(500)
  })
})
