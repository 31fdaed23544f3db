// The error Go's `json.Unmarshal(data, &map[string]interface{}{})` returns, so that Secret validation
// reports malformed docker configs with Kubernetes' exact text. Syntax errors follow the states of
// encoding/json/scanner.go and are found before type errors, as Unmarshal checks validity first.

class JsonSyntaxFailure {
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

const EOF_MESSAGE = 'unexpected end of JSON input'

// scanner.go quoteChar: the offending byte as Go prints it.
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''"
  if (c === 0x22) return `'"'`
  if (c === 0x5c) return "'\\\\'"
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`
  const short: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
  }
  if (short[c] !== undefined) return `'\\${short[c]}'`
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`
  // A byte >= 0x80 is converted to the rune of the same value; Latin-1 controls, NBSP and SHY are escaped.
  if (c < 0xa1 || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`
  return `'${String.fromCharCode(c)}'`
}

// The Go name of the type of a value that starts with byte c (meaningful once that value has scanned).
function kindOf(c: number | undefined): string {
  switch (c) {
    case 0x7b:
      return 'object'
    case 0x5b:
      return 'array'
    case 0x22:
      return 'string'
    case 0x74:
    case 0x66:
      return 'bool'
    case 0x6e:
      return 'null'
    default:
      return 'number'
  }
}

class Scanner {
  readonly #b: Uint8Array
  #i = 0

  constructor(bytes: Uint8Array) {
    this.#b = bytes
  }

  #fail(context: string): never {
    const c = this.#b[this.#i]
    if (c === undefined) throw new JsonSyntaxFailure(EOF_MESSAGE)
    throw new JsonSyntaxFailure(`invalid character ${quoteChar(c)} ${context}`)
  }

  #peek(): number | undefined {
    return this.#b[this.#i]
  }

  #skipSpace(): void {
    for (;;) {
      const c = this.#b[this.#i]
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return
      this.#i++
    }
  }

  /** Scans one whole document and returns the Go name of its top-level value's type. */
  document(): string {
    this.#skipSpace()
    const kind = kindOf(this.#peek())
    this.#value()
    this.#skipSpace()
    if (this.#peek() !== undefined) this.#fail('after top-level value')
    return kind
  }

  #value(): void {
    this.#skipSpace()
    const c = this.#peek()
    switch (c) {
      case 0x7b: // {
        this.#container(0x7d, () => this.#member(), 'after object key:value pair')
        return
      case 0x5b: // [
        this.#container(0x5d, () => this.#value(), 'after array element')
        return
      case 0x22: // "
        this.#string()
        return
      case 0x74: // t
        this.#literal('true')
        return
      case 0x66: // f
        this.#literal('false')
        return
      case 0x6e: // n
        this.#literal('null')
        return
      default:
        if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) {
          this.#number()
          return
        }
        this.#fail('looking for beginning of value')
    }
  }

  // An object or array: the opening byte, then comma-separated elements up to the closing byte.
  #container(close: number, element: () => void, afterElement: string): void {
    this.#i++
    this.#skipSpace()
    if (this.#peek() === close) {
      this.#i++
      return
    }
    for (;;) {
      element()
      this.#skipSpace()
      const c = this.#peek()
      if (c === 0x2c) {
        this.#i++
        continue
      }
      if (c === close) {
        this.#i++
        return
      }
      this.#fail(afterElement)
    }
  }

  // One `"key": value` pair of an object.
  #member(): void {
    this.#skipSpace()
    if (this.#peek() !== 0x22) this.#fail('looking for beginning of object key string')
    this.#string()
    this.#skipSpace()
    if (this.#peek() !== 0x3a) this.#fail('after object key')
    this.#i++
    this.#value()
  }

  #string(): void {
    this.#i++
    for (;;) {
      const c = this.#peek()
      if (c === undefined) this.#fail('')
      if (c === 0x22) {
        this.#i++
        return
      }
      if (c === 0x5c) {
        this.#i++
        const e = this.#peek()
        if (e === undefined) this.#fail('')
        if (e === 0x75) {
          this.#i++
          for (let k = 0; k < 4; k++) {
            const h = this.#peek()
            const isHex =
              h !== undefined &&
              ((h >= 0x30 && h <= 0x39) || (h >= 0x61 && h <= 0x66) || (h >= 0x41 && h <= 0x46))
            if (!isHex) this.#fail('in \\u hexadecimal character escape')
            this.#i++
          }
          continue
        }
        if ('"\\/bfnrt'.includes(String.fromCharCode(e))) {
          this.#i++
          continue
        }
        this.#fail('in string escape code')
      }
      if (c < 0x20) this.#fail('in string literal')
      this.#i++
    }
  }

  #digits(): number {
    let n = 0
    for (;;) {
      const c = this.#peek()
      if (c === undefined || c < 0x30 || c > 0x39) return n
      this.#i++
      n++
    }
  }

  #number(): void {
    if (this.#peek() === 0x2d) {
      this.#i++
      const c = this.#peek()
      if (c === undefined || c < 0x30 || c > 0x39) this.#fail('in numeric literal')
    }
    if (this.#peek() === 0x30) this.#i++
    else this.#digits()
    if (this.#peek() === 0x2e) {
      this.#i++
      if (this.#digits() === 0) this.#fail('after decimal point in numeric literal')
    }
    const e = this.#peek()
    if (e === 0x65 || e === 0x45) {
      this.#i++
      const s = this.#peek()
      if (s === 0x2b || s === 0x2d) this.#i++
      if (this.#digits() === 0) this.#fail('in exponent of numeric literal')
    }
  }

  #literal(word: string): void {
    this.#i++
    for (let k = 1; k < word.length; k++) {
      const expected = word.charCodeAt(k)
      if (this.#peek() !== expected) this.#fail(`in literal ${word} (expecting '${word[k]}')`)
      this.#i++
    }
  }
}

/**
 * The error text of Go's json.Unmarshal into a `map[string]interface{}`, or undefined when it succeeds
 * (any JSON object, or null). Examples: `unexpected end of JSON input`, `invalid character 'x' looking
 * for beginning of value`, `json: cannot unmarshal array into Go value of type map[string]interface {}`.
 */
export function goJsonObjectError(bytes: Uint8Array): string | undefined {
  let kind: string
  try {
    kind = new Scanner(bytes).document()
  } catch (err) {
    if (err instanceof JsonSyntaxFailure) return err.message
    throw err
  }
  if (kind === 'object' || kind === 'null') return undefined
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`
}
