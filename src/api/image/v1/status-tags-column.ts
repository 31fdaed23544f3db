import type { ImageStream, NamedTagEventList } from './types.js'

// The IMAGE REPOSITORY and TAGS columns of `oc get imagestreams`, shared by the API's Table output and
// isctl's own tables.

/** The IMAGE REPOSITORY column: the public repository, else the spec's, else the status's. */
export function streamRepository(stream: ImageStream): string {
  const pub = stream.status?.publicDockerImageRepository ?? ''
  if (pub !== '') return pub
  const spec = stream.spec?.dockerImageRepository ?? ''
  return spec !== '' ? spec : (stream.status?.dockerImageRepository ?? '')
}

/** When a status tag last changed: its newest item's creation time, 0 when unknown. */
export function createdOf(list: NamedTagEventList): number {
  const t = Date.parse(list.items?.[0]?.created ?? '')
  return Number.isNaN(t) ? 0 : t
}

/** SortStatusTags: status tags, most recently updated first (ties by name). */
export function sortStatusTags(tags: readonly NamedTagEventList[]): string[] {
  return [...tags]
    .sort((a, b) => createdOf(b) - createdOf(a) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .map((t) => t.tag)
}

/**
 * printTagsUpToWidth: as many tags as fit in preferredWidth characters, at least one, allowing up to
 * 25% more to keep edges even; the rest as ` + N more...`.
 */
export function printTagsUpToWidth(
  statusTags: readonly NamedTagEventList[],
  preferredWidth: number
): string {
  let tags = sortStatusTags(statusTags)
  let remaining = preferredWidth
  for (const [i, tag] of tags.entries()) {
    remaining -= tag.length + 1
    if (remaining >= 0) continue
    if (i === 0) {
      tags = tags.slice(0, 1)
      break
    }
    const margin = Math.trunc(preferredWidth / 4)
    if (margin < remaining + tag.length && margin >= -remaining) continue
    tags = tags.slice(0, i)
    break
  }
  const hidden = statusTags.length - tags.length
  return hidden > 0 ? `${tags.join(',')} + ${hidden} more...` : tags.join(',')
}
