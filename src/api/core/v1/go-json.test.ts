import { describe, expect, it } from 'vitest'
import { goJsonObjectError } from './go-json.js'

const bytes = (s: string) => new TextEncoder().encode(s)
const TYPE = 'into Go value of type map[string]interface {}'

describe('goJsonObjectError', () => {
  it.each<[string, string | undefined]>([
    ['{"auths":{"quay.io":{"auth":"dTpw"}}}', undefined],
    [' {} ', undefined],
    ['null', undefined],
    ['{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]}', undefined],
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"a":', 'unexpected end of JSON input'],
    ['{"a":"b', 'unexpected end of JSON input'],
    ['{"a":1.', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{x', "invalid character 'x' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    ['{"a":-x}', "invalid character 'x' in numeric literal"],
    ['{"a":1.x}', "invalid character 'x' after decimal point in numeric literal"],
    ['{"a":1ex}', "invalid character 'x' in exponent of numeric literal"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":nul}', "invalid character '}' in literal null (expecting 'l')"],
    ['{"a":fx}', "invalid character 'x' in literal false (expecting 'a')"],
    ['{"a":"\\x"}', "invalid character 'x' in string escape code"],
    ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
    ['{"a":"\t"}', "invalid character '\\t' in string literal"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a":\\}', "invalid character '\\\\' looking for beginning of value"],
    ['\u00e9', "invalid character 'Ã' looking for beginning of value"],
    ['[]', `json: cannot unmarshal array ${TYPE}`],
    ['"x"', `json: cannot unmarshal string ${TYPE}`],
    ['1', `json: cannot unmarshal number ${TYPE}`],
    ['true', `json: cannot unmarshal bool ${TYPE}`],
    ['[1', 'unexpected end of JSON input'],
  ])('%j', (input, expected) => {
    expect(goJsonObjectError(bytes(input))).toBe(expected)
  })

  it('reports a control byte as Go escapes it', () => {
    expect(goJsonObjectError(Uint8Array.of(0x01))).toBe(
      "invalid character '\\x01' looking for beginning of value"
    )
    expect(goJsonObjectError(Uint8Array.of(0xa0))).toBe(
      "invalid character '\\u00a0' looking for beginning of value"
    )
  })
})
