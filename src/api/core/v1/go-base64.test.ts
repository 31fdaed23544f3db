import { describe, expect, it } from 'vitest'
import { decodeGoBase64 } from './go-base64.js'

const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('decodeGoBase64', () => {
  it.each<[string, string]>([
    ['', ''],
    ['dQ==', 'u'],
    ['dTo=', 'u:'],
    ['dTpw', 'u:p'],
    ['dXNlcjpwYXNz', 'user:pass'],
    ['dXNl\ncjpw\r\nYXNz\n', 'user:pass'],
    ['dQ=\n=', 'u'],
  ])('decodes %j', (input, expected) => {
    const result = decodeGoBase64(input)
    expect(result.ok).toBe(true)
    if (result.ok) expect(text(result.bytes)).toBe(expected)
  })

  it.each<[string, number]>([
    ['dQ', 0],
    ['dTp', 0],
    ['dXNlcjpwYXN', 8],
    ['d!==', 1],
    ['=', 0],
    ['d===', 1],
    ['dQ=', 3],
    ['dQ=x', 2],
    ['dQ==x', 4],
    ['dTo=dTo=', 4],
    ['ü', 0],
  ])('rejects %j at byte %i', (input, offset) => {
    expect(decodeGoBase64(input)).toEqual({
      ok: false,
      error: `illegal base64 data at input byte ${offset}`,
    })
  })
})
