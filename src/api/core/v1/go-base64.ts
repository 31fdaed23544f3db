// Base64 decoding with the errors of Go's encoding/base64 StdEncoding (what the JSON decoder uses for
// []byte fields such as Secret data): strict padding, '\r' and '\n' ignored, and the byte offset of the
// first problem in `illegal base64 data at input byte N`.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DECODE = new Int16Array(256).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i

const PAD = 0x3d
const CR = 0x0d
const LF = 0x0a

/** The result of decoding: the bytes, or Go's error message. */
export type GoBase64Result =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: string }

function corrupt(offset: number): GoBase64Result {
  return { ok: false, error: `illegal base64 data at input byte ${offset}` }
}

/** Decodes standard padded base64 as Go's base64.StdEncoding.DecodeString does (offsets in UTF-8 bytes). */
export function decodeGoBase64(text: string): GoBase64Result {
  const src = new TextEncoder().encode(text)
  const out: number[] = []
  let si = 0
  while (si < src.length) {
    const quantum = [0, 0, 0, 0]
    let dlen = 4
    let trailing: number | undefined
    let j = 0
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { ok: true, bytes: Uint8Array.from(out) }
        return corrupt(si - j)
      }
      const c = src[si] ?? 0
      si++
      const v = DECODE[c] ?? -1
      if (v >= 0) {
        quantum[j] = v
        continue
      }
      if (c === LF || c === CR) {
        j--
        continue
      }
      if (c !== PAD) return corrupt(si - 1)
      // Padding: only after two or three symbols.
      if (j < 2) return corrupt(si - 1)
      if (j === 2) {
        while (si < src.length && (src[si] === LF || src[si] === CR)) si++
        if (si === src.length) return corrupt(src.length)
        if (src[si] !== PAD) return corrupt(si - 1)
        si++
      }
      while (si < src.length && (src[si] === LF || src[si] === CR)) si++
      if (si < src.length) trailing = si
      dlen = j
      break
    }
    const val =
      ((quantum[0] ?? 0) << 18) |
      ((quantum[1] ?? 0) << 12) |
      ((quantum[2] ?? 0) << 6) |
      (quantum[3] ?? 0)
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff]
    out.push(...bytes.slice(0, dlen - 1))
    if (trailing !== undefined) return corrupt(trailing)
  }
  return { ok: true, bytes: Uint8Array.from(out) }
}
