// What a prune did (or, in a dry run, would do) and how `oc adm prune images` prints it
// (oc pkg/cli/admin/prune/images/images.go and imageprune/prune.go, openshift-behaviour §6).

/** The API version of the prune report and request. */
export const PRUNE_API_VERSION = 'imagestreams.io/v1' as const

/** Printed on stderr by a dry run, exactly as oc prints it. */
export const DRY_RUN_MESSAGE =
  'Dry run enabled - no modifications will be made. Add --confirm to remove images'

/** Printed on stdout with `--prune-registry=false`, exactly as oc prints it (two spaces included). */
export const API_OBJECTS_ONLY_MESSAGE =
  'Only API objects will be removed.  No modifications to the image registry will be made.'

/** Counts of what a prune deleted, as OpenShift's PruneStats. */
export type PruneStats = {
  readonly deletedImages: number
  readonly deletedImageStreamTagItems: number
  readonly updatedImageStreams: number
  /** Repository links to layers and configs removed (the repository no longer serves them). */
  readonly deletedLayerLinks: number
  /** Repository links to manifests removed (a pull of the digest there answers MANIFEST_UNKNOWN). */
  readonly deletedManifestLinks: number
  readonly deletedBlobs: number
}

/** One image stream whose history lost items. */
export type PrunedStream = {
  readonly namespace: string
  readonly name: string
  readonly deletedItems: number
  /** Status tags left without items, removed with them. */
  readonly deletedTags: readonly string[]
  /** Layer and config links removed from the repository `<namespace>/<name>`. */
  readonly layerLinks: readonly string[]
  /** Manifest links removed from the repository. */
  readonly manifestLinks: readonly string[]
}

/** The result of `runImagePrune`, also the JSON body of `POST /apis/imagestreams.io/v1/imageprunes`. */
export type PruneReport = {
  readonly apiVersion: string
  readonly kind: 'ImagePruneReport'
  readonly dryRun: boolean
  readonly pruneRegistry: boolean
  /** False when the server has no integrated registry blob store: only API objects are pruned. */
  readonly registryAvailable: boolean
  readonly streams: readonly PrunedStream[]
  /** Image objects deleted (names are digests). */
  readonly images: readonly string[]
  /** Registry blobs deleted. */
  readonly blobs: readonly string[]
  /**
   * Images that a concurrent import referenced again right after they were deleted and that were put
   * back (see execute.ts); they are not counted as deleted.
   */
  readonly restoredImages: readonly string[]
  /** Planned deletions that were skipped because something referenced them by the time of deletion. */
  readonly skipped: {
    readonly tagItems: number
    readonly images: readonly string[]
    readonly blobs: readonly string[]
  }
  readonly warnings: readonly string[]
  /** Failures of single deletions; the prune carries on after each (as oc does). */
  readonly errors: readonly string[]
  readonly stats: PruneStats
  /** RFC 3339 times of the start and end of the run. */
  readonly startedAt: string
  readonly finishedAt: string
}

/** PruneStats with every count 0. */
export const EMPTY_PRUNE_STATS: PruneStats = {
  deletedImages: 0,
  deletedImageStreamTagItems: 0,
  updatedImageStreams: 0,
  deletedLayerLinks: 0,
  deletedManifestLinks: 0,
  deletedBlobs: 0,
}

/**
 * Renders the stats as oc's `PruneStats.String()`: the non-zero counts in a fixed order, e.g.
 * `deleted 2 image object(s), deleted 3 image stream tag item(s), updated 1 image stream(s)`, or
 * `deleted 0 objects` when nothing was deleted.
 */
export function formatPruneStats(s: PruneStats): string {
  const parts: string[] = []
  if (s.deletedImages !== 0) parts.push(`deleted ${s.deletedImages} image object(s)`)
  if (s.deletedImageStreamTagItems !== 0)
    parts.push(`deleted ${s.deletedImageStreamTagItems} image stream tag item(s)`)
  if (s.updatedImageStreams !== 0) parts.push(`updated ${s.updatedImageStreams} image stream(s)`)
  if (s.deletedLayerLinks !== 0) parts.push(`deleted ${s.deletedLayerLinks} layer link(s)`)
  if (s.deletedManifestLinks !== 0) parts.push(`deleted ${s.deletedManifestLinks} manifest link(s)`)
  if (s.deletedBlobs !== 0) parts.push(`deleted ${s.deletedBlobs} blob(s)`)
  return parts.length === 0 ? 'deleted 0 objects' : parts.join(', ')
}

/** The summary line oc prints last: `Summary: …`. */
export function formatSummaryLine(s: PruneStats): string {
  return `Summary: ${formatPruneStats(s)}`
}

/**
 * The stdout lines of a report in oc's wording, in the order of the stages: `Deleting N items from
 * image stream ns/name` with its `Deleting layer link … in repository ns/name` and `Deleting manifest
 * link … in repository ns/name`, `Deleting image sha256:…`, `Deleting blob sha256:…`, then the summary.
 * (The dry-run message goes to stderr and is not included.)
 */
export function formatPruneLines(r: PruneReport): string[] {
  const lines: string[] = []
  if (!r.pruneRegistry) lines.push(API_OBJECTS_ONLY_MESSAGE)
  for (const s of r.streams) {
    const repo = `${s.namespace}/${s.name}`
    if (s.deletedItems > 0) lines.push(`Deleting ${s.deletedItems} items from image stream ${repo}`)
    for (const l of s.layerLinks) lines.push(`Deleting layer link ${l} in repository ${repo}`)
    for (const m of s.manifestLinks) lines.push(`Deleting manifest link ${m} in repository ${repo}`)
  }
  for (const image of r.images) lines.push(`Deleting image ${image}`)
  for (const blob of r.blobs) lines.push(`Deleting blob ${blob}`)
  lines.push(formatSummaryLine(r.stats))
  return lines
}
