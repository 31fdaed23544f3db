import { describe, expect, it } from 'vitest'
import { immutableTagMatcher, SEMVER_TAG_PATTERN } from './immutable-tags.js'
import { tagSource } from './tag-source.js'

const source = (from: string) => {
  const s = tagSource({ name: 'x', from: { kind: 'DockerImage', name: from } })
  if (s === undefined) throw new Error('no source')
  return s
}

describe('immutable tags', () => {
  it.each([
    ['quay.io/a/b:1.2.3', true],
    ['quay.io/a/b:v1.25.3', true],
    ['quay.io/a/b:1.2', false],
    ['quay.io/a/b:latest', false],
    ['quay.io/a/b:1.2.3-rc1', false],
    [`quay.io/a/b@sha256:${'a'.repeat(64)}`, true],
  ])('%s immutable: %s', (from, want) => {
    expect(immutableTagMatcher([SEMVER_TAG_PATTERN])(source(from))).toBe(want)
  })

  it('matches the source tag, not the stream tag, and treats digests as immutable without patterns', () => {
    expect(immutableTagMatcher()(source('busybox:1.36.1'))).toBe(false)
    expect(immutableTagMatcher()(source(`busybox@sha256:${'b'.repeat(64)}`))).toBe(true)
    expect(source('busybox')).toMatchObject({
      registry: 'docker.io',
      repository: 'library/busybox',
      tag: 'latest',
    })
  })

  it('refuses a pattern that does not compile', () => {
    expect(() => immutableTagMatcher(['('])).toThrow(/invalid immutable tag pattern/)
  })
})
