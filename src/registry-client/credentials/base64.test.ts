import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { decodeBase64, decodeBase64Text } from './base64.js'

describe('decodeBase64', () => {
  it.each([
    ['padded', 'dXNlcjpwYXNz', 'user:pass'],
    ['padded with =', 'dXNlcjpwYXNzMQ==', 'user:pass1'],
    ['unpadded', 'dXNlcjpwYXNzMQ', 'user:pass1'],
    ['one = pad', 'dXNlcjpwYXNzMTI=', 'user:pass12'],
    ['one = pad dropped', 'dXNlcjpwYXNzMTI', 'user:pass12'],
    ['line breaks ignored', 'dXNl\r\ncjpw\nYXNz', 'user:pass'],
    ['empty', '', ''],
  ])('decodes %s', (_name, input, want) => {
    expect(Buffer.from(decodeBase64(input) ?? []).toString('utf8')).toBe(want)
  })

  it.each([
    ['url-safe alphabet', 'dXNlcjpw-_'],
    ['space', 'dXNl cjpw'],
    ['stray character', 'dXNl*cjpw'],
    ['impossible length', 'dXNlc'],
    ['padding on wrong length', 'dXNlcjpwYXNzMQ='],
    ['too much padding', 'dXNlcjpwYXNz==='],
    ['padding in the middle', 'dX=lcjpw'],
  ])('rejects %s', (_name, input) => {
    expect(decodeBase64(input)).toBeUndefined()
  })
})

describe('decodeBase64Text', () => {
  it('rejects bytes that are not UTF-8', () => {
    expect(decodeBase64Text(Buffer.from([0xff, 0xfe, 0x3a]).toString('base64'))).toBeUndefined()
  })
  it('decodes UTF-8', () => {
    expect(decodeBase64Text(Buffer.from('ü:ß').toString('base64'))).toBe('ü:ß')
  })
})
