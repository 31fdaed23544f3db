import {
  pruneUnknownFields,
  strictDecodingError,
  unknownFieldWarning,
} from '../api/prune-unknown-fields.js'
import { apiVersionOf, type ResourceInfo } from '../api/scheme.js'
import { AppError, Reason } from '../shared/errors.js'
import type { StoredObject } from '../store/store.js'
import { isJsonObject } from './body.js'
import type { FieldValidation } from './query-options.js'

// Decoding a written object as kube-apiserver does: the apiVersion and kind must be the endpoint's
// (or absent), fields of the wrong JSON type are a BadRequest, unknown fields are dropped and reported
// as warnings, or rejected under fieldValidation=Strict.

/** A decoded object and the warnings to send with the response. */
export type Decoded<T> = { readonly obj: T; readonly warnings: string[] }

/** Options of decodeObject. */
export type DecodeOptions = {
  readonly fieldValidation: FieldValidation
  /** The kind expected (default the resource's kind; TokenRequest for serviceaccounts/token). */
  readonly kind?: string
  /** The apiVersion expected (default the resource's). */
  readonly apiVersion?: string
}

/** Decodes a request body into an object of the resource's kind, with apiVersion and kind set. */
export function decodeObject(
  info: ResourceInfo,
  body: unknown,
  o: DecodeOptions
): Decoded<StoredObject> {
  const kind = o.kind ?? info.kind
  const apiVersion = o.apiVersion ?? apiVersionOf(info)
  if (!isJsonObject(body)) {
    throw new AppError(
      Reason.BadRequest,
      `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: expected an object`
    )
  }
  const gotKind = typeof body.kind === 'string' ? body.kind : ''
  const gotVersion = typeof body.apiVersion === 'string' ? body.apiVersion : ''
  if (gotKind !== '' && gotKind !== kind) {
    throw new AppError(
      Reason.BadRequest,
      `${gotKind} in version ${JSON.stringify(gotVersion)} cannot be handled as a ${kind}: the object provided is unrecognized (must be of type ${kind})`
    )
  }
  if (gotVersion !== '' && gotVersion !== apiVersion) {
    throw new AppError(
      Reason.BadRequest,
      `the API version in the data (${gotVersion}) does not match the expected API version (${apiVersion})`
    )
  }
  if (body.metadata !== undefined && body.metadata !== null && !isJsonObject(body.metadata)) {
    throw wrongType(
      kind,
      'metadata',
      'object',
      Array.isArray(body.metadata) ? 'array' : typeof body.metadata
    )
  }
  const pruned = pruneUnknownFields(kind, body)
  const wrong = pruned.wrongTypes[0]
  if (wrong !== undefined) throw wrongType(kind, wrong.field, wrong.expected, wrong.got)
  let warnings: string[] = []
  if (pruned.unknown.length > 0) {
    if (o.fieldValidation === 'Strict') throw strictDecodingError(pruned.unknown)
    if (o.fieldValidation === 'Warn') warnings = pruned.unknown.map(unknownFieldWarning)
  }
  const obj = pruned.obj as Record<string, unknown>
  const metadata = isJsonObject(obj.metadata) ? obj.metadata : {}
  return {
    obj: { ...obj, apiVersion, kind, metadata } as StoredObject,
    warnings,
  }
}

function wrongType(kind: string, field: string, expected: string, got: string): AppError {
  return new AppError(
    Reason.BadRequest,
    `${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${got} into Go struct field ${kind}.${field} of type ${expected}`
  )
}
