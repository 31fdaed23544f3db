import { describe, expect, it } from 'vitest'
import { classifyPullSpecs } from './in-use-references.js'

const DIGEST = `sha256:${'a'.repeat(64)}`

describe('classifyPullSpecs', () => {
  it.each([
    ['our registry by tag', 'Registry.Local:5000/team/app:v1', [], ['team/app:v1']],
    ['our registry without tag', 'registry.local:5000/team/app', [], ['team/app:latest']],
    ['another registry by tag', 'quay.io/team/app:v1', [], []],
    ['our registry, too deep for a stream', 'registry.local:5000/a/b/c:v1', [], []],
    ['by digest anywhere', `quay.io/x/y@${DIGEST}`, [DIGEST], []],
    [
      'our registry by tag and digest',
      `registry.local:5000/team/app:v1@${DIGEST}`,
      [DIGEST],
      ['team/app:v1'],
    ],
    ['Docker Hub short name', 'busybox', [], []],
  ])('%s', (_name, spec, digests, tags) => {
    const refs = classifyPullSpecs([spec], ['registry.local:5000'])
    expect([...refs.digests]).toEqual(digests)
    expect([...refs.tags]).toEqual(tags)
    expect(refs.invalid).toEqual([])
  })

  it('reports what does not parse', () => {
    expect(classifyPullSpecs(['not a ref', 'a/b@sha256:12'], []).invalid).toEqual([
      'not a ref',
      'a/b@sha256:12',
    ])
  })
})
