import { exactReference, parseImageReference } from '../../../oci/reference.js'
import type { FieldError } from '../../../shared/errors.js'
import { goQuote, invalid, notFound } from '../../field-errors.js'
import type { Time } from '../../meta.js'
import {
  addTagEvent,
  findSpecTag,
  findStatusTag,
  latestTagEvent,
  updateTrackingTags,
} from './tag-history.js'
import { type ImageStream, ImportSuccess, type TagEvent, type TagReference } from './types.js'

// Generation bookkeeping of image streams (openshift-behaviour.md §3.1), after openshift-apiserver
// registry/imagestream/strategy.go and openshift-controller-manager's latestObservedTagGeneration:
//   - create: metadata.generation = 1 and every spec tag generation = 1;
//   - update: a user may only set a spec tag generation to 0 (re-import); other values are replaced by the
//     stored ones; a spec change (or generation 0) increments metadata.generation; new or changed tags and
//     tags with no or zero generation get the stream generation;
//   - status update: history items without a generation get the spec tag's (or the stream's);
//   - a tag needs import when its spec generation is newer than what status has observed.

/** Sets the generations of a stream being created (PrepareForCreate). */
export function setGenerationsOnCreate(stream: ImageStream): void {
  stream.metadata.generation = 1
  for (const tag of stream.spec?.tags ?? []) tag.generation = 1
}

/**
 * tagRefChanged: whether a spec tag changed between two versions so that it must be re-resolved or
 * re-imported: `from` namespace (empty = the stream's) or name, `reference`, import mode, or a generation
 * reset to 0. A tag without `from` (or with an empty one) never counts as changed.
 */
export function tagReferenceChanged(
  old: TagReference,
  next: TagReference,
  streamNamespace: string
): boolean {
  const nextFrom = next.from
  if (nextFrom === null || nextFrom === undefined) return false
  if ((nextFrom.kind ?? '') === '' && (nextFrom.name ?? '') === '') return false
  const oldFrom = old.from ?? {}
  const oldNamespace = (oldFrom.namespace ?? '') === '' ? streamNamespace : oldFrom.namespace
  const nextNamespace = (nextFrom.namespace ?? '') === '' ? streamNamespace : nextFrom.namespace
  if (oldNamespace !== nextNamespace) return true
  if ((oldFrom.name ?? '') !== (nextFrom.name ?? '')) return true
  if ((old.reference ?? false) !== (next.reference ?? false)) return true
  if ((old.importPolicy?.importMode ?? '') !== (next.importPolicy?.importMode ?? '')) return true
  const og = old.generation
  const ng = next.generation
  return og !== null && og !== undefined && ng !== null && ng !== undefined && og !== ng && ng === 0
}

// Semantic equality of a spec tag: nil and empty maps are equal, false and absent booleans too.
function canonicalTag(tag: TagReference): unknown {
  const from = tag.from
  const annotations = Object.entries(tag.annotations ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
  return [
    annotations,
    from === null || from === undefined
      ? null
      : [
          from.kind ?? '',
          from.namespace ?? '',
          from.name ?? '',
          from.uid ?? '',
          from.apiVersion ?? '',
          from.resourceVersion ?? '',
          from.fieldPath ?? '',
        ],
    tag.reference ?? false,
    tag.generation ?? null,
    [
      tag.importPolicy?.insecure ?? false,
      tag.importPolicy?.scheduled ?? false,
      tag.importPolicy?.importMode ?? '',
    ],
    tag.referencePolicy?.type ?? '',
  ]
}

/**
 * Reports whether two specs are semantically equal as OpenShift compares them: tags are a map keyed by
 * name, so their order does not matter.
 */
export function specsEqual(a: ImageStream['spec'], b: ImageStream['spec']): boolean {
  const tags = (s: ImageStream['spec']) =>
    (s?.tags ?? [])
      .map((t) => [t.name, canonicalTag(t)] as const)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
  return (
    (a?.lookupPolicy?.local ?? false) === (b?.lookupPolicy?.local ?? false) &&
    (a?.dockerImageRepository ?? '') === (b?.dockerImageRepository ?? '') &&
    JSON.stringify(tags(a)) === JSON.stringify(tags(b))
  )
}

/**
 * Sets generations for a spec update (prepareForUpdate): keeps the stored generation, restores spec tag
 * generations except explicit zeros, increments metadata.generation when the spec changed (or was 0),
 * then gives new, changed, unset and zero tags the stream generation.
 */
export function setGenerationsOnUpdate(stream: ImageStream, old: ImageStream): void {
  stream.metadata.generation = old.metadata?.generation ?? 0
  for (const tag of stream.spec?.tags ?? []) {
    if (tag.generation === 0) continue
    const oldTag = findSpecTag(old, tag.name)
    if (oldTag !== undefined) {
      if (oldTag.generation === null || oldTag.generation === undefined) delete tag.generation
      else tag.generation = oldTag.generation
    }
  }
  if (!specsEqual(old.spec, stream.spec) || stream.metadata.generation === 0) {
    stream.metadata.generation = (old.metadata?.generation ?? 0) + 1
  }
  const namespace = stream.metadata.namespace ?? ''
  for (const tag of stream.spec?.tags ?? []) {
    const oldTag = findSpecTag(old, tag.name)
    if (oldTag === undefined || tagReferenceChanged(oldTag, tag, namespace)) delete tag.generation
    if (tag.generation !== null && tag.generation !== undefined && tag.generation !== 0) continue
    tag.generation = stream.metadata.generation
  }
}

function platformsEqual(a: TagEvent, b: TagEvent): boolean {
  const pa = a.platforms ?? []
  const pb = b.platforms ?? []
  return pa.length === pb.length && pa.every((p, i) => p === pb[i])
}

function tagEventChanged(old: TagEvent, next: TagEvent): boolean {
  return (
    old.image !== next.image ||
    old.dockerImageReference !== next.dockerImageReference ||
    !platformsEqual(old, next) ||
    old.generation > next.generation
  )
}

/**
 * Fills the generation of current history items written without one by a status update
 * (updateObservedGenerationForStatusUpdate): the stream generation when the item did not change, else
 * the spec tag's generation (or the stream's when the tag has none).
 */
export function setObservedGenerationsOnStatusUpdate(stream: ImageStream, old: ImageStream): void {
  const generation = stream.metadata.generation ?? 0
  for (const list of stream.status?.tags ?? []) {
    const newer = list.items?.[0]
    if (newer === undefined || newer.generation !== 0) continue
    const older = findStatusTag(old, list.tag)?.items?.[0]
    if (older === undefined || !tagEventChanged(older, newer)) {
      newer.generation = generation
      continue
    }
    const spec = findSpecTag(stream, list.tag)
    newer.generation = spec?.generation ?? generation
  }
}

/**
 * The generation status has observed for a tag: the larger of the current item's generation and the
 * first ImportSuccess condition's generation; 0 when the tag has no status.
 */
export function latestObservedTagGeneration(stream: ImageStream, tag: string): number {
  const list = findStatusTag(stream, tag)
  if (list === undefined) return 0
  let last = Math.max(0, list.items?.[0]?.generation ?? 0)
  const condition = (list.conditions ?? []).find((c) => c.type === ImportSuccess)
  if (condition !== undefined && condition.generation > last) last = condition.generation
  return last
}

/** Reports whether a spec tag is imported from a registry: `from.kind: DockerImage` and not a reference. */
export function isImportableTag(tag: TagReference): boolean {
  return tag.from?.kind === 'DockerImage' && tag.reference !== true
}

/**
 * Reports whether an importable spec tag waits for import: its generation (unset counts as needing one)
 * is newer than the generation status has observed.
 */
export function tagNeedsImport(stream: ImageStream, tag: TagReference): boolean {
  if (!isImportableTag(tag)) return false
  if (tag.generation === null || tag.generation === undefined) return true
  return tag.generation > latestObservedTagGeneration(stream, tag.name)
}

/** What applyTagChanges needs besides the two versions of the stream. */
export type TagChangeContext = {
  /** Time of new history items. */
  readonly now: Time
  /** Finds another stream referenced by an ImageStreamTag/ImageStreamImage tag (undefined: not found). */
  readonly lookupStream?: (namespace: string, name: string) => ImageStream | undefined
  /** Host[:port] of our registry: references into the source stream are rewritten to this stream. */
  readonly internalRegistry?: string
}

// DigestOrImageMatch: an image ID matches a digest by its hex prefix or the whole-string prefix.
function digestOrImageMatch(image: string, id: string): boolean {
  const colon = image.indexOf(':')
  if (colon > 0 && image.slice(colon + 1).startsWith(id)) return true
  return image.startsWith(id)
}

function resolveImageId(stream: ImageStream, id: string, now: Time): TagEvent {
  let found: TagEvent | undefined
  const images = new Set<string>()
  for (const list of stream.status?.tags ?? []) {
    for (const item of list.items ?? []) {
      if (digestOrImageMatch(item.image, id)) {
        found = item
        images.add(item.image)
      }
    }
  }
  if (images.size === 1 && found !== undefined) {
    return {
      created: now,
      dockerImageReference: found.dockerImageReference,
      image: found.image,
      generation: 0,
    }
  }
  const resource = 'imagestreamimage.image.openshift.io'
  if (images.size === 0) throw new Error(`${resource} ${goQuote(id)} not found`)
  const list = [...images].sort().join(', ')
  throw new Error(
    `Operation cannot be fulfilled on ${resource} ${goQuote(id)}: multiple images match the prefix ${goQuote(id)}: ${list}`
  )
}

/**
 * tagsChanged: for every spec tag that is new or changed, resolves into status what needs no import —
 * `reference: true` DockerImage tags get an item with the raw from.name; ImageStreamTag and
 * ImageStreamImage tags get the referenced stream's current item (references into our own registry for
 * the source stream are rewritten to this stream unless the tag is a reference) — then copies changed
 * status tags to the tags that track them. Call after setGenerationsOnUpdate (or setGenerationsOnCreate
 * with old undefined). Returns the field errors OpenShift's strategy raises.
 */
export function applyTagChanges(
  stream: ImageStream,
  old: ImageStream | undefined,
  ctx: TagChangeContext
): FieldError[] {
  const errs: FieldError[] = []
  const namespace = stream.metadata.namespace ?? ''
  const streamName = stream.metadata.name ?? ''
  for (const [i, tag] of (stream.spec?.tags ?? []).entries()) {
    const oldTag = old === undefined ? undefined : findSpecTag(old, tag.name)
    if (oldTag !== undefined && !tagReferenceChanged(oldTag, tag, namespace)) continue
    const from = tag.from
    if (from === null || from === undefined) continue
    const generation = stream.metadata.generation ?? 0
    tag.generation = generation
    const fromPath = `spec.tags[${i}].from`
    const fromName = from.name ?? ''
    if (from.kind === 'DockerImage' && fromName !== '') {
      if (tag.reference === true) {
        addTagEvent(stream, tag.name, {
          created: ctx.now,
          dockerImageReference: fromName,
          image: '',
          generation,
        })
      }
      continue
    }
    const separator =
      from.kind === 'ImageStreamTag' ? ':' : from.kind === 'ImageStreamImage' ? '@' : ''
    const parts = separator === '' ? [] : fromName.split(separator)
    if (parts.length < 1 || parts.length > 2) {
      errs.push(
        invalid(
          `${fromPath}.name`,
          fromName,
          'must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>'
        )
      )
      continue
    }
    const refStreamName = parts.length === 2 ? (parts[0] ?? '') : streamName
    const tagOrId = parts.length === 2 ? (parts[1] ?? '') : fromName
    const refNamespace = (from.namespace ?? '') === '' ? namespace : (from.namespace ?? '')
    let source: ImageStream | undefined = stream
    if (refNamespace !== namespace || refStreamName !== streamName) {
      source = ctx.lookupStream?.(refNamespace, refStreamName)
      if (source === undefined) {
        errs.push(notFound(`${fromPath}.name`, fromName))
        continue
      }
    }
    let event: TagEvent | undefined
    try {
      if (from.kind === 'ImageStreamImage') event = resolveImageId(source, tagOrId, ctx.now)
      else {
        const latest = latestTagEvent(source, tagOrId)
        event = latest === undefined ? undefined : { ...latest }
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      errs.push(invalid(`${fromPath}.name`, fromName, `error generating tag event: ${message}`))
      continue
    }
    // The referenced tag or image does not exist yet, which is fine.
    if (event === undefined) continue
    event.generation = generation
    if (tag.reference !== true && ctx.internalRegistry !== undefined) {
      event.dockerImageReference = rewriteToStream(
        event.dockerImageReference,
        ctx.internalRegistry,
        {
          from: { namespace: source.metadata?.namespace ?? '', name: source.metadata?.name ?? '' },
          to: { namespace, name: streamName },
        }
      )
    }
    addTagEvent(stream, tag.name, event)
  }
  updateChangedTrackingTags(stream, old)
  return errs
}

function rewriteToStream(
  pullSpec: string,
  registry: string,
  streams: { from: { namespace: string; name: string }; to: { namespace: string; name: string } }
): string {
  try {
    const ref = parseImageReference(pullSpec)
    if (
      ref.registry === registry &&
      ref.namespace === streams.from.namespace &&
      ref.name === streams.from.name
    ) {
      return exactReference({ ...ref, namespace: streams.to.namespace, name: streams.to.name })
    }
  } catch {
    // An unparsable reference is kept as it is, as OpenShift does.
  }
  return pullSpec
}

// updateChangedTrackingTags: status tags whose current item changed (or that carry conditions) update
// the tags tracking them.
function updateChangedTrackingTags(stream: ImageStream, old: ImageStream | undefined): void {
  for (const list of [...(stream.status?.tags ?? [])]) {
    const items = list.items ?? []
    const conditionsPresent = (list.conditions ?? []).length > 0
    if (items.length === 0 && !conditionsPresent) continue
    if (old !== undefined && !conditionsPresent) {
      const oldItems = findStatusTag(old, list.tag)?.items ?? []
      const first = items[0]
      const oldFirst = oldItems[0]
      const changed =
        oldFirst === undefined ||
        first === undefined ||
        first.created !== oldFirst.created ||
        first.generation !== oldFirst.generation ||
        tagEventChanged(oldFirst, first)
      if (!changed) continue
    }
    updateTrackingTags(stream, list.tag, list)
  }
}
