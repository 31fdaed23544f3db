import { goQuote } from '../../field-errors.js'
import type { Time } from '../../meta.js'
import {
  ConditionStatus,
  DEFAULT_IMAGE_TAG,
  type ImageStream,
  ImportSuccess,
  type NamedTagEventList,
  type TagEvent,
  type TagEventCondition,
  type TagReference,
} from './types.js'

// The pure rules for status.tags history and conditions (openshift-behaviour.md §3.2), after
// openshift-apiserver internalimageutil/helpers.go (AddTagEventToImageStream, UpdateTrackingTags) and
// registry/imagestreamimport/rest.go (checkImportFailure, hasTagCondition, setTagConditions), and the
// alias walk of oc/library-go FollowTagReference. Functions mutate the stream they are given.

/** The message of a failed import whose status carries none. */
export const UNKNOWN_IMPORT_ERROR = 'unknown error prevented import'

/** Returns the spec tag with this name. */
export function findSpecTag(stream: ImageStream, name: string): TagReference | undefined {
  return (stream.spec?.tags ?? []).find((t) => t.name === name)
}

/** Returns the status tag (history and conditions) with this name. */
export function findStatusTag(stream: ImageStream, tag: string): NamedTagEventList | undefined {
  return (stream.status?.tags ?? []).find((t) => t.tag === tag)
}

/** LatestTaggedImage: the current (first) history item of a tag; '' means `latest`. */
export function latestTagEvent(stream: ImageStream, tag: string): TagEvent | undefined {
  return findStatusTag(stream, tag === '' ? DEFAULT_IMAGE_TAG : tag)?.items?.[0]
}

// Returns the status tag, creating it (with `items: null`, as Go serialises a nil slice) in name order,
// which is the order OpenShift writes status tags in.
function ensureStatusTag(stream: ImageStream, tag: string): NamedTagEventList {
  stream.status ??= {}
  stream.status.tags ??= []
  const tags = stream.status.tags
  const existing = tags.find((t) => t.tag === tag)
  if (existing !== undefined) return existing
  const created: NamedTagEventList = { tag, items: null }
  const at = tags.findIndex((t) => t.tag > tag)
  if (at < 0) tags.push(created)
  else tags.splice(at, 0, created)
  return created
}

function clearConditions(list: NamedTagEventList): void {
  delete list.conditions
}

/**
 * AddTagEventToImageStream: records `next` as the tag's current image and reports whether anything
 * changed. Against the current item: same reference, image and generation ⇒ no change; same reference
 * and image ⇒ only the generation is updated; same reference ⇒ the image is replaced in place; same
 * image ⇒ the reference is replaced in place; otherwise `next` is prepended. Any change clears the
 * tag's conditions. History is never trimmed here (pruning does that).
 */
export function addTagEvent(stream: ImageStream, tag: string, next: TagEvent): boolean {
  const list = ensureStatusTag(stream, tag)
  const previous = list.items?.[0]
  if (previous === undefined) {
    list.items = [{ ...next }]
    clearConditions(list)
    return true
  }
  const sameRef = previous.dockerImageReference === next.dockerImageReference
  const sameImage = previous.image === next.image
  const sameGen = previous.generation === next.generation
  if (sameRef && sameImage && sameGen) return false
  if (sameRef && !sameImage) previous.image = next.image
  else if (sameImage && !sameRef) previous.dockerImageReference = next.dockerImageReference
  else if (!sameRef && !sameImage) {
    list.items = [{ ...next }, ...(list.items ?? [])]
    clearConditions(list)
    return true
  }
  previous.generation = next.generation
  clearConditions(list)
  return true
}

/**
 * Reports whether `next` differs from the tag's current item in reference or image (generation is not
 * compared); true when the tag has no history (differentTagEvent).
 */
export function differentTagEvent(stream: ImageStream, tag: string, next: TagEvent): boolean {
  const previous = latestTagEvent(stream, tag)
  if (previous === undefined) return true
  return (
    previous.dockerImageReference !== next.dockerImageReference || previous.image !== next.image
  )
}

/**
 * Reports whether the spec tag's generation is newer than its current history item; true when either is
 * missing (differentTagGeneration).
 */
export function differentTagGeneration(stream: ImageStream, tag: string): boolean {
  const spec = findSpecTag(stream, tag)
  if (spec === undefined || spec.generation === null || spec.generation === undefined) return true
  const previous = latestTagEvent(stream, tag)
  if (previous === undefined) return true
  return spec.generation > previous.generation
}

/** The facts of a failed import of one tag. */
export type ImportFailure = {
  /** Status reason of the import, e.g. `NotFound`, `Unauthorized`, `InternalError`. */
  readonly reason: string
  /** Status message; empty becomes "unknown error prevented import". */
  readonly message: string
  /** The generation of the import (stream generation + 1). */
  readonly generation: number
  readonly now: Time
}

/** The ImportSuccess=False condition OpenShift records for a failed import. */
export function importFailedCondition(failure: ImportFailure): TagEventCondition {
  return {
    type: ImportSuccess,
    status: ConditionStatus.False,
    lastTransitionTime: failure.now,
    reason: failure.reason,
    message: failure.message === '' ? UNKNOWN_IMPORT_ERROR : failure.message,
    generation: failure.generation,
  }
}

/**
 * Reports whether the tag already has a condition with the same type, status, reason and message
 * (generation and time are not compared; BZ 1788700).
 */
export function hasTagCondition(
  stream: ImageStream,
  tag: string,
  condition: TagEventCondition
): boolean {
  return (findStatusTag(stream, tag)?.conditions ?? []).some(
    (c) =>
      c.type === condition.type &&
      c.status === condition.status &&
      (c.reason ?? '') === (condition.reason ?? '') &&
      (c.message ?? '') === (condition.message ?? '')
  )
}

/** Replaces the tag's conditions (none given: clears them, as a successful import does). */
export function setTagConditions(
  stream: ImageStream,
  tag: string,
  ...conditions: TagEventCondition[]
): void {
  if (conditions.length === 0) {
    const list = findStatusTag(stream, tag)
    if (list !== undefined) clearConditions(list)
    return
  }
  ensureStatusTag(stream, tag).conditions = conditions
}

/**
 * checkImportFailure: records a failed import unless the same failure (type, status, reason, message) is
 * already recorded. When recorded, it replaces all conditions of the tag and resets the spec tag's
 * generation to 0, so that it equals the condition's generation once the stream is saved. History items
 * are kept: the last good image stays visible. Returns whether the stream changed.
 */
export function recordImportFailure(
  stream: ImageStream,
  tag: string,
  failure: ImportFailure
): boolean {
  const condition = importFailedCondition(failure)
  if (hasTagCondition(stream, tag, condition)) return false
  setTagConditions(stream, tag, condition)
  const spec = findSpecTag(stream, tag)
  if (spec !== undefined) spec.generation = 0
  return true
}

/** Splits an ImageStreamTag reference `<stream>:<tag>` (an empty tag means latest). */
export function splitImageStreamTag(nameAndTag: string): {
  name: string
  tag: string
  ok: boolean
} {
  const i = nameAndTag.indexOf(':')
  if (i < 0) return { name: nameAndTag, tag: DEFAULT_IMAGE_TAG, ok: false }
  const tag = nameAndTag.slice(i + 1)
  return { name: nameAndTag.slice(0, i), tag: tag === '' ? DEFAULT_IMAGE_TAG : tag, ok: true }
}

// The tag of this stream a spec tag tracks (from.kind ImageStreamTag, `<tag>` or `<this stream>:<tag>`).
function trackedTag(stream: ImageStream, ref: TagReference): string | undefined {
  const from = ref.from
  if (from === null || from === undefined || from.kind !== 'ImageStreamTag') return undefined
  const namespace = stream.metadata?.namespace ?? ''
  if ((from.namespace ?? '') !== '' && from.namespace !== namespace) return undefined
  const name = from.name ?? ''
  if (!name.includes(':')) return name
  const split = splitImageStreamTag(name)
  return split.name === (stream.metadata?.name ?? '') ? split.tag : undefined
}

/**
 * UpdateTrackingTags: copies the updated tag's current item (and first condition) to every spec tag of
 * this stream that tracks it through `from: {kind: ImageStreamTag, name: <tag> | <stream>:<tag>}`.
 * Returns the number of updates. Unlike OpenShift, copying a condition keeps the tracking tag's history.
 */
export function updateTrackingTags(
  stream: ImageStream,
  updatedTag: string,
  updated: Pick<NamedTagEventList, 'items' | 'conditions'>
): number {
  let count = 0
  for (const ref of stream.spec?.tags ?? []) {
    if (trackedTag(stream, ref) !== updatedTag) continue
    const item = updated.items?.[0]
    if (item !== undefined && addTagEvent(stream, ref.name, item)) count++
    const condition = updated.conditions?.[0]
    if (condition !== undefined) {
      const list = ensureStatusTag(stream, ref.name)
      const current = list.conditions?.[0]
      if (current === undefined) list.conditions = [{ ...condition }]
      else current.generation = condition.generation
      count++
    }
  }
  return count
}

/** Why an alias walk stopped without a terminating tag. */
export const TagResolutionError = {
  NotFound: 'NotFound',
  CrossImageStream: 'CrossImageStream',
  Circular: 'Circular',
} as const
/** A value of TagResolutionError. */
export type TagResolutionError = (typeof TagResolutionError)[keyof typeof TagResolutionError]

/** The result of following in-stream aliases from a tag. */
export type TagResolution =
  | {
      readonly ok: true
      /** The tag where the walk ended (not an ImageStreamTag alias). */
      readonly tag: string
      readonly ref: TagReference
      /** True when at least one alias was followed. */
      readonly multiple: boolean
    }
  | {
      readonly ok: false
      readonly error: TagResolutionError
      /** The last tag seen. */
      readonly tag: string
      readonly multiple: boolean
      /** The message `oc import-image` prints, naming the requested tag. */
      readonly message: string
    }

/**
 * FollowTagReference: walks ImageStreamTag aliases inside the stream (`from.name` `<tag>` or
 * `<this stream>:<tag>`) until a spec tag that is not an alias. Fails on a missing tag, an alias to
 * another stream or namespace, or a cycle, with the messages of `oc import-image`.
 */
export function resolveTagReference(stream: ImageStream, tag: string): TagResolution {
  const requested = tag
  const seen = new Set<string>()
  let multiple = false
  let current = tag
  const fail = (error: TagResolutionError, message: string): TagResolution => ({
    ok: false,
    error,
    tag: current,
    multiple,
    message,
  })
  for (;;) {
    if (seen.has(current)) {
      return fail(
        TagResolutionError.Circular,
        `tag ${goQuote(requested)} on the image stream is a reference to same tag`
      )
    }
    seen.add(current)
    const ref = findSpecTag(stream, current)
    if (ref === undefined) {
      return fail(
        TagResolutionError.NotFound,
        `the tag ${goQuote(requested)} does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`
      )
    }
    const from = ref.from
    if (from === null || from === undefined || from.kind !== 'ImageStreamTag') {
      return { ok: true, tag: current, ref, multiple }
    }
    const crossStream = `tag ${goQuote(requested)} points to an imagestreamtag from another ImageStream`
    if ((from.namespace ?? '') !== '' && from.namespace !== (stream.metadata?.namespace ?? '')) {
      return fail(TagResolutionError.CrossImageStream, crossStream)
    }
    const name = from.name ?? ''
    // NB: oc's `tag %q points to an invalid imagestreamtag` (ErrInvalidReference) needs SplitImageStreamTag
    // to fail on a name containing `:`, which it never does, so that message cannot occur.
    if (name.includes(':')) {
      const split = splitImageStreamTag(name)
      if (split.name !== (stream.metadata?.name ?? '')) {
        return fail(TagResolutionError.CrossImageStream, crossStream)
      }
      current = split.tag
    } else {
      current = name
    }
    multiple = true
  }
}
