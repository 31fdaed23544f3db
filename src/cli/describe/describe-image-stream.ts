import { findSpecTag, findStatusTag, resolveTagReference } from '../../api/image/v1/tag-history.js'
import { type ImageStream, ImportSuccess } from '../../api/image/v1/types.js'
import { prioritizeTags } from '../../importer/prioritize-tags.js'
import { parseImageReference } from '../../oci/reference.js'
import { OC_DESCRIBE_TABS, tabwrite } from '../tabwriter.js'
import {
  type DescribeBuffer,
  formatMeta,
  formatString,
  relativeTime,
} from './oc-describe-format.js'
import { scheduleLine } from './schedule-line.js'

/**
 * oc's DescribeImageStream: metadata, `Image Repository`, `Image Lookup`, `Unique Images`, `Tags`, then one
 * block per tag (prioritised order, in-stream aliases folded into their target) with its source, import
 * flags, failed-import conditions and history (`* ` marks the current image).
 */
export function describeImageStream(stream: ImageStream, now: number): string {
  const out: DescribeBuffer = { text: '' }
  formatMeta(out, stream.metadata, now)
  const status = stream.status ?? {}
  formatString(
    out,
    'Image Repository',
    (status.publicDockerImageRepository ?? '') !== ''
      ? status.publicDockerImageRepository
      : (status.dockerImageRepository ?? '')
  )
  formatString(out, 'Image Lookup', `local=${stream.spec?.lookupPolicy?.local === true}`)
  formatImageStreamTags(out, stream, now)
  return tabwrite(out.text, OC_DESCRIBE_TABS)
}

function formatImageStreamTags(out: DescribeBuffer, stream: ImageStream, now: number): void {
  const statusTags = stream.status?.tags ?? []
  const specTags = stream.spec?.tags ?? []
  if (statusTags.length === 0 && specTags.length === 0) {
    out.text += 'Tags:\t<none>\n'
    return
  }

  // Unique images; NB: oc counts a reference-only item under the key "" (item.Image), kept as is.
  const images = new Set<string>()
  for (const tag of statusTags) {
    for (const item of tag.items ?? []) {
      if (item.image !== '') images.add(item.image)
      else if (item.dockerImageReference !== '' && !images.has(item.dockerImageReference)) {
        images.add(item.image)
      }
    }
  }

  let sorted = statusTags.map((t) => t.tag)
  const localReferences = new Set<string>()
  const referentialTags = new Map<string, Set<string>>()
  for (const tag of specTags) {
    const r = resolveTagReference(stream, tag.name)
    if (r.ok && r.multiple) {
      localReferences.add(tag.name)
      const set = referentialTags.get(r.tag) ?? new Set<string>()
      set.add(tag.name)
      referentialTags.set(r.tag, set)
    }
    if (findStatusTag(stream, tag.name) === undefined) sorted.push(tag.name)
  }
  out.text += `Unique Images:\t${images.size}\nTags:\t${sorted.length}\n\n`

  sorted = prioritizeTags(sorted)
  let first = true
  for (const tag of sorted) {
    if (localReferences.has(tag)) continue
    if (first) first = false
    else out.text += '\n'
    const taglist = findStatusTag(stream, tag)
    const tagRef = findSpecTag(stream, tag)
    let scheduled = false
    let insecure = false
    let importing = false
    let name = ''
    const from = tagRef?.from ?? undefined
    if (tagRef !== undefined && from !== undefined && from !== null) {
      const ns = from.namespace ?? ''
      name =
        ns !== '' && ns !== (stream.metadata.namespace ?? '')
          ? `${ns}/${from.name ?? ''}`
          : (from.name ?? '')
      scheduled = tagRef.importPolicy?.scheduled === true
      insecure = tagRef.importPolicy?.insecure === true
      const gen = latestObservedTagGeneration(stream, tag)
      const g = tagRef.generation
      importing = tagRef.reference !== true && g !== null && g !== undefined && g > gen
    }

    const refs = referentialTags.get(tag)
    out.text +=
      refs === undefined || refs.size === 0
        ? `${tag}\n`
        : `${tag} (${prioritizeTags([...refs]).join(', ')})\n`

    const reference = tagRef?.reference === true
    if (tagRef === undefined) out.text += '  no spec tag\n'
    else if (from === undefined || from === null) out.text += '  tag without source image\n'
    else if (from.kind === 'ImageStreamTag') {
      if (reference) out.text += `  reference to ${name}\n`
      else if (scheduled) out.text += `  updates automatically from ${name}\n`
      else out.text += `  tagged from ${name}\n`
    } else if (from.kind === 'DockerImage') {
      if (reference) out.text += `  reference to registry ${name}\n`
      else if (scheduled) out.text += `  updates automatically from registry ${name}\n`
      else out.text += `  tagged from ${name}\n`
    } else if (from.kind === 'ImageStreamImage') {
      if (reference) out.text += `  reference to image ${name}\n`
      else out.text += `  tagged from ${name}\n`
    } else if (reference) out.text += `  reference to ${from.kind ?? ''} ${name}\n`
    else out.text += `  updates from ${from.kind ?? ''} ${name}\n`
    if (insecure) out.text += '    will use insecure HTTPS or HTTP connections\n'
    if (tagRef?.referencePolicy?.type === 'Local') {
      out.text += '    prefer registry pullthrough when referencing this tag\n'
    }
    const schedule = scheduled ? scheduleLine(stream, tag, now) : undefined
    if (schedule !== undefined) out.text += `    ${schedule}\n`
    out.text += '\n'

    const annotations = tagRef?.annotations ?? {}
    let extra = false
    if ((annotations.description ?? '') !== '') {
      out.text += `  ${annotations.description}\n`
      extra = true
    }
    if ((annotations.tags ?? '') !== '') {
      out.text += `  Tags: ${(annotations.tags ?? '').split(',').join(', ')}\n`
      extra = true
    }
    if ((annotations.supports ?? '') !== '') {
      out.text += `  Supports: ${(annotations.supports ?? '').split(',').join(', ')}\n`
      extra = true
    }
    if ((annotations.sampleRepo ?? '') !== '') {
      out.text += `  Example Repo: ${annotations.sampleRepo}\n`
      extra = true
    }
    if (extra) out.text += '\n'

    if (importing) out.text += '  ~ importing latest image ...\n'
    for (const c of taglist?.conditions ?? []) {
      if (c.type === ImportSuccess && c.status === 'False') {
        out.text += `  ! error: Import failed (${c.reason ?? ''}): ${c.message ?? ''}\n      ${relativeTime(c.lastTransitionTime, now)} ago\n`
      }
    }
    ;(taglist?.items ?? []).forEach((event, i) => {
      out.text +=
        i === 0 ? `  * ${event.dockerImageReference}\n` : `    ${event.dockerImageReference}\n`
      const age = relativeTime(event.created, now)
      if (event.image !== '' && refIdDiffers(event.dockerImageReference, event.image)) {
        out.text += `      ${age} ago\t${event.image}\n`
      } else {
        out.text += `      ${age} ago\n`
      }
    })
  }
}

// The history item's pull spec does not end in its image digest (a tag reference, say).
function refIdDiffers(pullSpec: string, image: string): boolean {
  try {
    return parseImageReference(pullSpec).id !== image
  } catch {
    // An unparsable pull spec prints without the image, as oc does when reference.Parse fails.
    return false
  }
}

// latestObservedTagGeneration: the newest generation of the current item or the ImportSuccess condition.
function latestObservedTagGeneration(stream: ImageStream, tag: string): number {
  const list = findStatusTag(stream, tag)
  if (list === undefined) return 0
  let last = Math.max(0, list.items?.[0]?.generation ?? 0)
  const condition = (list.conditions ?? []).find((c) => c.type === ImportSuccess)
  if (condition !== undefined && condition.generation > last) last = condition.generation
  return last
}
