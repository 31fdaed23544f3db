import { stringify as stringifyYaml } from 'yaml'
import type { ApiObject } from '../../api/meta.js'
import { resourceForKind } from '../../api/scheme.js'

// kubectl's -o json, -o yaml and -o name printers. Our kinds reach kubectl as unstructured maps, so its
// output has keys in sorted order; we print the same way (apiVersion, kind, metadata, spec, status).

/** Returns value with the keys of every object sorted, as Go's encoding/json writes a map. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value).sort())
    out[k] = sortKeys((value as Record<string, unknown>)[k])
  return out
}

/** kubectl -o json: four-space indentation, sorted keys, trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`
}

/** kubectl -o yaml: sorted keys, sequences not indented under their key, no line folding. */
export function toYaml(value: unknown): string {
  return stringifyYaml(sortKeys(value), { indentSeq: false, lineWidth: 0 })
}

/**
 * The `-o name` form of an object: `imagestream.image.openshift.io/NAME` for grouped kinds,
 * `secret/NAME` for core ones; with an operation, `… created`.
 */
export function nameOf(obj: ApiObject, fallbackKind?: string): string {
  const kind = obj.kind ?? fallbackKind ?? ''
  const info = resourceForKind(kind)
  const group = info?.group ?? groupOf(obj.apiVersion)
  const prefix = group === '' ? kind.toLowerCase() : `${kind.toLowerCase()}.${group}`
  return `${prefix}/${obj.metadata?.name ?? ''}`
}

function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? ''
  const i = v.indexOf('/')
  return i < 0 ? '' : v.slice(0, i)
}

/** A list as kubectl prints several objects: `{apiVersion: v1, kind: List, items, metadata}`. */
export function asList(items: readonly unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }
}
