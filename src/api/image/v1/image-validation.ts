import { isReferenceDigest, parseImageReference } from '../../../oci/reference.js'
import type { FieldError } from '../../../shared/errors.js'
import { invalid, required } from '../../field-errors.js'
import { validatePathSegmentName } from '../../name-validation.js'
import { validateObjectMeta, validateObjectMetaUpdate } from '../../object-meta-validation.js'
import type { Image, ImageManifest, ImageSignature } from './types.js'

// Image validation with the messages of openshift-apiserver validation.go (validateImage,
// validateImageManifests, validateImageSignature). Differences: the name must be a digest (OpenShift only
// requires a path segment, but every Image it creates is named by digest), and the manifest size error
// is reported at `manifestSize`, the wire name, where OpenShift says `size`.

// OpenShift's imageDigestRegexp and imageMediaTypeRegexp (RFC 6838 type/subtype).
const IMAGE_DIGEST = /[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}/
const MEDIA_TYPE =
  /^ *([A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126})\/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}) *$/

/** Detail for an Image whose name is not a digest. */
export const IMAGE_NAME_DETAIL = 'must be the image digest, e.g. sha256:<64 hexadecimal characters>'

/** Validates the children of a manifest list (dockerImageManifests) at path. */
export function validateImageManifests(
  manifests: readonly ImageManifest[],
  path: string
): FieldError[] {
  const errs: FieldError[] = []
  for (const [i, m] of manifests.entries()) {
    const p = `${path}[${i}]`
    // NB: unanchored, as in OpenShift: a digest anywhere in the string passes.
    if (!IMAGE_DIGEST.test(m.digest ?? '')) {
      errs.push(
        invalid(
          `${p}.digest`,
          m.digest ?? '',
          'digest does not conform with OCI image specification'
        )
      )
    }
    if (!MEDIA_TYPE.test(m.mediaType ?? '')) {
      errs.push(
        invalid(`${p}.mediaType`, m.mediaType ?? '', 'media type does not conform to RFC6838')
      )
    }
    if ((m.architecture ?? '') === '') errs.push(required(`${p}.architecture`))
    if ((m.os ?? '') === '') errs.push(required(`${p}.os`))
    if ((m.manifestSize ?? 0) < 0) {
      errs.push(invalid(`${p}.manifestSize`, m.manifestSize, 'manifest size cannot be negative'))
    }
  }
  return errs
}

/** Validates the mandatory fields of an image signature at path. */
export function validateImageSignature(sig: ImageSignature, path: string): FieldError[] {
  const errs: FieldError[] = []
  const name = sig.metadata?.name ?? ''
  const parts = name.split('@')
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    errs.push(
      invalid(`${path}.metadata.name`, name, 'name must be of format <imageName>@<signatureName>')
    )
  }
  if ((sig.type ?? '') === '') errs.push(required(`${path}.type`))
  if ((sig.content ?? '') === '') errs.push(required(`${path}.content`))
  return errs
}

/**
 * ValidateImage: metadata (cluster-scoped, named by digest), dockerImageReference, signatures, and for
 * manifest lists their children (and no layers).
 */
export function validateImage(image: Image): FieldError[] {
  const errs = validateObjectMeta(image.metadata, {
    namespaced: false,
    nameFn: validatePathSegmentName,
  })
  const name = image.metadata?.name ?? ''
  if (
    name !== '' &&
    validatePathSegmentName(name, false).length === 0 &&
    !isReferenceDigest(name)
  ) {
    errs.push(invalid('metadata.name', name, IMAGE_NAME_DETAIL))
  }
  const ref = image.dockerImageReference ?? ''
  if (ref === '') {
    errs.push(required('dockerImageReference'))
  } else {
    try {
      parseImageReference(ref)
    } catch (err) {
      errs.push(
        invalid('dockerImageReference', ref, err instanceof Error ? err.message : String(err))
      )
    }
  }
  for (const [i, sig] of (image.signatures ?? []).entries()) {
    errs.push(...validateImageSignature(sig, `signatures[${i}]`))
  }
  const manifests = image.dockerImageManifests ?? []
  if (manifests.length > 0) {
    errs.push(...validateImageManifests(manifests, 'dockerImageManifests'))
    const layers = image.dockerImageLayers ?? []
    if (layers.length > 0) {
      errs.push(
        invalid(
          'dockerImageLayers',
          layers,
          'dockerImageLayers should not be set when dockerImageManifests is set'
        )
      )
    }
  }
  return errs
}

/** ValidateImageUpdate: metadata update rules, then every create rule. */
export function validateImageUpdate(next: Image, old: Image): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateImage(next)]
}
