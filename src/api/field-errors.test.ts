import { describe, expect, it } from 'vitest'
import type { FieldError } from '../shared/errors.js'
import {
  duplicate,
  errorBody,
  forbidden,
  formatFieldError,
  formatFieldErrors,
  goQuote,
  internalError,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
} from './field-errors.js'

describe('field error rendering', () => {
  it.each<[string, FieldError, string]>([
    ['required', required('spec.tags[0].from.name'), 'Required value'],
    [
      'required with detail',
      required('metadata.name', 'name or generateName is required'),
      'Required value: name or generateName is required',
    ],
    [
      'invalid string',
      invalid(
        'spec.tags[0].importPolicy.importMode',
        'X',
        "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'"
      ),
      `Invalid value: "X": invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'`,
    ],
    [
      'invalid bool',
      invalid('spec.tags[0].importPolicy.scheduled', true, 'no'),
      'Invalid value: true: no',
    ],
    [
      'invalid number',
      invalid('x.manifestSize', -2, 'manifest size cannot be negative'),
      'Invalid value: -2: manifest size cannot be negative',
    ],
    [
      'invalid nil',
      invalid('spec.images', null, 'you must specify at least one image or a repository import'),
      'Invalid value: "null": you must specify at least one image or a repository import',
    ],
    ['duplicate', duplicate('spec.tags[1].name', 'latest'), 'Duplicate value: "latest"'],
    [
      'not supported',
      notSupported('type', 'x', ['a', 'b']),
      'Unsupported value: "x": supported values: "a", "b"',
    ],
    [
      'forbidden',
      forbidden('metadata.namespace', 'not allowed on this type'),
      'Forbidden: not allowed on this type',
    ],
    [
      'too long',
      tooLong('metadata.annotations', 262144),
      'Too long: must have at most 262144 bytes',
    ],
    ['not found', notFound('spec.tags[0].from.name', 'other:tag'), 'Not found: "other:tag"'],
    ['internal', internalError('', 'boom'), 'Internal error: boom'],
  ])('%s', (_name, err, body) => {
    expect(errorBody(err)).toBe(body)
  })

  it('renders a field error with its path', () => {
    expect(formatFieldError(required('spec.tags[0].from.name'))).toBe(
      'spec.tags[0].from.name: Required value'
    )
  })

  it('aggregates one error bare and several in brackets, without repeats', () => {
    const a = required('a')
    const b = required('b')
    expect(formatFieldErrors([a])).toBe('a: Required value')
    expect(formatFieldErrors([a, b, a])).toBe('[a: Required value, b: Required value]')
  })

  it('keeps the shared FieldError shape', () => {
    expect(invalid('f', 'v', 'd')).toMatchObject({
      type: 'FieldValueInvalid',
      field: 'f',
      detail: 'd',
    })
  })
})

describe('goQuote', () => {
  it.each<[string, string]>([
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['tab\tnl\n', '"tab\\tnl\\n"'],
    ['\x00\x7f', '"\\x00\\x7f"'],
    ['héllo ✓', '"héllo ✓"'],
    ['\u00a0', '"\\u00a0"'],
  ])('%j', (input, expected) => {
    expect(goQuote(input)).toBe(expected)
  })
})
