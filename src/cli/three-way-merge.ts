// The JSON merge patch `kubectl apply` computes for kinds without strategic-merge metadata
// (jsonmergepatch.CreateThreeWayJSONMergePatch): fields removed since the last apply become null, fields
// added or changed against the live object are set. One refinement: a list in the applied file is
// unchanged when each of its items is contained in the live item at the same position, so fields the
// server defaulted inside list items (spec.tags[].generation, importPolicy) do not count as drift and a
// second apply of the same file is `unchanged`.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type JsonObject = { [k: string]: Json }

/**
 * Returns the merge patch that turns current into modified, deleting what original (the last-applied
 * configuration, if any) had and modified no longer has. An empty object means nothing to change.
 */
export function threeWayMergePatch(
  original: unknown,
  modified: unknown,
  current: unknown
): Record<string, unknown> {
  const delta = additionsAndChanges(asObject(current), asObject(modified))
  const deletions = isObject(original)
    ? deletionsOf(original as JsonObject, asObject(modified))
    : {}
  return mergePatches(deletions, delta)
}

function asObject(v: unknown): JsonObject {
  return isObject(v) ? (v as JsonObject) : {}
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function additionsAndChanges(current: JsonObject, modified: JsonObject): JsonObject {
  const patch: JsonObject = {}
  for (const [k, m] of Object.entries(modified)) {
    const c = current[k]
    if (!(k in current)) {
      patch[k] = m
    } else if (isObject(m) && isObject(c)) {
      const sub = additionsAndChanges(c as JsonObject, m as JsonObject)
      if (Object.keys(sub).length > 0) patch[k] = sub
    } else if (Array.isArray(m) && Array.isArray(c)) {
      if (!listContained(m, c)) patch[k] = m
    } else if (!deepEqual(m, c)) {
      patch[k] = m
    }
  }
  return patch
}

function deletionsOf(original: JsonObject, modified: JsonObject): JsonObject {
  const patch: JsonObject = {}
  for (const [k, o] of Object.entries(original)) {
    if (!(k in modified)) patch[k] = null
    else {
      const m = modified[k]
      if (isObject(o) && isObject(m)) {
        const sub = deletionsOf(o as JsonObject, m as JsonObject)
        if (Object.keys(sub).length > 0) patch[k] = sub
      }
    }
  }
  return patch
}

function mergePatches(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a }
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k]
    out[k] = isObject(prev) && isObject(v) ? mergePatches(prev as JsonObject, v as JsonObject) : v
  }
  return out
}

// Same length, and each wanted item is contained in the live item at its position.
function listContained(wanted: Json[], live: Json[]): boolean {
  return wanted.length === live.length && wanted.every((w, i) => contained(w, live[i] ?? null))
}

function contained(wanted: Json, live: Json): boolean {
  if (isObject(wanted) && isObject(live)) {
    const l = live as JsonObject
    return Object.entries(wanted as JsonObject).every(
      ([k, v]) => k in l && contained(v, l[k] ?? null)
    )
  }
  if (Array.isArray(wanted) && Array.isArray(live)) return listContained(wanted, live)
  return deepEqual(wanted, live)
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  }
  if (isObject(a) && isObject(b)) {
    const ak = Object.keys(a as object)
    const bk = Object.keys(b as object)
    return (
      ak.length === bk.length &&
      ak.every((k) => k in (b as object) && deepEqual((a as JsonObject)[k], (b as JsonObject)[k]))
    )
  }
  return false
}
