import { AppError, Reason } from '../shared/errors.js'
import {
  arrayOf,
  type FieldSchema,
  obj,
  type PruneResult,
  pruneWithSchema,
  str,
} from './field-schema.js'
import type { List } from './meta.js'
import { listMetaSchema, OBJECT_SCHEMAS } from './object-schemas.js'

// Unknown-field handling as the Kubernetes API server does it for typed objects: unknown fields are
// dropped, and reported either as warnings (`unknown field "spec.foo"`, what kubectl prints after
// "Warning:") or, under strict field validation, as a BadRequest
// `strict decoding error: unknown field "spec.foo"`. Labels, annotations and other maps are never pruned.

/** The schema of a kind, of `<Kind>List`, or undefined when the kind is not served. */
export function schemaForKind(kind: string): FieldSchema | undefined {
  const direct = OBJECT_SCHEMAS[kind]
  if (direct !== undefined) return direct
  if (kind.endsWith('List')) {
    const item = OBJECT_SCHEMAS[kind.slice(0, -'List'.length)]
    if (item !== undefined) {
      return obj<List<unknown>>({
        apiVersion: str,
        kind: str,
        metadata: listMetaSchema,
        items: arrayOf(item),
      })
    }
  }
  return undefined
}

/**
 * Returns a copy of obj without the fields the kind does not define, with their paths (`spec.foo`,
 * `spec.tags[0].bar`) and the fields whose JSON type is wrong (also dropped; the server should answer
 * 400 for those). A `kind: List` document is pruned item by item according to each item's kind
 * (`items[0].spec.foo`). Throws AppError(BadRequest) for a kind that is not served.
 */
export function pruneUnknownFields<T>(kind: string, obj: T): PruneResult<T> {
  if (kind === 'List') return pruneList(obj)
  const schema = schemaForKind(kind)
  if (schema === undefined) {
    throw new AppError(Reason.BadRequest, `no kind ${JSON.stringify(kind)} is registered`)
  }
  return pruneWithSchema(schema, obj)
}

function pruneList<T>(list: T): PruneResult<T> {
  const {
    obj: pruned,
    unknown,
    wrongTypes,
  } = pruneWithSchema(
    obj<List<unknown>>({
      apiVersion: str,
      kind: str,
      metadata: listMetaSchema,
      items: arrayOf({ type: 'any' }),
    }),
    list
  )
  const items = (pruned as { items?: unknown }).items
  if (Array.isArray(items)) {
    for (const [i, item] of items.entries()) {
      const itemKind = (item as { kind?: unknown } | null)?.kind
      if (typeof itemKind !== 'string') continue
      const result = pruneUnknownFields(itemKind, item)
      items[i] = result.obj
      unknown.push(...result.unknown.map((f) => `items[${i}].${f}`))
      wrongTypes.push(...result.wrongTypes.map((w) => ({ ...w, field: `items[${i}].${w.field}` })))
    }
  }
  return { obj: pruned, unknown, wrongTypes }
}

/** The warning Kubernetes sends for a dropped field (kubectl prints it after `Warning: `). */
export function unknownFieldWarning(field: string): string {
  return `unknown field ${JSON.stringify(field)}`
}

/**
 * The error of strict field validation (`fieldValidation=Strict`): BadRequest with
 * `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`.
 */
export function strictDecodingError(unknown: readonly string[]): AppError {
  return new AppError(
    Reason.BadRequest,
    `strict decoding error: ${unknown.map(unknownFieldWarning).join(', ')}`
  )
}
