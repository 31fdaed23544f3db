import { Buffer } from 'node:buffer'

const ALPHABET = /^[A-Za-z0-9+/]*$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes standard base64 (RFC 4648 §4), padded or unpadded; CR and LF are ignored as Go's decoder does.
 * Returns undefined for anything else (URL-safe alphabet, stray characters, wrong padding) instead of
 * guessing like `Buffer.from(s, 'base64')`, which silently skips what it doesn't understand.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '')
  const body = compact.replace(/={1,2}$/, '')
  if (!ALPHABET.test(body) || body.length % 4 === 1) return undefined
  if (body.length !== compact.length && compact.length % 4 !== 0) return undefined
  return Buffer.from(body, 'base64')
}

/** Decodes base64 whose content must be UTF-8 text; undefined when either layer is invalid. */
export function decodeBase64Text(text: string): string | undefined {
  const bytes = decodeBase64(text)
  if (bytes === undefined) return undefined
  try {
    return utf8.decode(bytes)
  } catch {
    // Invalid UTF-8: the caller reports it without showing the bytes.
    return undefined
  }
}
