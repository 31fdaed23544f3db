import { describe, expect, it } from 'vitest'
import { hasUnsafePathSegment, parseRepositoryName } from './names.js'
import { parseEndpoint } from './paths.js'

describe('parseEndpoint', () => {
  it.each([
    ['/v2/', { kind: 'base' }],
    ['/v2', { kind: 'base' }],
    ['/v2/_catalog', { kind: 'catalog' }],
    ['/v2/ns/s/tags/list', { kind: 'tags', name: 'ns/s' }],
    ['/v2/ns/s/manifests/v1', { kind: 'manifest', name: 'ns/s', reference: 'v1' }],
    ['/v2/ns/blobs/manifests/v1', { kind: 'manifest', name: 'ns/blobs', reference: 'v1' }],
    ['/v2/ns/s/blobs/sha256:ab', { kind: 'blob', name: 'ns/s', digest: 'sha256:ab' }],
    ['/v2/ns/s/blobs/uploads/', { kind: 'uploads', name: 'ns/s' }],
    ['/v2/ns/s/blobs/uploads', { kind: 'uploads', name: 'ns/s' }],
    ['/v2/ns/s/blobs/uploads/abc', { kind: 'upload', name: 'ns/s', id: 'abc' }],
    ['/v2/ns/s/referrers/sha256:ab', { kind: 'referrers', name: 'ns/s', digest: 'sha256:ab' }],
    ['/v2/ns/s/other', { kind: 'unknown' }],
    ['/v2/ns/s/manifests/', { kind: 'unknown' }],
  ])('%s', (path, want) => {
    expect(parseEndpoint(path)).toEqual(want)
  })
})

describe('parseRepositoryName', () => {
  it('accepts <namespace>/<stream>', () => {
    expect(parseRepositoryName('team-a/my.app_x')).toEqual({
      namespace: 'team-a',
      stream: 'my.app_x',
      name: 'team-a/my.app_x',
    })
  })

  it.each([
    'Team/app',
    'team',
    'team/app/x',
    'team//app',
    'team/../app',
    'team/%2e%2e',
    'team/.app',
    'team_x/app',
    '',
    `team/${'a'.repeat(256)}`,
  ])('refuses %j with NAME_INVALID', (name) => {
    expect(() => parseRepositoryName(name)).toThrow(
      expect.objectContaining({ code: 'NAME_INVALID', status: 400 })
    )
  })
})

describe('hasUnsafePathSegment', () => {
  it.each([
    ['/v2/a/../b', true],
    ['/v2/a/%2e%2e/b', true],
    ['/v2/a/%2E./b', true],
    ['/v2/a/./b', true],
    ['/v2/a%2Fb', true],
    ['/v2/a\\b', true],
    ['/v2/a/b/..', true],
    ['/v2/a/b..c/manifests/x..y', false],
    ['/v2/a/b/manifests/v1?x=..', false],
  ])('%s → %s', (path, want) => {
    expect(hasUnsafePathSegment(path)).toBe(want)
  })
})
