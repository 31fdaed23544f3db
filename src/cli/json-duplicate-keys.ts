// JSON.parse keeps the last of two equal keys without a word; a credential file with two entries for the
// same registry is a mistake the user should hear about. This scanner walks valid JSON text and reports
// objects that name a key twice.

/** One key that appears twice in the same object. */
export type DuplicateKey = {
  /** Path of the object, e.g. `auths` ('' for the top level). */
  readonly path: string
  readonly key: string
}

/** Returns the duplicate keys of a JSON text that JSON.parse accepts (undefined behaviour otherwise). */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = []
  let i = 0
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++
  }
  const string = (): string => {
    const start = i
    i++ // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++ // closing quote
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (path: string): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const seen = new Set<string>()
      ws()
      if (text[i] === '}') {
        i++
        return
      }
      for (;;) {
        ws()
        const key = string()
        if (seen.has(key)) found.push({ path, key })
        seen.add(key)
        ws()
        i++ // ':'
        value(path === '' ? key : `${path}.${key}`)
        ws()
        if (text[i++] === '}') return
      }
    }
    if (c === '[') {
      i++
      ws()
      if (text[i] === ']') {
        i++
        return
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`)
        ws()
        if (text[i++] === ']') return
      }
    }
    if (c === '"') {
      string()
      return
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++
  }
  value('')
  return found
}
