import {
  addTagEvent,
  differentTagEvent,
  differentTagGeneration,
  findSpecTag,
  recordImportFailure,
  setTagConditions,
} from '../api/image/v1/tag-history.js'
import type {
  Image,
  ImageImportStatus,
  ImageStream,
  ImageStreamImport,
  TagImportPolicy,
  TagReference,
  TagReferencePolicy,
} from '../api/image/v1/types.js'
import type { Time } from '../api/meta.js'
import { exactReference, mostSpecific, parseImageReference } from '../oci/reference.js'

// What a successful or failed import writes into the stream (openshift-apiserver imagestreamimport/rest.go:
// importSuccessful, checkImportFailure, ensureSpecTag; openshift-behaviour §3.2). Pure: the caller reads the
// stream, applies, compares, and writes.

/** The time and generation of one import. */
export type ApplyImportContext = {
  readonly now: Time
  /** stream.metadata.generation + 1 (the generation the stream gets if this import changes its spec). */
  readonly nextGeneration: number
}

/**
 * Applies the results of an import (isi.status, filled by importImages and with stored Images) to stream:
 * repository images first, then every spec.images entry with a `to`. Failures record an ImportSuccess=False
 * condition (unless the same one is there) and make sure a spec tag exists; successes record the tag event
 * and reset the spec tag when the tag changed. Tags of a request refused by allowedRegistriesForImport are
 * not created (OpenShift refuses such a request before importing anything).
 */
export function applyImport(
  stream: ImageStream,
  isi: ImageStreamImport,
  ctx: ApplyImportContext
): void {
  const repository = isi.spec.repository
  const repositoryImages = isi.status?.repository?.images ?? []
  if (repository !== null && repository !== undefined) {
    for (const status of repositoryImages) {
      const tag = status.tag ?? tagOfImage(status.image)
      if (tag === '') continue
      if (recordFailure(stream, status, tag, ctx)) continue
      let from: string
      try {
        const ref = parseImageReference(repository.from?.name ?? '')
        from = exactReference({ ...ref, id: '', tag })
      } catch {
        // The repository name was validated; an unparsable one imported nothing.
        continue
      }
      recordSuccess(stream, status.image as Image, tag, from, ctx, {
        importPolicy: repository.importPolicy,
        referencePolicy: repository.referencePolicy,
      })
    }
  }
  const statuses = isi.status?.images ?? []
  for (const [i, spec] of (isi.spec.images ?? []).entries()) {
    const tag = spec.to?.name ?? ''
    if (tag === '') continue
    const status = statuses[i] ?? { status: {} }
    const policies = { importPolicy: spec.importPolicy, referencePolicy: spec.referencePolicy }
    if (isFailure(status)) {
      if (status.status.reason === 'Forbidden' && findSpecTag(stream, tag) === undefined) continue
      recordFailure(stream, status, tag, ctx)
      ensureSpecTag(stream, tag, spec.from?.name ?? '', policies, false)
      continue
    }
    recordSuccess(stream, status.image as Image, tag, spec.from?.name ?? '', ctx, policies)
  }
}

function isFailure(status: ImageImportStatus): boolean {
  return status.image === undefined || status.image === null || status.status.status !== 'Success'
}

// checkImportFailure: true when the status is a failure (recorded unless the same condition is there).
function recordFailure(
  stream: ImageStream,
  status: ImageImportStatus,
  tag: string,
  ctx: ApplyImportContext
): boolean {
  if (!isFailure(status)) return false
  recordImportFailure(stream, tag, {
    reason: status.status.reason ?? '',
    message: status.status.message ?? '',
    generation: ctx.nextGeneration,
    now: ctx.now,
  })
  return true
}

function tagOfImage(image: Image | null | undefined): string {
  try {
    return parseImageReference(image?.dockerImageReference ?? '').tag
  } catch {
    return ''
  }
}

type Policies = {
  readonly importPolicy: TagImportPolicy | undefined
  readonly referencePolicy: TagReferencePolicy | undefined
}

// importSuccessful, without the Image creation (done before, by the caller).
function recordSuccess(
  stream: ImageStream,
  image: Image,
  tag: string,
  from: string,
  ctx: ApplyImportContext,
  policies: Policies
): void {
  const name = image.metadata.name ?? ''
  const event = {
    created: ctx.now,
    dockerImageReference: mostAccuratePullSpec(image.dockerImageReference ?? '', name),
    image: name,
    generation: ctx.nextGeneration,
  }
  const changed = differentTagEvent(stream, tag, event) || differentTagGeneration(stream, tag)
  let spec = findSpecTag(stream, tag)
  if (changed || spec === undefined) {
    spec = ensureSpecTag(stream, tag, from, policies, true)
    addTagEvent(stream, tag, event)
  }
  // Always: the tag's import policy is the request's (so a request without a mode sets the default).
  spec.importPolicy = normalizeImportPolicy(policies.importPolicy)
  setTagConditions(stream, tag)
}

/**
 * ensureSpecTag: makes sure the spec tag exists; with reset (or when new) it points `from` at the imported
 * reference, resets its generation to 0 (the stream generation once saved) and takes the request's import
 * policy, and its reference policy only when it has none ("Importing an image should not change the
 * reference policy"). New tags are inserted in name order, as OpenShift lists them.
 */
export function ensureSpecTag(
  stream: ImageStream,
  tag: string,
  from: string,
  policies: Policies,
  reset: boolean
): TagReference {
  stream.spec ??= {}
  stream.spec.tags ??= []
  const tags = stream.spec.tags
  let spec = tags.find((t) => t.name === tag)
  if (spec !== undefined && !reset) return spec
  if (spec === undefined) {
    spec = { name: tag }
    const at = tags.findIndex((t) => t.name > tag)
    if (at < 0) tags.push(spec)
    else tags.splice(at, 0, spec)
  }
  spec.from = { kind: 'DockerImage', name: from }
  spec.generation = 0
  spec.importPolicy = normalizeImportPolicy(policies.importPolicy)
  if ((spec.referencePolicy?.type ?? '') === '') {
    spec.referencePolicy = normalizeReferencePolicy(policies.referencePolicy)
  }
  return spec
}

// Go value structs: false and '' are not written (omitempty), so they are left out here too.
function normalizeImportPolicy(p: TagImportPolicy | undefined): TagImportPolicy {
  return {
    ...(p?.insecure === true ? { insecure: true } : {}),
    ...(p?.scheduled === true ? { scheduled: true } : {}),
    ...((p?.importMode ?? '') === '' ? {} : { importMode: p?.importMode as string }),
  }
}

function normalizeReferencePolicy(p: TagReferencePolicy | undefined): TagReferencePolicy {
  return (p?.type ?? '') === '' ? {} : { type: p?.type as string }
}

// mostAccuratePullSpec: the pull spec with the image's digest as its id.
function mostAccuratePullSpec(pullSpec: string, id: string): string {
  try {
    const ref = parseImageReference(pullSpec)
    return exactReference(mostSpecific(id === '' ? ref : { ...ref, id }))
  } catch {
    return pullSpec
  }
}
