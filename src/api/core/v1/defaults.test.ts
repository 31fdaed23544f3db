import { describe, expect, it } from 'vitest'
import { setDefaultsSecret } from './defaults.js'
import type { Secret } from './types.js'

describe('setDefaultsSecret', () => {
  it.each<[string | undefined, string]>([
    [undefined, 'Opaque'],
    ['', 'Opaque'],
    ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockerconfigjson'],
  ])('type %j becomes %j', (type, expected) => {
    const s: Secret = { metadata: { name: 'a' }, ...(type === undefined ? {} : { type }) }
    setDefaultsSecret(s)
    expect(s.type).toBe(expected)
  })
})
