/** Tests a (lower-case) host name without port against a compiled host pattern. */
export type HostMatcher = (host: string) => boolean

type Token =
  | { readonly kind: 'star' }
  | { readonly kind: 'any' }
  | { readonly kind: 'char'; readonly char: string }
  | {
      readonly kind: 'class'
      readonly negated: boolean
      readonly ranges: readonly (readonly [string, string])[]
    }

/**
 * Compiles a registry-key host (no port) into a matcher with kubelet semantics (keyring.go `urlsMatch`): the
 * host is split at '.', the target must have the same number of labels, and each label is matched with Go
 * `filepath.Match` syntax: `*` (any run within the label), `?` (one character), `[...]` / `[^...]` classes
 * with ranges, and `\` escapes. So `*.example.com` matches `a.example.com` but not `example.com` or
 * `a.b.example.com`. An IPv6 literal (contains ':') is compared exactly. Returns undefined for a malformed
 * pattern (e.g. an unclosed `[`), which Go reports as ErrBadPattern and never matches.
 * Both sides are compared in lower case: host names are case-insensitive.
 */
export function compileHostGlob(pattern: string): HostMatcher | undefined {
  const lowered = pattern.toLowerCase()
  if (lowered.includes(':')) return (host) => host === lowered
  const labels: Token[][] = []
  for (const label of lowered.split('.')) {
    const tokens = tokenize(label)
    if (tokens === undefined) return undefined
    labels.push(tokens)
  }
  return (host) => {
    const parts = host.toLowerCase().split('.')
    if (parts.length !== labels.length) return false
    return labels.every((tokens, i) => matchTokens(tokens, parts[i] ?? ''))
  }
}

function tokenize(pattern: string): Token[] | undefined {
  const tokens: Token[] = []
  const chars = [...pattern]
  let i = 0
  while (i < chars.length) {
    const c = chars[i] as string
    if (c === '*') {
      tokens.push({ kind: 'star' })
      i++
    } else if (c === '?') {
      tokens.push({ kind: 'any' })
      i++
    } else if (c === '\\') {
      const next = chars[i + 1]
      if (next === undefined) return undefined
      tokens.push({ kind: 'char', char: next })
      i += 2
    } else if (c === '[') {
      const parsed = parseClass(chars, i + 1)
      if (parsed === undefined) return undefined
      tokens.push(parsed.token)
      i = parsed.next
    } else {
      tokens.push({ kind: 'char', char: c })
      i++
    }
  }
  return tokens
}

// Parses a class body starting after '['; Go rejects empty classes and unescaped '-' or ']' as range ends.
function parseClass(chars: string[], start: number): { token: Token; next: number } | undefined {
  let i = start
  const negated = chars[i] === '^'
  if (negated) i++
  const ranges: [string, string][] = []
  const readChar = (): string | undefined => {
    const c = chars[i]
    if (c === undefined || c === '-' || c === ']') return undefined
    if (c === '\\') {
      const next = chars[i + 1]
      if (next === undefined) return undefined
      i += 2
      return next
    }
    i++
    return c
  }
  for (;;) {
    if (chars[i] === ']' && ranges.length > 0)
      return { token: { kind: 'class', negated, ranges }, next: i + 1 }
    const lo = readChar()
    if (lo === undefined) return undefined
    let hi = lo
    if (chars[i] === '-') {
      i++
      const end = readChar()
      if (end === undefined) return undefined
      hi = end
    }
    ranges.push([lo, hi])
  }
}

function matchOne(token: Token, c: string): boolean {
  switch (token.kind) {
    case 'any':
      return true
    case 'char':
      return token.char === c
    case 'class': {
      const inside = token.ranges.some(([lo, hi]) => lo <= c && c <= hi)
      return inside !== token.negated
    }
    case 'star':
      return false
  }
}

// Wildcard matching with single-star backtracking: linear in practice, never exponential.
function matchTokens(tokens: readonly Token[], text: string): boolean {
  const chars = [...text]
  let t = 0
  let c = 0
  let starT = -1
  let starC = 0
  while (c < chars.length) {
    const token = tokens[t]
    if (token?.kind === 'star') {
      starT = t++
      starC = c
    } else if (token !== undefined && matchOne(token, chars[c] as string)) {
      t++
      c++
    } else if (starT >= 0) {
      t = starT + 1
      c = ++starC
    } else {
      return false
    }
  }
  while (tokens[t]?.kind === 'star') t++
  return t === tokens.length
}
