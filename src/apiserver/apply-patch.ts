import { AppError, Reason } from '../shared/errors.js'
import { parseJsonBody } from './body.js'
import { applyJsonPatch } from './json-patch.js'
import { applyMergePatch } from './merge-patch.js'
import { patchMetaFor } from './patch-meta.js'
import { unsupportedMediaType } from './status-error.js'
import { applyStrategicMergePatch } from './strategic-merge-patch.js'

/** The patch media types the API accepts (server-side apply is not supported). */
export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const

/** A parsed patch of one of PATCH_TYPES. */
export type Patch = { readonly type: (typeof PATCH_TYPES)[number]; readonly doc: unknown }

/** Parses a PATCH body by its media type; 415 for other types, 400 for malformed JSON. */
export function parsePatch(mediaType: string, text: string): Patch {
  const type = PATCH_TYPES.find((t) => t === mediaType)
  if (type === undefined) throw unsupportedMediaType(mediaType, PATCH_TYPES)
  if (text.trim() === '') throw new AppError(Reason.BadRequest, 'the patch is empty')
  return { type, doc: parseJsonBody(text) }
}

/** Applies a patch to (a copy of) an object of a kind. */
export function applyPatch(kind: string, obj: unknown, patch: Patch): unknown {
  switch (patch.type) {
    case 'application/json-patch+json':
      return applyJsonPatch(obj, patch.doc)
    case 'application/merge-patch+json':
      if (typeof patch.doc !== 'object' || patch.doc === null || Array.isArray(patch.doc)) {
        throw new AppError(Reason.BadRequest, 'a JSON merge patch must be a JSON object')
      }
      return applyMergePatch(obj, patch.doc)
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(obj, patch.doc, (path) => patchMetaFor(kind, path))
  }
}
