import { describe, expect, it } from 'vitest'
import {
  formatScope,
  mergeScopes,
  parseScope,
  parseScopes,
  repositoryScope,
  scopesCover,
} from './scope.js'

describe('parseScope', () => {
  it.each([
    ['repository:team/app:pull', { type: 'repository', name: 'team/app', actions: ['pull'] }],
    [
      'repository:team/app:push,pull',
      { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
    ],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    // The name may carry a host with port: type splits at the first ':', actions at the last.
    [
      'repository:localhost:5000/team/app:pull',
      { type: 'repository', name: 'localhost:5000/team/app', actions: ['pull'] },
    ],
    // The deprecated resource class is dropped.
    [
      'repository(plugin):team/app:pull',
      { type: 'repository', name: 'team/app', actions: ['pull'] },
    ],
    ['repository:team/app:', { type: 'repository', name: 'team/app', actions: [] }],
  ])('parses %s', (input, want) => {
    expect(parseScope(input)).toEqual(want)
  })

  it.each([
    'repository',
    'repository:team/app',
    ':team/app:pull',
    'Repository:team/app:pull',
    'repository::pull',
    'repository:team/app:PULL',
  ])('rejects %s', (input) => {
    expect(parseScope(input)).toBeUndefined()
  })

  it('round-trips through formatScope', () => {
    const s = 'repository:localhost:5000/a/b:pull,push'
    const parsed = parseScope(s)
    expect(parsed && formatScope(parsed)).toBe(s)
  })
})

describe('parseScopes', () => {
  it('splits on spaces and skips malformed entries', () => {
    expect(parseScopes('repository:a:pull  bogus repository:b:pull,push').map(formatScope)).toEqual(
      ['repository:a:pull', 'repository:b:pull,push']
    )
    expect(parseScopes(undefined)).toEqual([])
  })
})

describe('mergeScopes', () => {
  it('unions actions per resource and sorts for stable cache keys', () => {
    const merged = mergeScopes(
      [repositoryScope('team/app')],
      parseScopes('repository:other/app:pull repository:team/app:push')
    )
    expect(merged.map(formatScope)).toEqual([
      'repository:other/app:pull',
      'repository:team/app:pull,push',
    ])
  })
})

describe('scopesCover', () => {
  it('needs every action of every resource', () => {
    const have = parseScopes('repository:a:pull,push registry:catalog:*')
    expect(scopesCover(have, parseScopes('repository:a:pull'))).toBe(true)
    expect(scopesCover(have, parseScopes('registry:catalog:search'))).toBe(true)
    expect(scopesCover(have, parseScopes('repository:a:delete'))).toBe(false)
    expect(scopesCover(have, parseScopes('repository:b:pull'))).toBe(false)
  })
})
