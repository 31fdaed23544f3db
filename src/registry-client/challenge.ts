/** One authentication challenge from a `WWW-Authenticate` header: lower-cased scheme and parameter names. */
export type Challenge = {
  readonly scheme: string
  readonly params: Readonly<Record<string, string>>
}

// RFC 9110 tchar.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/

/**
 * Parses `WWW-Authenticate` header values into challenges (RFC 9110 §11.6.1, RFC 6750 §3). Each header line is
 * parsed separately, and several challenges packed into one line (`Basic realm="a", Bearer realm="b"`) are
 * split too (the Go clients only take the first). Scheme and parameter names are lower-cased; values are
 * tokens or quoted strings with `\` escapes. A line with a syntax error (an unterminated quoted string) keeps
 * the challenges completed before the error and drops the broken one.
 * https://www.rfc-editor.org/rfc/rfc9110#name-www-authenticate
 */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return []
  const lines = typeof header === 'string' ? [header] : header
  return lines.flatMap((line) => parseLine(line))
}

/**
 * Picks the challenge to answer: Bearer (with a realm) over Basic, as containerd does; a Bearer challenge
 * without a realm is unusable. Returns undefined when none of the challenges is usable.
 */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  const bearer = challenges.find((c) => c.scheme === 'bearer' && (c.params.realm ?? '') !== '')
  return bearer ?? challenges.find((c) => c.scheme === 'basic')
}

type Mutable = { scheme: string; params: Record<string, string> }

function parseLine(line: string): Challenge[] {
  const out: Mutable[] = []
  let current: Mutable | undefined
  let i = 0
  const n = line.length
  const skipWs = (): void => {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++
  }
  const readToken = (): string => {
    const start = i
    while (i < n && TCHAR.test(line[i] ?? '')) i++
    return line.slice(start, i)
  }
  const skipToComma = (): void => {
    while (i < n && line[i] !== ',') i++
  }

  while (i < n) {
    // Step 1: skip separators between list elements.
    while (i < n && (line[i] === ' ' || line[i] === '\t' || line[i] === ',')) i++
    if (i >= n) break
    const name = readToken()
    if (name === '') {
      // Garbage where a token should be: resynchronise at the next list element.
      i++
      skipToComma()
      continue
    }
    const afterName = i
    skipWs()
    if (line[i] === '=' && current !== undefined && !isToken68Tail(line, i)) {
      // Step 2a: `name = value`, a parameter of the current challenge.
      i++
      skipWs()
      let value: string
      if (line[i] === '"') {
        const q = readQuoted(line, i)
        if (q === undefined) {
          // Unterminated quoted string: the challenge is broken, keep what came before it.
          out.pop()
          return out
        }
        value = q.value
        i = q.end
      } else {
        const start = i
        while (i < n && line[i] !== ',' && line[i] !== ' ' && line[i] !== '\t') i++
        value = line.slice(start, i)
      }
      const key = name.toLowerCase()
      if (!(key in current.params)) current.params[key] = value
      continue
    }
    if (line[i] === '=' && current === undefined) {
      // A parameter before any scheme: skip it.
      skipToComma()
      continue
    }
    // Step 2b: a new scheme; an optional token68 (e.g. `Negotiate abc==`) follows.
    i = afterName
    current = { scheme: name.toLowerCase(), params: {} }
    out.push(current)
    skipWs()
    const start = i
    const t68 = readToken68(line, i)
    if (t68 !== undefined && t68.end > start) {
      const after = skipSpaces(line, t68.end)
      if (after >= n || line[after] === ',') {
        current.params[''] = line.slice(start, t68.end)
        i = after
      }
    }
  }
  return out
}

function skipSpaces(line: string, from: number): number {
  let i = from
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++
  return i
}

// A token68 is `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
function readToken68(line: string, from: number): { end: number } | undefined {
  let i = from
  while (i < line.length && /[A-Za-z0-9\-._~+/]/.test(line[i] ?? '')) i++
  if (i === from) return undefined
  while (line[i] === '=') i++
  return { end: i }
}

// `abc==` at a list boundary is a token68, not a parameter named abc.
function isToken68Tail(line: string, eq: number): boolean {
  let i = eq
  while (line[i] === '=') i++
  if (i - eq < 2) return false
  const after = skipSpaces(line, i)
  return after >= line.length || line[after] === ','
}

function readQuoted(line: string, from: number): { value: string; end: number } | undefined {
  let i = from + 1
  let value = ''
  while (i < line.length) {
    const c = line[i]
    if (c === '\\') {
      if (i + 1 >= line.length) return undefined
      value += line[i + 1]
      i += 2
      continue
    }
    if (c === '"') return { value, end: i + 1 }
    value += c
    i++
  }
  return undefined
}
