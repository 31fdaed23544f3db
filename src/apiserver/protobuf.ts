import { AppError, Reason } from '../shared/errors.js'

// kubectl sends built-in kinds (Secret, ServiceAccount, Namespace, TokenRequest: `kubectl create secret`,
// `create serviceaccount`, `create namespace`, `create token`) as `application/vnd.kubernetes.protobuf`
// while accepting JSON answers. This decodes those bodies into the JSON objects they stand for: the
// envelope is the magic `k8s\0` followed by a runtime.Unknown {typeMeta{apiVersion, kind}, raw} whose raw
// holds the object (field numbers from k8s.io/api */generated.proto). Zero values are left out, as Go's
// JSON does with omitempty; unknown fields are skipped.

/** The protobuf media type of Kubernetes. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf'

const MAGIC = [0x6b, 0x38, 0x73, 0x00]

type FieldType =
  | 'string'
  | 'bytes'
  | 'int'
  | 'bool'
  | 'time'
  | 'stringMap'
  | 'bytesMap'
  | { readonly message: Message }
type Field = { readonly name: string; readonly type: FieldType; readonly repeated?: boolean }
type Message = Readonly<Record<number, Field>>

const ownerReference: Message = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
}

const objectMeta: Message = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  11: { name: 'labels', type: 'stringMap' },
  12: { name: 'annotations', type: 'stringMap' },
  13: { name: 'ownerReferences', type: { message: ownerReference }, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
}

const objectReference: Message = {
  1: { name: 'kind', type: 'string' },
  2: { name: 'namespace', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'fieldPath', type: 'string' },
}

const meta: Field = { name: 'metadata', type: { message: objectMeta } }

const KINDS: Readonly<Record<string, Message>> = {
  'v1/Secret': {
    1: meta,
    2: { name: 'data', type: 'bytesMap' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'stringMap' },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ServiceAccount': {
    1: meta,
    2: { name: 'secrets', type: { message: objectReference }, repeated: true },
    3: {
      name: 'imagePullSecrets',
      type: { message: { 1: { name: 'name', type: 'string' } } },
      repeated: true,
    },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
  'v1/Namespace': {
    1: meta,
    2: {
      name: 'spec',
      type: { message: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    },
  },
  'authentication.k8s.io/v1/TokenRequest': {
    1: meta,
    2: {
      name: 'spec',
      type: {
        message: {
          1: { name: 'audiences', type: 'string', repeated: true },
          3: {
            name: 'boundObjectRef',
            type: {
              message: {
                1: { name: 'kind', type: 'string' },
                2: { name: 'apiVersion', type: 'string' },
                3: { name: 'name', type: 'string' },
                4: { name: 'uid', type: 'string' },
              },
            },
          },
          4: { name: 'expirationSeconds', type: 'int' },
        },
      },
    },
  },
}

function malformed(): AppError {
  return new AppError(Reason.BadRequest, 'the protobuf body of the request is malformed')
}

class Reader {
  readonly #bytes: Uint8Array
  #pos = 0
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
  }
  done(): boolean {
    return this.#pos >= this.#bytes.length
  }
  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      const b = this.#bytes[this.#pos++]
      if (b === undefined || shift > 63n) throw malformed()
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
    }
  }
  bytes(): Uint8Array {
    const len = Number(this.varint())
    if (this.#pos + len > this.#bytes.length) throw malformed()
    const out = this.#bytes.subarray(this.#pos, this.#pos + len)
    this.#pos += len
    return out
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint()
    else if (wireType === 2) this.bytes()
    else if (wireType === 1) this.#pos += 8
    else if (wireType === 5) this.#pos += 4
    else throw malformed()
  }
}

const text = new TextDecoder()

function decodeTime(bytes: Uint8Array): string | undefined {
  let seconds = 0n
  const r = new Reader(bytes)
  while (!r.done()) {
    const tag = Number(r.varint())
    if (tag >>> 3 === 1 && (tag & 7) === 0) seconds = r.varint()
    else r.skip(tag & 7)
  }
  if (seconds === 0n) return undefined
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function decodeMapEntry(bytes: Uint8Array): [string, Uint8Array] {
  let key = ''
  let value: Uint8Array = new Uint8Array()
  const r = new Reader(bytes)
  while (!r.done()) {
    const tag = Number(r.varint())
    const n = tag >>> 3
    if ((tag & 7) !== 2) r.skip(tag & 7)
    else if (n === 1) key = text.decode(r.bytes())
    else if (n === 2) value = r.bytes()
    else r.skip(2)
  }
  return [key, value]
}

function decodeMessage(bytes: Uint8Array, message: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const r = new Reader(bytes)
  while (!r.done()) {
    const tag = Number(r.varint())
    const field = message[tag >>> 3]
    const wireType = tag & 7
    if (field === undefined) {
      r.skip(wireType)
      continue
    }
    let value: unknown
    const type = field.type
    if (type === 'int' || type === 'bool') {
      if (wireType !== 0) throw malformed()
      const v = r.varint()
      value = type === 'bool' ? v !== 0n : Number(BigInt.asIntN(64, v))
    } else {
      if (wireType !== 2) throw malformed()
      const raw = r.bytes()
      if (type === 'string') value = text.decode(raw)
      else if (type === 'bytes') value = Buffer.from(raw).toString('base64')
      else if (type === 'time') value = decodeTime(raw)
      else if (type === 'stringMap' || type === 'bytesMap') {
        const [k, v] = decodeMapEntry(raw)
        const map = (out[field.name] as Record<string, string> | undefined) ?? {}
        map[k] = type === 'stringMap' ? text.decode(v) : Buffer.from(v).toString('base64')
        out[field.name] = map
        continue
      } else value = decodeMessage(raw, type.message)
    }
    if (field.repeated === true) {
      const list = (out[field.name] as unknown[] | undefined) ?? []
      list.push(value)
      out[field.name] = list
      continue
    }
    // Go's JSON leaves zero values of optional fields out.
    if (value === undefined || value === '' || value === 0) continue
    if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) {
      if (field.name !== 'metadata') continue
    }
    out[field.name] = value
  }
  return out
}

/**
 * Decodes a Kubernetes protobuf body of a supported kind into its JSON form (apiVersion and kind set).
 * Other kinds, and bodies that are not protobuf envelopes, are a 415/400 for the caller to report.
 */
export function decodeProtobufObject(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length < 4 || MAGIC.some((b, i) => bytes[i] !== b)) throw malformed()
  const envelope = new Reader(bytes.subarray(4))
  let apiVersion = ''
  let kind = ''
  let raw: Uint8Array | undefined
  while (!envelope.done()) {
    const tag = Number(envelope.varint())
    const n = tag >>> 3
    if ((tag & 7) !== 2) {
      envelope.skip(tag & 7)
      continue
    }
    const value = envelope.bytes()
    if (n === 1) {
      const typeMeta = decodeMessage(value, {
        1: { name: 'apiVersion', type: 'string' },
        2: { name: 'kind', type: 'string' },
      })
      apiVersion = String(typeMeta.apiVersion ?? '')
      kind = String(typeMeta.kind ?? '')
    } else if (n === 2) raw = value
  }
  const message = KINDS[`${apiVersion}/${kind}`]
  if (message === undefined || raw === undefined) {
    throw new AppError(
      Reason.BadRequest,
      `protobuf bodies of ${kind || 'this kind'} are not supported; send application/json`
    )
  }
  return { apiVersion, kind, ...decodeMessage(raw, message) }
}
