import { AppError, Reason } from '../shared/errors.js'
import type { ApiObject } from './meta.js'

// Field selectors (k8s.io/apimachinery/pkg/fields/selector.go): `field=value`, `field==value` or
// `field!=value`, joined by commas; `\` escapes `,`, `=`, `!` and `\` in values.

/** One term of a field selector. */
export type FieldRequirement = {
  readonly field: string
  readonly operator: '=' | '!='
  readonly value: string
}

/** A parsed field selector: every term must hold. Empty selects everything. */
export type FieldSelector = readonly FieldRequirement[]

/** The fields every kind supports. */
export const DEFAULT_SELECTABLE_FIELDS: readonly string[] = ['metadata.name', 'metadata.namespace']

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? ''
    if (c === '\\' && i + 1 < s.length) {
      current += c + (s[i + 1] ?? '')
      i++
    } else if (c === sep) {
      parts.push(current)
      current = ''
    } else {
      current += c
    }
  }
  parts.push(current)
  return parts
}

function unescapeValue(value: string): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? ''
    if (c !== '\\') {
      out += c
      continue
    }
    const n = value[i + 1]
    if (n === undefined || !'\\,=!'.includes(n)) {
      throw new AppError(Reason.BadRequest, `invalid field selector: invalid escape sequence`)
    }
    out += n
    i++
  }
  return out
}

/**
 * Parses a field selector such as `metadata.name=web,metadata.namespace!=kube-system`. Fields outside
 * `allowed` are rejected as Kubernetes does: `"spec.x" is not a known field selector: only
 * "metadata.name", "metadata.namespace"`. Throws AppError(BadRequest).
 */
export function parseFieldSelector(
  selector: string,
  allowed: readonly string[] = DEFAULT_SELECTABLE_FIELDS
): FieldSelector {
  if (selector.trim() === '') return []
  return splitUnescaped(selector, ',').map((term): FieldRequirement => {
    let operator: '=' | '!=' | undefined
    let at = -1
    for (let i = 0; i < term.length; i++) {
      if (term[i] === '\\') {
        i++
        continue
      }
      if (term.startsWith('!=', i)) {
        operator = '!='
        at = i
        break
      }
      if (term[i] === '=') {
        operator = '='
        at = i
        break
      }
    }
    if (operator === undefined) {
      throw new AppError(
        Reason.BadRequest,
        `invalid selector: '${selector}'; can't understand '${term}'`
      )
    }
    const field = term.slice(0, at).trim()
    let rest = term.slice(at + operator.length)
    if (operator === '=' && rest.startsWith('=')) rest = rest.slice(1)
    if (!allowed.includes(field)) {
      const only = allowed.map((f) => JSON.stringify(f)).join(', ')
      throw new AppError(
        Reason.BadRequest,
        `${JSON.stringify(field)} is not a known field selector: only ${only}`
      )
    }
    return { field, operator, value: unescapeValue(rest) }
  })
}

/** The value of a selectable field of an object ('' when absent). */
export function fieldValue(obj: ApiObject, field: string): string {
  let cur: unknown = obj
  for (const part of field.split('.')) {
    if (typeof cur !== 'object' || cur === null) return ''
    cur = (cur as Record<string, unknown>)[part]
  }
  return typeof cur === 'string' ? cur : ''
}

/** Reports whether an object satisfies every term of the selector. */
export function matchesFields(selector: FieldSelector, obj: ApiObject): boolean {
  return selector.every((r) => (fieldValue(obj, r.field) === r.value) === (r.operator === '='))
}
