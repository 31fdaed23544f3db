import { describe, expect, it } from 'vitest'
import { parseChallenges, pickChallenge } from './challenge.js'

describe('parseChallenges', () => {
  it.each([
    {
      // distribution internal/client/auth/challenge/authchallenge_test.go TestAuthChallengeParse
      name: 'distribution: bearer with token, quoted and escaped params',
      in: `Bearer realm="https://auth.example.com/token",service="registry.example.com",other=fun,slashed="he\\"\\l\\lo"`,
      want: [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example.com/token',
            service: 'registry.example.com',
            other: 'fun',
            slashed: 'he"llo',
          },
        },
      ],
    },
    {
      name: 'Docker Hub bearer',
      in: `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:docker/docker:pull"`,
      want: [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:docker/docker:pull',
          },
        },
      ],
    },
    {
      name: 'basic',
      in: 'Basic realm="GitHub Package Registry"',
      want: [{ scheme: 'basic', params: { realm: 'GitHub Package Registry' } }],
    },
    {
      name: 'scheme and parameter names are case-insensitive',
      in: 'BaSiC ReAlM="Case insensitive key"',
      want: [{ scheme: 'basic', params: { realm: 'Case insensitive key' } }],
    },
    {
      name: 'unquoted value',
      in: 'Basic realm=unquoted',
      want: [{ scheme: 'basic', params: { realm: 'unquoted' } }],
    },
    {
      name: 'unquoted value that is not a token',
      in: 'Basic realm=/',
      want: [{ scheme: 'basic', params: { realm: '/' } }],
    },
    {
      name: 'spaces around = and after commas',
      in: 'Bearer realm = "https://a/token" ,  service=svc',
      want: [{ scheme: 'bearer', params: { realm: 'https://a/token', service: 'svc' } }],
    },
    {
      name: 'two challenges on one line',
      in: 'Basic realm="a", Bearer realm="https://b/token",service="s"',
      want: [
        { scheme: 'basic', params: { realm: 'a' } },
        { scheme: 'bearer', params: { realm: 'https://b/token', service: 's' } },
      ],
    },
    {
      name: 'scope with spaces and error param (distribution 2.8.2 mount challenge)',
      in: 'Bearer realm="http://127.0.0.1:5199/token",service="test-registry",scope="repository:other/repo:pull,push repository:team/app:pull",error="insufficient_scope"',
      want: [
        {
          scheme: 'bearer',
          params: {
            realm: 'http://127.0.0.1:5199/token',
            service: 'test-registry',
            scope: 'repository:other/repo:pull,push repository:team/app:pull',
            error: 'insufficient_scope',
          },
        },
      ],
    },
    {
      name: 'token68 scheme then another challenge',
      in: 'Negotiate abc123==, Basic realm="x"',
      want: [
        { scheme: 'negotiate', params: { '': 'abc123==' } },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    },
    {
      name: 'scheme without parameters',
      in: 'Basic',
      want: [{ scheme: 'basic', params: {} }],
    },
    {
      name: 'missing close quote drops the broken challenge',
      in: 'Basic realm="GitHub Package Registry',
      want: [],
    },
    {
      name: 'missing value after escape drops the broken challenge',
      in: 'Basic realm="GitHub Package Registry\\',
      want: [],
    },
    {
      name: 'a broken second challenge keeps the first',
      in: 'Basic realm="a", Bearer realm="b',
      want: [{ scheme: 'basic', params: { realm: 'a' } }],
    },
    { name: 'empty', in: '', want: [] },
  ])('$name', ({ in: input, want }) => {
    expect(parseChallenges(input)).toEqual(want)
  })

  it('parses each header line separately', () => {
    expect(parseChallenges(['Bearer realm="https://a/t"', 'Basic realm="b"'])).toEqual([
      { scheme: 'bearer', params: { realm: 'https://a/t' } },
      { scheme: 'basic', params: { realm: 'b' } },
    ])
  })

  it('returns nothing for a missing header', () => {
    expect(parseChallenges(undefined)).toEqual([])
  })
})

describe('pickChallenge', () => {
  it('prefers Bearer over Basic whatever the order', () => {
    const picked = pickChallenge(parseChallenges(['Basic realm="b"', 'Bearer realm="https://a/t"']))
    expect(picked?.scheme).toBe('bearer')
  })

  it('ignores a Bearer challenge without realm', () => {
    const picked = pickChallenge(parseChallenges('Bearer service="x", Basic realm="b"'))
    expect(picked?.scheme).toBe('basic')
    expect(pickChallenge(parseChallenges('Bearer service="x"'))).toBeUndefined()
  })

  it('returns undefined for unknown schemes only', () => {
    expect(pickChallenge(parseChallenges('Negotiate abc=='))).toBeUndefined()
  })
})
