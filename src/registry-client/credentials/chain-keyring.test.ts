import { describe, expect, it } from 'vitest'
import { chainKeyrings } from './chain-keyring.js'
import { anonymousKeyring, type Keyring } from './types.js'

const fixed = (name: string, notes: string[] = []): Keyring => ({
  lookup: () => ({ credentials: [{ username: name, password: 'x', source: name }], notes }),
})
const target = { registry: 'quay.io', repository: 'a/b', scheme: 'https' } as const

describe('chainKeyrings', () => {
  it.each([
    ['nothing', [], [], []],
    ['anonymous only', [anonymousKeyring], [], []],
    [
      'in argument order',
      [fixed('secrets', ['n1']), anonymousKeyring, fixed('node', ['n2'])],
      ['secrets', 'node'],
      ['n1', 'n2'],
    ],
    ['notes once', [fixed('a', ['same']), fixed('b', ['same'])], ['a', 'b'], ['same']],
  ])('%s', (_name, keyrings, users, notes) => {
    const got = chainKeyrings(...keyrings).lookup(target)
    expect(got.credentials.map((c) => c.username)).toEqual(users)
    expect(got.notes).toEqual(notes)
  })
})
