import type { FieldError } from '../shared/errors.js'

// Field-level validation errors as k8s.io/apimachinery/pkg/util/validation/field/errors.go builds and
// renders them. The shared FieldError has {type, field, detail}; the rejected value travels in the extra
// `badValue` property so that messages can show it exactly as Kubernetes does.

/** The machine-readable error types (metav1 CauseType values). */
export const FieldErrorType = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
} as const
/** A value of FieldErrorType. */
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType]

/** A FieldError that also carries the rejected value (absent when Kubernetes omits it). */
export type ValuedFieldError = FieldError & { readonly badValue?: unknown }

const TYPE_TEXT: Record<string, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
}

function make(type: FieldErrorType, field: string, detail: string): FieldError {
  return { type, field, detail }
}

function makeValued(
  type: FieldErrorType,
  field: string,
  detail: string,
  badValue: unknown
): FieldError {
  const err: ValuedFieldError = { type, field, detail, badValue }
  return err
}

/** field.Required: a value that must be given was not. */
export function required(field: string, detail = ''): FieldError {
  return make(FieldErrorType.Required, field, detail)
}

/** field.Invalid: a malformed value. */
export function invalid(field: string, value: unknown, detail: string): FieldError {
  return makeValued(FieldErrorType.Invalid, field, detail, value)
}

/** field.Duplicate: a value that must be unique is repeated. */
export function duplicate(field: string, value: unknown): FieldError {
  return makeValued(FieldErrorType.Duplicate, field, '', value)
}

/** field.NotSupported: a value outside an enumeration, with the supported values listed. */
export function notSupported(
  field: string,
  value: unknown,
  validValues: readonly string[]
): FieldError {
  const detail =
    validValues.length === 0 ? '' : `supported values: ${validValues.map(goQuote).join(', ')}`
  return makeValued(FieldErrorType.NotSupported, field, detail, value)
}

/** field.Forbidden: a well-formed value that is not allowed here. */
export function forbidden(field: string, detail: string): FieldError {
  return make(FieldErrorType.Forbidden, field, detail)
}

/** field.TooLong: a value longer than maxLength bytes (the value is not shown). */
export function tooLong(field: string, maxLength: number): FieldError {
  return make(FieldErrorType.TooLong, field, `must have at most ${maxLength} bytes`)
}

/** field.NotFound: a referenced value does not exist. */
export function notFound(field: string, value: unknown): FieldError {
  return makeValued(FieldErrorType.NotFound, field, '', value)
}

/** field.InternalError: a failure not caused by the input. */
export function internalError(field: string, detail: string): FieldError {
  return make(FieldErrorType.Internal, field, detail)
}

/** Returns the rejected value of an error, if it carries one. */
export function badValueOf(err: FieldError): { value: unknown } | undefined {
  return 'badValue' in err ? { value: (err as ValuedFieldError).badValue } : undefined
}

/**
 * Renders an error without its field, as Kubernetes' ErrorBody does (the message of a Status cause), e.g.
 * `Invalid value: "X": invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'`.
 */
export function errorBody(err: FieldError): string {
  let s = TYPE_TEXT[err.type] ?? err.type
  const value = badValueOf(err)
  const hidesValue =
    err.type === FieldErrorType.Required ||
    err.type === FieldErrorType.Forbidden ||
    err.type === FieldErrorType.TooLong ||
    err.type === FieldErrorType.Internal
  if (!hidesValue && value !== undefined) s += `: ${formatValue(value.value)}`
  if (err.detail.length > 0) s += `: ${err.detail}`
  return s
}

/** Renders an error with its field: `spec.tags[0].from.name: Required value`. */
export function formatFieldError(err: FieldError): string {
  return `${err.field}: ${errorBody(err)}`
}

/**
 * Renders a list of errors as Kubernetes' aggregate does: one message as is, several as `[a, b]`,
 * repeated messages once.
 */
export function formatFieldErrors(errs: readonly FieldError[]): string {
  const seen = new Set<string>()
  for (const e of errs) seen.add(formatFieldError(e))
  const msgs = [...seen]
  if (msgs.length === 1) return msgs[0] ?? ''
  return `[${msgs.join(', ')}]`
}

// Go prints nil as "null" through %q, numbers and booleans plainly; other values are shown as JSON
// (Go would print its own %#v syntax, which has no TypeScript equivalent).
function formatValue(value: unknown): string {
  if (value === null || value === undefined) return goQuote('null')
  if (typeof value === 'string') return goQuote(value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  return JSON.stringify(value) ?? String(value)
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u
const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
}

/** Quotes a string as Go's strconv.Quote (and so fmt's %q) does. */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (cp >= 0x20 && cp < 0x7f) out += ch
    else if (SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch]
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'
    else if (PRINTABLE.test(ch)) out += ch
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += `\\U${cp.toString(16).padStart(8, '0')}`
  }
  return `${out}"`
}
