import { AppError, Reason } from '../shared/errors.js'
import { isLabelValue, isQualifiedName } from './name-validation.js'

// Label selectors with the grammar of k8s.io/apimachinery/pkg/labels/selector.go:
//   selector    ::= requirement { "," requirement }
//   requirement ::= [ "!" ] KEY [ ( "=" | "==" | "!=" ) VALUE | ( "in" | "notin" ) "(" VALUES ")"
//                   | ( ">" | "<" ) INTEGER ]

/** Selection operators. */
export const SelectorOperator = {
  Equals: '=',
  NotEquals: '!=',
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  GreaterThan: 'gt',
  LessThan: 'lt',
} as const
/** A value of SelectorOperator. */
export type SelectorOperator = (typeof SelectorOperator)[keyof typeof SelectorOperator]

/** One requirement of a selector, e.g. `env in (a,b)`. */
export type LabelRequirement = {
  readonly key: string
  readonly operator: SelectorOperator
  readonly values: readonly string[]
}

/** A parsed selector: all requirements must hold. Empty selects everything. */
export type LabelSelector = readonly LabelRequirement[]

type Token =
  | { readonly kind: 'id'; readonly text: string }
  | { readonly kind: 'op'; readonly text: string }
  | { readonly kind: 'eos'; readonly text: '' }

const SPECIAL = new Set([' ', '\t', '\r', '\n', '!', '=', '(', ')', ',', '<', '>'])
const OPERATORS = ['!=', '==', '=', '!', '(', ')', ',', '<', '>']

function lex(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i] ?? ''
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++
      continue
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i))
    if (op !== undefined) {
      tokens.push({ kind: 'op', text: op })
      i += op.length
      continue
    }
    let j = i
    while (j < input.length && !SPECIAL.has(input[j] ?? '')) j++
    tokens.push({ kind: 'id', text: input.slice(i, j) })
    i = j
  }
  tokens.push({ kind: 'eos', text: '' })
  return tokens
}

function shown(t: Token): string {
  return t.kind === 'eos' ? '' : t.text
}

function fail(message: string): never {
  throw new AppError(Reason.BadRequest, `unable to parse requirement: ${message}`)
}

class Parser {
  readonly #tokens: Token[]
  #pos = 0

  constructor(tokens: Token[]) {
    this.#tokens = tokens
  }

  peek(): Token {
    return this.#tokens[this.#pos] ?? { kind: 'eos', text: '' }
  }

  next(): Token {
    const t = this.peek()
    if (this.#pos < this.#tokens.length) this.#pos++
    return t
  }

  isKeyword(t: Token, word: string): boolean {
    return t.kind === 'id' && t.text === word
  }

  requirement(): LabelRequirement {
    let t = this.next()
    if (t.kind === 'op' && t.text === '!') {
      t = this.next()
      if (t.kind !== 'id') fail(`found '${shown(t)}', expected: identifier after '!'`)
      return makeRequirement(t.text, SelectorOperator.DoesNotExist, [])
    }
    if (t.kind !== 'id') fail(`found '${shown(t)}', expected: identifier`)
    const key = t.text
    const op = this.peek()
    if (op.kind === 'eos' || (op.kind === 'op' && op.text === ',')) {
      return makeRequirement(key, SelectorOperator.Exists, [])
    }
    this.next()
    if (this.isKeyword(op, 'in') || this.isKeyword(op, 'notin')) {
      const values = this.valueSet()
      return makeRequirement(key, op.text === 'in' ? 'in' : 'notin', values)
    }
    if (op.kind === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
      return makeRequirement(key, op.text === '!=' ? '!=' : '=', [this.exactValue()])
    }
    if (op.kind === 'op' && (op.text === '>' || op.text === '<')) {
      const v = this.next()
      if (v.kind !== 'id') fail(`found '${shown(v)}', expected: an integer value`)
      return makeRequirement(key, op.text === '>' ? 'gt' : 'lt', [v.text])
    }
    return fail(`found '${shown(op)}', expected: in, notin, =, ==, !=, gt, lt`)
  }

  exactValue(): string {
    const t = this.peek()
    if (t.kind === 'eos' || (t.kind === 'op' && t.text === ',')) return ''
    this.next()
    if (t.kind !== 'id') fail(`found '${shown(t)}', expected: identifier for value`)
    return t.text
  }

  valueSet(): string[] {
    const open = this.next()
    if (!(open.kind === 'op' && open.text === '(')) fail(`found '${shown(open)}', expected: '('`)
    const values: string[] = []
    let expectValue = true
    for (;;) {
      const t = this.next()
      if (t.kind === 'op' && t.text === ')') {
        if (expectValue) values.push('')
        return values
      }
      if (t.kind === 'op' && t.text === ',') {
        if (expectValue) values.push('')
        expectValue = true
        continue
      }
      if (t.kind === 'id' && expectValue) {
        values.push(t.text)
        expectValue = false
        continue
      }
      fail(`found '${shown(t)}', expected: ',', ')' or identifier`)
    }
  }
}

function makeRequirement(
  key: string,
  operator: SelectorOperator,
  values: readonly string[]
): LabelRequirement {
  const keyErrs = isQualifiedName(key)
  if (keyErrs.length > 0) fail(`invalid label key "${key}": ${keyErrs.join('; ')}`)
  if (operator === 'gt' || operator === 'lt') {
    if (!/^-?\d+$/.test(values[0] ?? '')) {
      fail(`for 'Gt', 'Lt' operators, the value must be an integer`)
    }
  } else {
    for (const v of values) {
      const errs = isLabelValue(v)
      if (errs.length > 0) fail(`invalid label value: "${v}": at key: "${key}": ${errs.join('; ')}`)
    }
  }
  return { key, operator, values }
}

/**
 * Parses a label selector such as `app=x,tier!=y,env in (a,b),!key,key`; an empty string selects
 * everything. Throws AppError(BadRequest) with Kubernetes-style messages.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const parser = new Parser(lex(selector))
  const requirements: LabelRequirement[] = []
  if (parser.peek().kind === 'eos') return requirements
  for (;;) {
    requirements.push(parser.requirement())
    const t = parser.next()
    if (t.kind === 'eos') return requirements
    if (!(t.kind === 'op' && t.text === ',')) {
      fail(`found '${shown(t)}', expected: ',' or 'end of string'`)
    }
  }
}

/** Reports whether labels satisfy every requirement of the selector. */
export function matchesLabels(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | null | undefined
): boolean {
  const set = labels ?? {}
  return selector.every((r) => {
    const has = Object.hasOwn(set, r.key)
    const value = has ? set[r.key] : undefined
    switch (r.operator) {
      case 'exists':
        return has
      case '!':
        return !has
      case '=':
      case 'in':
        return value !== undefined && r.values.includes(value)
      case '!=':
      case 'notin':
        return value === undefined || !r.values.includes(value)
      case 'gt':
      case 'lt': {
        if (value === undefined || !/^-?\d+$/.test(value)) return false
        const a = BigInt(value)
        const b = BigInt(r.values[0] ?? '0')
        return r.operator === 'gt' ? a > b : a < b
      }
    }
    return false
  })
}
