import { describe, expect, it } from 'vitest'
import { decodeProtobufObject } from './protobuf.js'

// Bodies captured from kubectl v1.32 (`kubectl create token default --duration=20m --audience=foo`,
// `kubectl create secret generic foo --from-literal=a=b`, `kubectl create namespace other`).
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'))

describe('decodeProtobufObject', () => {
  it('decodes a TokenRequest', () => {
    const body =
      hex(`6b 38 73 00 0a 28 0a 18 61 75 74 68 65 6e 74 69 63 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31
      12 0c 54 6f 6b 65 6e 52 65 71 75 65 73 74 12 22 0a 10 0a 00 12 00 1a 00 22 00 2a 00 32 00 38 00
      42 00 12 08 0a 03 66 6f 6f 20 b0 09 1a 04 0a 00 12 00 1a 00 22 00`)
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['foo'], expirationSeconds: 1200 },
    })
  })

  it('decodes a Secret with its data as base64', () => {
    const body =
      hex(`6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 25 0a 13 0a 03 66 6f 6f 12 00 1a 00 22
      00 2a 00 32 00 38 00 42 00 12 06 0a 01 61 12 01 62 1a 06 4f 70 61 71 75 65 1a 00 22 00`)
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'foo' },
      data: { a: 'Yg==' },
      type: 'Opaque',
    })
  })

  it('decodes a Namespace', () => {
    const body =
      hex(`6b 38 73 00 0a 0f 0a 02 76 31 12 09 4e 61 6d 65 73 70 61 63 65 12 1d 0a 15 0a 05 6f 74 68 65 72
      12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 00 1a 02 0a 00 1a 00 22 00`)
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'other' },
    })
  })

  it('refuses other kinds and bodies without the envelope', () => {
    expect(() => decodeProtobufObject(hex('0a 00'))).toThrow(/malformed/)
    const pod = hex('6b 38 73 00 0a 09 0a 02 76 31 12 03 50 6f 64 12 00')
    expect(() => decodeProtobufObject(pod)).toThrow(/protobuf bodies of Pod are not supported/)
  })
})
