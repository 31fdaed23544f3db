import { isJsonObject } from './body.js'

/**
 * Applies a JSON merge patch (RFC 7386): objects merge recursively, null deletes a member, anything else
 * (arrays included) replaces. Returns a new value; the inputs are not modified.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(structuredClone(target), patch)
}

// Merges into a private copy of the target.
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch)
  const out: Record<string, unknown> = isJsonObject(target) ? target : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else out[key] = mergeInto(out[key], value)
  }
  return out
}
