import { describe, expect, it } from 'vitest'
import {
  type FieldRequirement,
  fieldValue,
  matchesFields,
  parseFieldSelector,
} from './field-selector.js'

describe('parseFieldSelector', () => {
  it.each<[string, FieldRequirement[]]>([
    ['', []],
    ['metadata.name=web', [{ field: 'metadata.name', operator: '=', value: 'web' }]],
    ['metadata.name==web', [{ field: 'metadata.name', operator: '=', value: 'web' }]],
    [
      'metadata.namespace!=kube-system',
      [{ field: 'metadata.namespace', operator: '!=', value: 'kube-system' }],
    ],
    [
      'metadata.name=a\\,b,metadata.namespace=ns',
      [
        { field: 'metadata.name', operator: '=', value: 'a,b' },
        { field: 'metadata.namespace', operator: '=', value: 'ns' },
      ],
    ],
    ['metadata.name=', [{ field: 'metadata.name', operator: '=', value: '' }]],
  ])('%j', (input, expected) => {
    expect(parseFieldSelector(input)).toEqual(expected)
  })

  it('rejects unknown fields as Kubernetes does', () => {
    expect(() => parseFieldSelector('spec.x=1')).toThrow(
      '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"'
    )
  })

  it('accepts extra fields a kind allows', () => {
    const allowed = ['metadata.name', 'metadata.namespace', 'spec.dockerImageRepository']
    expect(parseFieldSelector('spec.dockerImageRepository=quay.io/x', allowed)).toEqual([
      { field: 'spec.dockerImageRepository', operator: '=', value: 'quay.io/x' },
    ])
  })

  it('rejects terms without an operator and bad escapes', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(/can't understand 'metadata.name'/)
    expect(() => parseFieldSelector('metadata.name=a\\b')).toThrow(/invalid escape sequence/)
  })
})

describe('matchesFields', () => {
  const obj = { metadata: { name: 'web', namespace: 'team' } }
  it.each<[string, boolean]>([
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name!=web', false],
    ['metadata.namespace=team,metadata.name!=db', true],
    ['metadata.namespace=other', false],
  ])('%j', (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector), obj)).toBe(expected)
  })

  it('reads absent fields as empty', () => {
    expect(fieldValue({}, 'metadata.namespace')).toBe('')
    expect(matchesFields(parseFieldSelector('metadata.namespace='), { metadata: {} })).toBe(true)
  })
})
