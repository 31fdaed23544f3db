import { AppError, Reason } from '../shared/errors.js'
import { computeDigest, type Digest } from './digest.js'
import { baseMediaType, MediaType } from './media-types.js'

// Types whose digest is always the sha256 of the served bytes, whatever the body says.
const PLAIN_TYPES: ReadonlySet<string> = new Set([
  MediaType.OciManifest,
  MediaType.OciIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
])
const SCHEMA1_TYPES: ReadonlySet<string> = new Set([
  MediaType.DockerSchema1,
  MediaType.DockerSchema1Signed,
])
const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * Computes the digest a registry gives a manifest: the sha256 of the bytes, except for a signed schema 1
 * manifest (`…v1+prettyjws`, or a schema 1 body that has `signatures`), whose digest is the sha256 of the JWS
 * payload: `bytes[0:formatLength] + base64url(formatTail)` from the protected header of the signatures
 * (registry-protocol §1.6). A schema 1 body without signatures is its own payload.
 * Throws AppError(BadRequest, 'manifest invalid: …') when a schema 1 document or its signatures are malformed.
 */
export function computeManifestDigest(bytes: Uint8Array, mediaType: string): Digest {
  const base = baseMediaType(mediaType)
  if (PLAIN_TYPES.has(base)) return computeDigest(bytes)

  const declaredSchema1 = SCHEMA1_TYPES.has(base)
  const doc = parseJsonObject(bytes)
  if (doc === undefined) {
    if (declaredSchema1) throw invalid('schema 1 manifest is not a JSON object')
    // Untyped garbage: the parser rejects it later; its digest is still the digest of its bytes.
    return computeDigest(bytes)
  }
  const isSchema1 = declaredSchema1 || doc.schemaVersion === 1
  if (!isSchema1 || !Object.hasOwn(doc, 'signatures')) return computeDigest(bytes)
  return computeDigest(jwsPayload(bytes, doc.signatures))
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    return value as Record<string, unknown>
  } catch {
    // Not UTF-8 or not JSON: the caller decides whether that is an error.
    return undefined
  }
}

type FormatHeader = { readonly formatLength: number; readonly formatTail: Uint8Array }

function jwsPayload(bytes: Uint8Array, signatures: unknown): Uint8Array {
  if (!Array.isArray(signatures) || signatures.length === 0) {
    throw invalid('schema 1 signatures must be a non-empty array')
  }
  const headers = signatures.map((sig, i) => formatHeader(sig, i, bytes.byteLength))
  const first = headers[0] as FormatHeader
  // Every signature must sign the same payload, or the document means different things to different readers.
  for (const h of headers) {
    if (h.formatLength !== first.formatLength || !sameBytes(h.formatTail, first.formatTail)) {
      throw invalid('schema 1 signatures disagree on the signed payload')
    }
  }
  const payload = new Uint8Array(first.formatLength + first.formatTail.byteLength)
  payload.set(bytes.subarray(0, first.formatLength), 0)
  payload.set(first.formatTail, first.formatLength)
  return payload
}

function formatHeader(sig: unknown, i: number, bodyLength: number): FormatHeader {
  const where = `schema 1 signature ${i}`
  if (typeof sig !== 'object' || sig === null || Array.isArray(sig)) {
    throw invalid(`${where} is not an object`)
  }
  const protectedB64 = (sig as { protected?: unknown }).protected
  if (typeof protectedB64 !== 'string') throw invalid(`${where} has no protected header`)
  let header: unknown
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64Url(protectedB64))
    )
  } catch (cause) {
    throw invalid(`${where} has a malformed protected header`, cause)
  }
  if (typeof header !== 'object' || header === null) {
    throw invalid(`${where} has a malformed protected header`)
  }
  const { formatLength, formatTail } = header as { formatLength?: unknown; formatTail?: unknown }
  if (
    typeof formatLength !== 'number' ||
    !Number.isSafeInteger(formatLength) ||
    formatLength < 0 ||
    formatLength > bodyLength
  ) {
    throw invalid(`${where} has an invalid formatLength`)
  }
  if (typeof formatTail !== 'string') throw invalid(`${where} has an invalid formatTail`)
  let tail: Uint8Array
  try {
    tail = decodeBase64Url(formatTail)
  } catch (cause) {
    throw invalid(`${where} has an invalid formatTail`, cause)
  }
  return { formatLength, formatTail: tail }
}

// Buffer's decoder skips characters it does not know; JOSE base64url is unpadded and strict.
function decodeBase64Url(s: string): Uint8Array {
  if (!BASE64URL.test(s) || s.length % 4 === 1) throw new Error('illegal base64url string')
  return new Uint8Array(Buffer.from(s, 'base64url'))
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i])
}

function invalid(detail: string, cause?: unknown): AppError {
  return new AppError(
    Reason.BadRequest,
    `manifest invalid: ${detail}`,
    cause === undefined ? {} : { cause }
  )
}
