// The kubectl JSONPath subset (https://kubernetes.io/docs/reference/kubectl/jsonpath/): text with
// `{…}` actions; paths of `.field`, `..field`, `['field']`, `[n]`, `[start:end]`, `[*]`, `.*` and
// `[?(@.path == "value")]` / `!=` / existence filters; `{range PATH}…{end}`; string literals `{"\n"}`.
// Missing fields print nothing (kubectl get allows missing keys).

type Step =
  | { readonly t: 'root' }
  | { readonly t: 'field'; readonly name: string }
  | { readonly t: 'recursive'; readonly name: string }
  | { readonly t: 'wildcard' }
  | { readonly t: 'index'; readonly index: number }
  | { readonly t: 'slice'; readonly start?: number; readonly end?: number }
  | {
      readonly t: 'filter'
      readonly path: readonly Step[]
      readonly op?: '==' | '!='
      readonly value?: string | number | boolean
    }

type Node =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'path'; readonly steps: readonly Step[] }
  | { readonly t: 'range'; readonly steps: readonly Step[]; readonly body: readonly Node[] }

/** A compiled template. */
export type JsonPathTemplate = { readonly nodes: readonly Node[] }

/** Compiles a template; throws Error describing the first syntax problem. */
export function compileJsonPath(template: string): JsonPathTemplate {
  const stack: Node[][] = [[]]
  const ranges: Step[][] = []
  let i = 0
  const top = (): Node[] => stack[stack.length - 1] as Node[]
  while (i < template.length) {
    const open = template.indexOf('{', i)
    if (open < 0) {
      top().push({ t: 'text', text: template.slice(i) })
      break
    }
    if (open > i) top().push({ t: 'text', text: template.slice(i, open) })
    const close = findClose(template, open + 1)
    if (close < 0) throw new Error(`unclosed action`)
    const action = template.slice(open + 1, close).trim()
    i = close + 1
    if (action === 'end') {
      const body = stack.pop()
      const steps = ranges.pop()
      if (body === undefined || steps === undefined || stack.length === 0) {
        throw new Error('not in range, nothing to end')
      }
      top().push({ t: 'range', steps, body })
    } else if (action.startsWith('range ') || action.startsWith('range\t')) {
      ranges.push(parsePath(action.slice(6).trim()))
      stack.push([])
    } else if (/^".*"$/s.test(action)) {
      top().push({ t: 'text', text: JSON.parse(action) as string })
    } else if (/^'.*'$/s.test(action)) {
      top().push({ t: 'text', text: action.slice(1, -1) })
    } else {
      top().push({ t: 'path', steps: parsePath(action) })
    }
  }
  if (stack.length !== 1) throw new Error('unclosed range')
  return { nodes: stack[0] ?? [] }
}

/** Renders the template against data, as kubectl -o jsonpath does. */
export function executeJsonPath(tpl: JsonPathTemplate, data: unknown): string {
  return render(tpl.nodes, data, data)
}

function render(nodes: readonly Node[], root: unknown, current: unknown): string {
  let out = ''
  for (const n of nodes) {
    if (n.t === 'text') out += n.text
    else if (n.t === 'path') out += evaluate(n.steps, root, current).map(format).join(' ')
    else {
      for (const v of evaluate(n.steps, root, current)) out += render(n.body, root, v)
    }
  }
  return out
}

function format(v: unknown): string {
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return ''
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function findClose(s: string, from: number): number {
  let quote: string | undefined
  for (let i = from; i < s.length; i++) {
    const c = s[i]
    if (quote !== undefined) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '}') return i
  }
  return -1
}

function parsePath(expr: string): Step[] {
  const steps: Step[] = []
  let i = 0
  let s = expr
  if (s.startsWith('$')) steps.push({ t: 'root' })
  if (s.startsWith('$') || s.startsWith('@')) s = s.slice(1)
  const name = (): string => {
    let out = ''
    while (i < s.length) {
      const c = s[i] as string
      if (c === '\\' && i + 1 < s.length) {
        out += s[i + 1]
        i += 2
        continue
      }
      if (c === '.' || c === '[') break
      out += c
      i++
    }
    return out
  }
  while (i < s.length) {
    const c = s[i]
    if (s.startsWith('..', i)) {
      i += 2
      const n = name()
      if (n === '') throw new Error(`invalid recursive descent in ${expr}`)
      steps.push({ t: 'recursive', name: n })
    } else if (c === '.') {
      i++
      if (s[i] === '*') {
        i++
        steps.push({ t: 'wildcard' })
        continue
      }
      const n = name()
      if (n !== '') steps.push({ t: 'field', name: n })
    } else if (c === '[') {
      const end = findBracketEnd(s, i)
      if (end < 0) throw new Error(`unterminated [ in ${expr}`)
      steps.push(parseBracket(s.slice(i + 1, end).trim(), expr))
      i = end + 1
    } else if (i === 0) {
      // kubectl also accepts a leading field without a dot: {metadata.name}
      const n = name()
      if (n === '') throw new Error(`unrecognized character in action: ${JSON.stringify(c)}`)
      steps.push({ t: 'field', name: n })
    } else {
      throw new Error(`unrecognized character in action: ${JSON.stringify(c)}`)
    }
  }
  return steps
}

function findBracketEnd(s: string, from: number): number {
  let depth = 0
  let quote: string | undefined
  for (let i = from; i < s.length; i++) {
    const c = s[i]
    if (quote !== undefined) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '[') depth++
    else if (c === ']') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

function parseBracket(inner: string, expr: string): Step {
  if (inner === '*') return { t: 'wildcard' }
  const quoted = /^(['"])(.*)\1$/s.exec(inner)
  if (quoted !== null) return { t: 'field', name: quoted[2] ?? '' }
  if (/^-?\d+$/.test(inner)) return { t: 'index', index: Number(inner) }
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner)
  if (slice !== null) {
    return {
      t: 'slice',
      ...(slice[1] === '' ? {} : { start: Number(slice[1]) }),
      ...(slice[2] === '' ? {} : { end: Number(slice[2]) }),
    }
  }
  const filter = /^\?\((.*)\)$/s.exec(inner)
  if (filter !== null) {
    const body = (filter[1] ?? '').trim()
    const cmp = /^(@[^\s=!]*)\s*(==|!=)\s*(.+)$/s.exec(body)
    if (cmp !== null) {
      return {
        t: 'filter',
        path: parsePath(cmp[1] ?? '@'),
        op: cmp[2] as '==' | '!=',
        value: literal(cmp[3] ?? ''),
      }
    }
    if (/^@/.test(body)) return { t: 'filter', path: parsePath(body) }
  }
  throw new Error(`unsupported expression [${inner}] in ${expr}`)
}

function literal(s: string): string | number | boolean {
  const t = s.trim()
  const q = /^(['"])(.*)\1$/s.exec(t)
  if (q !== null) return q[2] ?? ''
  if (t === 'true' || t === 'false') return t === 'true'
  const n = Number(t)
  return Number.isNaN(n) ? t : n
}

function evaluate(steps: readonly Step[], root: unknown, current: unknown): unknown[] {
  // A path that starts at the root ($) uses root; kubectl resolves `.x` against the current range item.
  let values: unknown[] = [current]
  for (const step of steps) {
    if (step.t === 'root') {
      values = [root]
      continue
    }
    const next: unknown[] = []
    for (const v of values) apply(step, v, next)
    values = next
  }
  return values
}

function apply(step: Step, v: unknown, out: unknown[]): void {
  switch (step.t) {
    case 'root':
      return
    case 'field':
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && step.name in v) {
        out.push((v as Record<string, unknown>)[step.name])
      }
      return
    case 'recursive':
      collect(v, step.name, out)
      return
    case 'wildcard':
      if (Array.isArray(v)) out.push(...v)
      else if (v !== null && typeof v === 'object') out.push(...Object.values(v))
      return
    case 'index':
      if (Array.isArray(v)) {
        const i = step.index < 0 ? v.length + step.index : step.index
        if (i >= 0 && i < v.length) out.push(v[i])
      }
      return
    case 'slice':
      if (Array.isArray(v)) out.push(...v.slice(step.start, step.end))
      return
    case 'filter': {
      const items = Array.isArray(v) ? v : [v]
      for (const item of items) {
        const found = evaluate(step.path, item, item)
        if (step.op === undefined) {
          if (found.length > 0 && found[0] !== false && found[0] !== null) out.push(item)
        } else {
          const eq = found.some((f) => f === step.value || String(f) === String(step.value))
          if (step.op === '==' ? eq : !eq) out.push(item)
        }
      }
      return
    }
  }
}

function collect(v: unknown, name: string, out: unknown[]): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, name, out)
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (name in o) out.push(o[name])
    for (const x of Object.values(o)) collect(x, name, out)
  }
}
