import { DEFAULT_SELECTABLE_FIELDS } from '../api/field-selector.js'
import { validateImage, validateImageUpdate } from '../api/image/v1/image-validation.js'
import type { Image } from '../api/image/v1/types.js'
import { type ResourceInfo, resourceForPlural } from '../api/scheme.js'
import type { StoredObject } from '../store/store.js'
import type { Strategy } from './strategy.js'

function info(): ResourceInfo {
  const r = resourceForPlural('images')
  if (r === undefined) throw new Error('resource images is not in the scheme')
  return r
}

/** Images (cluster-scoped, named by digest): validation only; the importer creates them. */
export const imageStrategy: Strategy = {
  info: info(),
  allowUnconditionalUpdate: true,
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  hasStatus: false,
  setDefaults() {},
  async prepareCreate(obj) {
    return validateImage(obj as StoredObject & Image)
  },
  async prepareUpdate(next, old) {
    return validateImageUpdate(next as StoredObject & Image, old as StoredObject & Image)
  },
}
