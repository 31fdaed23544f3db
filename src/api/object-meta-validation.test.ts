import { describe, expect, it } from 'vitest'
import { formatFieldError } from './field-errors.js'
import type { ObjectMeta } from './meta.js'
import { nameIsDNSSubdomain } from './name-validation.js'
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation.js'

const rules = { namespaced: true, nameFn: nameIsDNSSubdomain }
const messages = (meta: ObjectMeta, r = rules) => validateObjectMeta(meta, r).map(formatFieldError)

describe('validateObjectMeta', () => {
  it('accepts a plain namespaced object', () => {
    expect(messages({ name: 'pull', namespace: 'team', labels: { app: 'x' } })).toEqual([])
  })

  it.each<[string, ObjectMeta, string[]]>([
    [
      'missing name',
      { namespace: 'ns' },
      ['metadata.name: Required value: name or generateName is required'],
    ],
    ['missing namespace', { name: 'a' }, ['metadata.namespace: Required value']],
    [
      'invalid namespace',
      { name: 'a', namespace: '!$' },
      [
        `metadata.namespace: Invalid value: "!$": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      ],
    ],
    [
      'negative generation',
      { name: 'a', namespace: 'n', generation: -1 },
      ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'bad label value',
      { name: 'a', namespace: 'n', labels: { app: 'a b' } },
      [
        `metadata.labels: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    ],
    [
      'duplicate controllers',
      {
        name: 'a',
        namespace: 'n',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'A', name: 'x', uid: '1', controller: true },
          { apiVersion: 'v1', kind: 'B', name: 'y', uid: '2', controller: true },
        ],
      },
      [
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"v1","kind":"A","name":"x","uid":"1","controller":true},{"apiVersion":"v1","kind":"B","name":"y","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for A/x and B/y',
      ],
    ],
  ])('%s', (_name, meta, expected) => {
    expect(messages(meta)).toEqual(expected)
  })

  it('checks annotation keys case-insensitively and their total size', () => {
    expect(
      messages({ name: 'a', namespace: 'n', annotations: { 'Example.COM/Key': 'v' } })
    ).toEqual([])
    const big = { name: 'a', namespace: 'n', annotations: { k: 'x'.repeat(256 * 1024) } }
    expect(messages(big)).toEqual([
      'metadata.annotations: Too long: must have at most 262144 bytes',
    ])
  })

  it('forbids a namespace on cluster-scoped kinds', () => {
    expect(
      messages({ name: 'a', namespace: 'n' }, { namespaced: false, nameFn: nameIsDNSSubdomain })
    ).toEqual(['metadata.namespace: Forbidden: not allowed on this type'])
  })

  it('validates generateName with the prefix rule', () => {
    expect(messages({ generateName: 'pull-', name: 'pull-abcde', namespace: 'n' })).toEqual([])
    expect(messages({ generateName: 'Pull-', name: 'pull-x', namespace: 'n' })).toHaveLength(1)
  })

  it('rejects conflicting deletion finalizers', () => {
    expect(
      messages({ name: 'a', namespace: 'n', finalizers: ['orphan', 'foregroundDeletion'] })
    ).toEqual([
      'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
    ])
  })
})

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'a',
    namespace: 'n',
    uid: 'u1',
    resourceVersion: '5',
    generation: 3,
  }

  it('accepts an update that keeps identity', () => {
    expect(validateObjectMetaUpdate({ ...old, labels: { x: 'y' } }, old)).toEqual([])
  })

  it('requires a resourceVersion and keeps identity fields', () => {
    const next: ObjectMeta = { name: 'b', namespace: 'n', uid: 'u2', generation: 2 }
    expect(validateObjectMetaUpdate(next, old).map(formatFieldError)).toEqual([
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 2: must not be decremented',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ])
  })
})
