/**
 * Reports whether two JSON values are equal the way Kubernetes' semantic DeepEqual sees the objects they
 * decode to: key order does not matter, and an absent field equals null, an empty list, an empty map or
 * `false` (Go's nil and zero values of slices, maps and plain booleans). Numbers and strings compare
 * exactly (`generation: 0` differs from no generation, as a nil pointer differs from a pointer to 0).
 */
export function semanticallyEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.length === 0 ? undefined : value.map((v) => canonical(v) ?? null)
  }
  if (value === null || value === false) return undefined
  if (typeof value !== 'object') return value
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => [k, canonical(v)] as const)
    .filter(([, v]) => v !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}
