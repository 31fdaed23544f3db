import { AppError, Reason } from '../shared/errors.js'
import type { ResourceKey } from './store.js'

/** ObjectKey is a validated ResourceKey whose namespace is always a string ('' = cluster-scoped). */
export type ObjectKey = {
  readonly resource: string
  readonly namespace: string
  readonly name: string
}

/** A position in the (namespace, name) order of a list. */
export type KeyPosition = { readonly namespace: string; readonly name: string }

/** Validates and normalizes a ResourceKey; BadRequest when a part is missing. */
export function toObjectKey(key: ResourceKey): ObjectKey {
  checkResource(key.resource)
  const namespace = key.namespace ?? ''
  if (typeof namespace !== 'string') {
    throw new AppError(Reason.BadRequest, 'namespace must be a string')
  }
  if (typeof key.name !== 'string' || key.name === '') {
    throw new AppError(Reason.BadRequest, `${key.resource}: a name is required`)
  }
  return { resource: key.resource, namespace, name: key.name }
}

/** Returns the key of an object about to be written; Invalid when its metadata has no usable name. */
export function objectKeyOf(resource: string, obj: unknown): ObjectKey {
  checkResource(resource)
  const meta =
    typeof obj === 'object' && obj !== null ? (obj as { metadata?: unknown }).metadata : undefined
  if (typeof meta !== 'object' || meta === null) {
    throw invalid('metadata', 'Required', 'metadata is required')
  }
  const { name, namespace } = meta as { name?: unknown; namespace?: unknown }
  if (typeof name !== 'string' || name === '') {
    throw invalid('metadata.name', 'Required', 'name is required')
  }
  if (namespace !== undefined && typeof namespace !== 'string') {
    throw invalid('metadata.namespace', 'Invalid', 'namespace must be a string')
  }
  return { resource, namespace: namespace ?? '', name }
}

/** Validates a resource plural; BadRequest when empty. */
export function checkResource(resource: string): void {
  if (typeof resource !== 'string' || resource === '') {
    throw new AppError(Reason.BadRequest, 'a resource is required')
  }
}

/** Orders keys by namespace, then name, by code point (the byte order of SQLite's BINARY collation). */
export function compareKeys(a: KeyPosition, b: KeyPosition): number {
  return compareCodePoints(a.namespace, b.namespace) || compareCodePoints(a.name, b.name)
}

/** Formats a key as `resource/namespace/name` (`resource//name` when cluster-scoped). */
export function formatKey(key: ObjectKey): string {
  return `${key.resource}/${key.namespace}/${key.name}`
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  // UTF-16 order differs from code point (and UTF-8 byte) order only around surrogates; compare
  // code points so both stores sort non-ASCII names the same way.
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const x = ia.next()
    const y = ib.next()
    if (x.done) return y.done ? 0 : -1
    if (y.done) return 1
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
}

function invalid(field: string, kind: 'Required' | 'Invalid', detail: string): AppError {
  return new AppError(Reason.Invalid, `${field}: ${kind} value: ${detail}`, {
    causes: [{ type: `FieldValue${kind}`, field, detail }],
  })
}
