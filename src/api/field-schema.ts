// A small structural schema of the wire types, used to find unknown and mistyped fields the way the API
// server's decoder does (Kubernetes drops unknown fields, or rejects them under strict field validation,
// and rejects values of the wrong JSON type).

/** The schema of one JSON value. `any` is kept as given (RawExtension, managed fields). */
export type FieldSchema =
  | { readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'any' }
  | { readonly type: 'object'; readonly fields: Readonly<Record<string, FieldSchema>> }
  | { readonly type: 'map'; readonly values: FieldSchema }
  | { readonly type: 'array'; readonly items: FieldSchema }

/** A JSON string. */
export const str: FieldSchema = { type: 'string' }
/** A JSON integer (Go int32/int64). */
export const int: FieldSchema = { type: 'integer' }
/** A JSON number. */
export const num: FieldSchema = { type: 'number' }
/** A JSON boolean. */
export const bool: FieldSchema = { type: 'boolean' }
/** Any JSON value, preserved as is. */
export const anyValue: FieldSchema = { type: 'any' }

/**
 * An object with exactly the fields of T: the compiler checks that every property of T has a schema and
 * that no other is listed, so the schema cannot drift from the TypeScript types.
 */
export function obj<T>(fields: { readonly [K in keyof T]-?: FieldSchema }): FieldSchema {
  return { type: 'object', fields: fields as Readonly<Record<string, FieldSchema>> }
}

/** A JSON object with arbitrary keys and values of one schema (labels, annotations, data). */
export function mapOf(values: FieldSchema): FieldSchema {
  return { type: 'map', values }
}

/** A JSON array of one schema. */
export function arrayOf(items: FieldSchema): FieldSchema {
  return { type: 'array', items }
}

/** A value whose JSON type does not match its field. */
export type WrongType = {
  /** Path of the field, e.g. `spec.tags[0].generation`. */
  readonly field: string
  readonly expected: string
  readonly got: string
}

/** The outcome of pruning. */
export type PruneResult<T> = {
  /** A copy of the input without unknown and mistyped fields. */
  readonly obj: T
  /** Paths of the dropped unknown fields, e.g. `spec.foo`, `spec.tags[0].bar`. */
  readonly unknown: string[]
  /** Fields whose value had the wrong JSON type (also dropped). */
  readonly wrongTypes: WrongType[]
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function expectedName(schema: FieldSchema): string {
  return schema.type === 'map' ? 'object' : schema.type
}

function fits(schema: FieldSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'any':
      return true
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'array':
      return Array.isArray(value)
    case 'object':
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
  }
  return false
}

function walk(
  schema: FieldSchema,
  value: unknown,
  path: string,
  unknown: string[],
  wrongTypes: WrongType[]
): unknown {
  // Go decodes null into any field as its zero value; keep it as given.
  if (value === null) return null
  if (schema.type === 'any') return structuredClone(value)
  if (!fits(schema, value)) {
    wrongTypes.push({ field: path, expected: expectedName(schema), got: jsonType(value) })
    return undefined
  }
  switch (schema.type) {
    case 'array':
      return (value as unknown[]).map((item, i) =>
        walk(schema.items, item, `${path}[${i}]`, unknown, wrongTypes)
      )
    case 'map': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const child = walk(schema.values, v, `${path}[${k}]`, unknown, wrongTypes)
        if (child !== undefined) out[k] = child
      }
      return out
    }
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const field = path === '' ? k : `${path}.${k}`
        const fieldSchema = Object.hasOwn(schema.fields, k) ? schema.fields[k] : undefined
        if (fieldSchema === undefined) {
          unknown.push(field)
          continue
        }
        const child = walk(fieldSchema, v, field, unknown, wrongTypes)
        if (child !== undefined) out[k] = child
      }
      return out
    }
    default:
      return value
  }
}

/**
 * Copies value keeping only what schema knows, as Kubernetes' decoder does. Map keys (labels,
 * annotations, secret data) are never pruned; `any` values are kept whole; nulls are kept.
 */
export function pruneWithSchema<T>(schema: FieldSchema, value: T): PruneResult<T> {
  const unknown: string[] = []
  const wrongTypes: WrongType[] = []
  const obj = walk(schema, value, '', unknown, wrongTypes) as T
  return { obj, unknown, wrongTypes }
}
