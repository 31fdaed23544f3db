import { AppError, Reason } from '../shared/errors.js'
import { isJsonObject } from './body.js'
import type { PatchMeta } from './patch-meta.js'

// Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch), the subset kubectl apply and
// kubectl patch send:
//   - maps merge recursively; null deletes a key;
//   - lists whose field has patch strategy `merge` merge by their merge key (lists of objects) or as a
//     set (lists of scalars); other lists are replaced;
//   - directives: `$patch: replace|delete|merge` on maps and list elements, `$setElementOrder/<field>`,
//     `$deleteFromPrimitiveList/<field>`, `$retainKeys`.
// The order of merged lists follows Kubernetes' normalizeElementOrder: patched elements in patch (or
// $setElementOrder) order, interleaved with server-only elements by their original positions.

/** Looks up the patch strategy of a field by dotted path without indices (`spec.tags`). */
export type PatchMetaLookup = (path: string) => PatchMeta | undefined

const DIRECTIVE = '$patch'
const RETAIN_KEYS = '$retainKeys'
const SET_ORDER = '$setElementOrder/'
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/'

function fail(message: string): AppError {
  return new AppError(Reason.Invalid, `unable to apply the strategic merge patch: ${message}`)
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/**
 * Applies a strategic merge patch to a copy of original. Malformed directives are Invalid (422).
 */
export function applyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  lookup: PatchMetaLookup
): unknown {
  if (!isJsonObject(patch)) {
    throw new AppError(Reason.BadRequest, 'a strategic merge patch must be a JSON object')
  }
  const base = isJsonObject(original) ? structuredClone(original) : {}
  return mergeMap(base, patch, '', lookup) ?? {}
}

// Merges patch into original (a private copy); undefined means the map is deleted.
function mergeMap(
  original: Record<string, unknown>,
  patch: Record<string, unknown>,
  path: string,
  lookup: PatchMetaLookup
): Record<string, unknown> | undefined {
  const directive = patch[DIRECTIVE]
  if (directive === 'delete') return undefined
  if (directive === 'replace') return sanitizeMap(patch, path, lookup)
  if (directive !== undefined && directive !== 'merge') {
    throw fail(`unknown patch type ${JSON.stringify(directive)} in map`)
  }
  const orders = new Map<string, unknown[]>()
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue
    if (!Array.isArray(value)) throw fail(`${key} must be a list`)
    orders.set(key.slice(SET_ORDER.length), value)
  }
  const out = original
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ORDER)) continue
    if (key.startsWith(DELETE_FROM_PRIMITIVE)) {
      if (!Array.isArray(value)) throw fail(`${key} must be a list`)
      const field = key.slice(DELETE_FROM_PRIMITIVE.length)
      const current = out[field]
      if (Array.isArray(current)) {
        out[field] = current.filter((v) => !value.some((d) => scalarEqual(d, v)))
      }
      continue
    }
    const childPath = join(path, key)
    if (value === null) {
      delete out[key]
      continue
    }
    const current = out[key]
    const merged =
      Array.isArray(value) && Array.isArray(current)
        ? mergeList(current, value, childPath, lookup, orders.get(key))
        : mergeValue(current, value, childPath, lookup)
    if (merged === undefined) delete out[key]
    else out[key] = merged
  }
  // $setElementOrder of a list the patch does not otherwise touch still reorders it.
  for (const [field, order] of orders) {
    const current = out[field]
    if (Array.isArray(current) && !Object.hasOwn(patch, field)) {
      out[field] = reorder(current, order, join(path, field), lookup, current)
    }
  }
  const retain = patch[RETAIN_KEYS]
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw fail(`${RETAIN_KEYS} must be a list`)
    for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key]
  }
  return out
}

function mergeValue(
  original: unknown,
  value: unknown,
  path: string,
  lookup: PatchMetaLookup
): unknown {
  if (isJsonObject(value)) {
    return mergeMap(isJsonObject(original) ? original : {}, value, path, lookup)
  }
  if (Array.isArray(value)) {
    if (Array.isArray(original)) return mergeList(original, value, path, lookup)
    return sanitizeList(value, path, lookup)
  }
  return value
}

// A patch value written where nothing is merged: directives are removed.
function sanitizeMap(
  patch: Record<string, unknown>,
  path: string,
  lookup: PatchMetaLookup
): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS) continue
    if (key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE)) continue
    copy[key] = value
  }
  return mergeMap({}, copy, path, lookup) ?? {}
}

function sanitizeList(list: unknown[], path: string, lookup: PatchMetaLookup): unknown[] {
  const out: unknown[] = []
  for (const item of list) {
    if (isJsonObject(item)) {
      if (item[DIRECTIVE] === 'delete' || item[DIRECTIVE] === 'replace') continue
      out.push(sanitizeMap(item, path, lookup))
    } else {
      out.push(structuredClone(item))
    }
  }
  return out
}

function scalarEqual(a: unknown, b: unknown): boolean {
  return a === b
}

function keyOf(item: unknown, mergeKey: string | undefined): unknown {
  if (mergeKey === undefined) return item
  return isJsonObject(item) ? item[mergeKey] : undefined
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  path: string,
  lookup: PatchMetaLookup,
  order?: unknown[]
): unknown[] {
  const meta = lookup(path)
  if (meta?.strategy !== 'merge') return sanitizeList(patch, path, lookup)
  const mergeKey = meta.mergeKey
  const objects = patch.some(isJsonObject) || original.some(isJsonObject)
  if (!objects) {
    // A set of scalars: the union, without duplicates.
    const out = [...original]
    for (const v of patch) if (!out.some((o) => scalarEqual(o, v))) out.push(v)
    return reorder(out, order ?? patch, path, lookup, original)
  }
  if (mergeKey === undefined) throw fail(`cannot merge lists without merge key for ${path}`)
  // `$patch: replace` as an element replaces the whole list with the other elements.
  if (patch.some((p) => isJsonObject(p) && p[DIRECTIVE] === 'replace')) {
    return sanitizeList(patch, path, lookup)
  }
  let merged = [...original]
  const rest: Record<string, unknown>[] = []
  for (const p of patch) {
    if (!isJsonObject(p)) throw fail(`${path}: expected a list of objects`)
    const directive = p[DIRECTIVE]
    if (directive === 'delete') {
      const key = p[mergeKey]
      merged = merged.filter((o) => keyOf(o, mergeKey) !== key)
      continue
    }
    if (directive !== undefined && directive !== 'merge') {
      throw fail(`unknown patch type ${JSON.stringify(directive)} in list`)
    }
    if (!Object.hasOwn(p, mergeKey))
      throw fail(`map: ${JSON.stringify(p)} does not contain declared merge key: ${mergeKey}`)
    rest.push(p)
  }
  for (const p of rest) {
    const key = p[mergeKey]
    const at = merged.findIndex((o) => keyOf(o, mergeKey) === key)
    if (at < 0) {
      merged.push(sanitizeMap(p, path, lookup))
      continue
    }
    const current = merged[at]
    const result = mergeMap(isJsonObject(current) ? current : {}, p, path, lookup)
    if (result === undefined) merged.splice(at, 1)
    else merged[at] = result
  }
  return reorder(merged, order ?? rest, path, lookup, original)
}

/**
 * Orders a merged list: elements named by `order` (the patch's elements or its `$setElementOrder`) come
 * in that order,
 * server-only elements keep their original order, and the two are interleaved by the original
 * positions (Kubernetes' normalizeElementOrder and mergeSortedSlice).
 */
function reorder(
  merged: unknown[],
  order: unknown[],
  path: string,
  lookup: PatchMetaLookup,
  original: unknown[]
): unknown[] {
  const mergeKey = lookup(path)?.mergeKey
  const keys = order.map((p) => keyOf(p, mergeKey))
  const indexIn = (list: unknown[], item: unknown): number => {
    const k = keyOf(item, mergeKey)
    return list.findIndex((x) => keyOf(x, mergeKey) === k)
  }
  const patchItems = merged.filter((m) => keys.includes(keyOf(m, mergeKey)))
  const serverItems = merged.filter((m) => !keys.includes(keyOf(m, mergeKey)))
  patchItems.sort((a, b) => keys.indexOf(keyOf(a, mergeKey)) - keys.indexOf(keyOf(b, mergeKey)))
  serverItems.sort((a, b) => indexIn(original, a) - indexIn(original, b))
  const out: unknown[] = []
  let i = 0
  let j = 0
  while (i < serverItems.length || j < patchItems.length) {
    if (i >= serverItems.length) out.push(patchItems[j++])
    else if (j >= patchItems.length) out.push(serverItems[i++])
    else {
      const li = indexIn(original, serverItems[i])
      const ri = indexIn(original, patchItems[j])
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverItems[i++])
      else out.push(patchItems[j++])
    }
  }
  return out
}
