import { describe, expect, it } from 'vitest'
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isLabelValue,
  isQualifiedName,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
  validatePathSegmentName,
} from './name-validation.js'

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

describe('regexError', () => {
  it('lists examples with the double space Kubernetes prints', () => {
    expect(regexError('msg', 'x', 'a', 'b')).toBe(
      "msg (e.g. 'a',  or 'b', regex used for validation is 'x')"
    )
    expect(regexError('msg', 'x')).toBe("msg (regex used for validation is 'x')")
  })
})

describe('isDNS1123Label', () => {
  it.each<[string, string[]]>([
    ['default', []],
    ['a-1', []],
    ['1abc', []],
    ['a.b', ['must not contain dots']],
    ['!$', [LABEL_MSG]],
    ['Upper', [LABEL_MSG]],
    ['-a', [LABEL_MSG]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ])('%s', (value, expected) => {
    expect(isDNS1123Label(value)).toEqual(expected)
  })
})

describe('isDNS1123Subdomain', () => {
  it.each<[string, string[]]>([
    ['quay-pull', []],
    ['a.b.c', []],
    ['a_b', [SUBDOMAIN_MSG]],
    ['a.', [SUBDOMAIN_MSG]],
    ['a'.repeat(254), ['must be no more than 253 characters']],
  ])('%s', (value, expected) => {
    expect(isDNS1123Subdomain(value)).toEqual(expected)
  })
})

describe('isQualifiedName', () => {
  it.each<[string, number]>([
    ['app', 0],
    ['openshift.io/display-name', 0],
    ['app.kubernetes.io/name', 0],
    ['A_b.c', 0],
    ['/name', 1],
    ['a/b/c', 1],
    ['-bad', 1],
    ['Bad_Prefix/x', 1],
    ['', 2],
  ])('%s has %i problems', (value, count) => {
    expect(isQualifiedName(value)).toHaveLength(count)
  })

  it('words the problems as Kubernetes does', () => {
    expect(isQualifiedName('/x')).toEqual(['prefix part must be non-empty'])
    expect(isQualifiedName('x'.repeat(64))).toEqual([
      'name part must be no more than 63 characters',
    ])
    expect(isQualifiedName('a/b/c')[0]).toMatch(
      /^a valid label key must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/
    )
  })
})

describe('isLabelValue', () => {
  it.each<[string, number]>([
    ['', 0],
    ['v1.2_3-x', 0],
    ['-x', 1],
    ['a b', 1],
    ['x'.repeat(64), 1],
  ])('%j has %i problems', (value, count) => {
    expect(isLabelValue(value)).toHaveLength(count)
  })
})

describe('isConfigMapKey', () => {
  it.each<[string, string[]]>([
    ['.dockerconfigjson', []],
    ['auth.json', []],
    ['.', ["must not be '.'"]],
    ['..x', ["must not start with '..'"]],
  ])('%s', (value, expected) => {
    expect(isConfigMapKey(value)).toEqual(expected)
  })

  it('rejects characters outside the key grammar', () => {
    expect(isConfigMapKey('a/b')[0]).toMatch(/^a valid config key must consist of alphanumeric/)
  })
})

describe('name validators', () => {
  it.each<[string, boolean, string[]]>([
    ['ok', false, []],
    ['.', false, ["may not be '.'"]],
    ['..', false, ["may not be '..'"]],
    ['a/b%', false, ["may not contain '/'", "may not contain '%'"]],
    ['..', true, []],
  ])('validatePathSegmentName(%j, prefix=%s)', (name, prefix, expected) => {
    expect(validatePathSegmentName(name, prefix)).toEqual(expected)
  })

  it('lets a generateName end with a dash', () => {
    expect(nameIsDNSSubdomain('builder-', true)).toEqual([])
    expect(nameIsDNSSubdomain('builder-', false)).toHaveLength(1)
    expect(nameIsDNSLabel('ns-', true)).toEqual([])
  })
})
