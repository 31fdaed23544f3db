import {
  type Image,
  ImageAnnotation,
  type ImageStream,
  type TagEvent,
} from '../api/image/v1/types.js'
import { LAST_PULLED_ANNOTATION } from '../registry/last-pull.js'
import {
  buildImageGraph,
  type ImageGraph,
  imageBlobs,
  withAncestors,
  withDescendants,
} from './image-graph.js'
import { type InUseReferences, streamTagKey } from './in-use-references.js'
import type { ImagePruneOptions } from './prune-options.js'
import type { BlobInventoryEntry } from './registry-storage.js'
import { exceedsSizeLimit } from './size-limits.js'

/**
 * How old a blob that no Image references must be before it is pruned, whatever keepYoungerThan says:
 * a push uploads its blobs before its manifest, and a client that found a blob already there skips
 * uploading it, so a young unreferenced blob may be about to be needed.
 */
export const ORPHAN_BLOB_GRACE_MS = 60 * 60 * 1000

/** The options planning reads. */
export type PlanOptions = Pick<
  ImagePruneOptions,
  'keepTagRevisions' | 'keepYoungerThanMs' | 'pruneOverSizeLimit' | 'all' | 'pruneRegistry'
> & {
  readonly namespace?: string | undefined
}

/** Everything planning looks at; planning itself does no I/O. */
export type PlanInput = {
  /** Every stream of the cluster (the namespace option limits what is pruned, not what protects). */
  readonly streams: readonly ImageStream[]
  /** Every Image. */
  readonly images: readonly Image[]
  readonly inUse: InUseReferences
  /** The registry's blobs; undefined when there is no registry (blobs are then not planned). */
  readonly blobs?: readonly BlobInventoryEntry[] | undefined
  /** Whether the registry keeps repository links that stage 1 should prune. */
  readonly links?: boolean
  /** `openshift.io/Image` max storage per namespace, in bytes (for pruneOverSizeLimit). */
  readonly sizeLimits?: ReadonlyMap<string, number>
  /** Now, in ms since the epoch. */
  readonly now: number
  readonly options: PlanOptions
}

/** Why a history item goes. */
export const ItemRemovalReason = {
  /** Its Image does not exist (deleted by hand, or never created). */
  ImageMissing: 'ImageMissing',
  /** Older than the kept revisions and referenced by nothing. */
  Revision: 'Revision',
  /** Its image exceeds the namespace's size limit (pruneOverSizeLimit). */
  OverSizeLimit: 'OverSizeLimit',
} as const
/** A value of ItemRemovalReason. */
export type ItemRemovalReason = (typeof ItemRemovalReason)[keyof typeof ItemRemovalReason]

/** One history item to remove; `revision` is its index in the tag's items when planned. */
export type TagItemRemoval = {
  readonly tag: string
  readonly revision: number
  readonly item: TagEvent
  readonly reason: ItemRemovalReason
}

/** What stage 1 removes from one stream. */
export type StreamPlan = {
  readonly namespace: string
  readonly name: string
  readonly uid?: string | undefined
  readonly removals: readonly TagItemRemoval[]
  /** Status tags that lose all their items. */
  readonly deletedTags: readonly string[]
  /** Repository links to manifests (and list children) no remaining item of the stream needs. */
  readonly manifestLinks: readonly string[]
  /** Repository links to layers and configs no remaining item of the stream needs. */
  readonly layerLinks: readonly string[]
}

/** An Image object to delete (stage 2). */
export type ImagePlan = {
  readonly name: string
  readonly uid?: string | undefined
}

/** Why a blob goes. */
export const BlobRemovalReason = {
  /** Only images planned for deletion needed it. */
  Freed: 'Freed',
  /** No Image needed it, and it is older than the orphan grace. */
  Orphan: 'Orphan',
} as const
/** A value of BlobRemovalReason. */
export type BlobRemovalReason = (typeof BlobRemovalReason)[keyof typeof BlobRemovalReason]

/** A registry blob to delete (stage 3). */
export type BlobPlan = {
  readonly digest: string
  readonly reason: BlobRemovalReason
}

/** What a prune is going to delete, stage by stage. */
export type PrunePlan = {
  /** When it was planned (ms since the epoch); the age cutoff is this minus keepYoungerThan. */
  readonly now: number
  readonly streams: readonly StreamPlan[]
  /** False when stage 2 was skipped (a namespace was given). */
  readonly imagesPlanned: boolean
  readonly images: readonly ImagePlan[]
  /** False when stage 3 was skipped (no registry, pruneRegistry off, or a namespace). */
  readonly blobsPlanned: boolean
  readonly blobs: readonly BlobPlan[]
}

/** Inputs of the protection rules, shared by planning and by execution's re-checks. */
export type ProtectionInput = {
  readonly graph: ImageGraph
  readonly inUse: InUseReferences
  /** Things created or pulled after this time are young (ms since the epoch). */
  readonly cutoff: number
}

/**
 * The images workloads and clients reference, with every manifest list above them: in-use digests and
 * images pulled through our registry after the cutoff (LAST_PULLED_ANNOTATION, which pull-through
 * fetches never set). This is where the seed's limitation goes away: a pod pinned to a child digest
 * keeps the list that contains it, and so the stream history naming that list.
 */
export function referencedImages(p: ProtectionInput): Set<string> {
  const roots = new Set(p.inUse.digests)
  for (const [name, image] of p.graph.images) {
    const pulled = timeOf(image.metadata.annotations?.[LAST_PULLED_ANNOTATION])
    if (pulled !== undefined && pulled > p.cutoff) roots.add(name)
  }
  return withAncestors(p.graph, roots)
}

/**
 * The images stage 2 must keep: those named by any remaining history item, referenced ones (see
 * referencedImages), young ones, unmanaged ones when `all` is false, and everything below a kept
 * manifest list (its children, with their layers and configs).
 */
export function protectedImages(
  p: ProtectionInput & {
    readonly historyImages: Iterable<string>
    readonly referenced: ReadonlySet<string>
    readonly all: boolean
  }
): Set<string> {
  const roots = new Set<string>(p.historyImages)
  for (const d of p.referenced) roots.add(d)
  for (const [name, image] of p.graph.images) {
    const created = timeOf(image.metadata.creationTimestamp)
    if (created !== undefined && created > p.cutoff) roots.add(name)
    else if (!p.all && image.metadata.annotations?.[ImageAnnotation.Managed] !== 'true') {
      roots.add(name)
    }
  }
  return withDescendants(p.graph, roots)
}

/**
 * The blobs the given images need (manifests, configs, layers), the children of lists included through
 * their own Images.
 */
export function neededBlobs(graph: ImageGraph, images: Iterable<string>): Set<string> {
  const needed = new Set<string>()
  for (const name of withDescendants(graph, images)) {
    needed.add(name)
    const image = graph.images.get(name)
    if (image !== undefined) for (const b of imageBlobs(image)) needed.add(b)
  }
  return needed
}

/** What a repository serves for a set of images: their manifests (children too) and other blobs. */
export type RepositoryContent = {
  readonly manifests: Set<string>
  readonly blobs: Set<string>
}

/** The content a stream's history items need, children of lists included. */
export function repositoryContent(graph: ImageGraph, images: Iterable<string>): RepositoryContent {
  const manifests = new Set<string>()
  const blobs = new Set<string>()
  for (const name of withDescendants(graph, images)) {
    manifests.add(name)
    const image = graph.images.get(name)
    if (image === undefined) continue
    for (const b of imageBlobs(image)) if (b !== name) blobs.add(b)
  }
  return { manifests, blobs }
}

/**
 * Plans a prune (openshift-behaviour §6, with the manifest-list rules of docs/pruning.md):
 *  1. Per stream in scope (skipped while the stream is younger than keepYoungerThan), per tag, per
 *     history item at revision `rev`: keep it if it is young; keep revision 0 if the tag is in use; drop
 *     it if its Image is gone; in size mode keep it unless its image exceeds the namespace limit,
 *     otherwise keep it if `rev < keepTagRevisions`; keep it if its image is referenced (in use or
 *     recently pulled, directly or through a child); otherwise remove it. With repository links, the
 *     links to manifests and blobs that only removed items needed go too (children counted).
 *  2. Unless a namespace is given: every Image that is not protected once stage 1 is applied.
 *  3. With a registry and pruneRegistry: every blob no remaining Image needs; blobs no Image needed
 *     before either must also be older than the orphan grace.
 * The plan is data; execute.ts applies it with re-checks against concurrent writes.
 */
export function planImagePrune(input: PlanInput): PrunePlan {
  const o = input.options
  const cutoff = input.now - o.keepYoungerThanMs
  const graph = buildImageGraph(input.images)
  const protection: ProtectionInput = { graph, inUse: input.inUse, cutoff }
  const referenced = referencedImages(protection)
  const namespace = o.namespace ?? ''
  const ctx: StreamContext = { ...input, graph, referenced, cutoff }

  // Stage 1.
  const streams: StreamPlan[] = []
  const historyImages = new Set<string>()
  for (const stream of input.streams) {
    const ns = stream.metadata.namespace ?? ''
    const plan = namespace === '' || ns === namespace ? planStream(stream, ctx) : undefined
    for (const image of remainingImages(stream, plan?.removals ?? [])) historyImages.add(image)
    if (plan !== undefined && plan.removals.length > 0) streams.push(plan)
  }
  streams.sort((a, b) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`))
  if (namespace !== '') {
    return {
      now: input.now,
      streams,
      imagesPlanned: false,
      images: [],
      blobsPlanned: false,
      blobs: [],
    }
  }

  // Stage 2.
  const keep = protectedImages({ ...protection, historyImages, referenced, all: o.all })
  const images: ImagePlan[] = []
  for (const [name, image] of graph.images) {
    if (!keep.has(name)) images.push({ name, uid: image.metadata.uid })
  }
  images.sort((a, b) => compare(a.name, b.name))

  // Stage 3.
  if (!o.pruneRegistry || input.blobs === undefined) {
    return { now: input.now, streams, imagesPlanned: true, images, blobsPlanned: false, blobs: [] }
  }
  const needed = neededBlobs(graph, keep)
  const freed = neededBlobs(
    graph,
    images.map((i) => i.name)
  )
  const blobs: BlobPlan[] = []
  for (const blob of input.blobs) {
    if (needed.has(blob.digest)) continue
    if (freed.has(blob.digest)) blobs.push({ digest: blob.digest, reason: BlobRemovalReason.Freed })
    else if (!blob.young) blobs.push({ digest: blob.digest, reason: BlobRemovalReason.Orphan })
  }
  blobs.sort((a, b) => compare(a.digest, b.digest))
  return { now: input.now, streams, imagesPlanned: true, images, blobsPlanned: true, blobs }
}

/** The images a stream's history still names once the removals are applied. */
export function remainingImages(
  stream: ImageStream,
  removals: readonly TagItemRemoval[]
): string[] {
  const removed = new Set(removals.map((r) => `${r.tag}\u0000${r.revision}`))
  const out: string[] = []
  for (const tag of stream.status?.tags ?? []) {
    for (const [rev, item] of (tag.items ?? []).entries()) {
      if (!removed.has(`${tag.tag}\u0000${rev}`)) out.push(item.image)
    }
  }
  return out
}

type StreamContext = PlanInput & {
  readonly graph: ImageGraph
  readonly referenced: ReadonlySet<string>
  readonly cutoff: number
}

function planStream(stream: ImageStream, c: StreamContext): StreamPlan | undefined {
  const ns = stream.metadata.namespace ?? ''
  const name = stream.metadata.name ?? ''
  const streamCreated = timeOf(stream.metadata.creationTimestamp)
  // A young stream keeps everything (OpenShift: "keeping all images because of --keep-younger-than").
  if (streamCreated !== undefined && streamCreated > c.cutoff) return undefined
  const removals: TagItemRemoval[] = []
  const deletedTags: string[] = []
  for (const tag of stream.status?.tags ?? []) {
    const items = tag.items ?? []
    let kept = 0
    for (const [rev, item] of items.entries()) {
      const reason = removalReason(ns, name, tag.tag, rev, item, c)
      if (reason === undefined) kept++
      else removals.push({ tag: tag.tag, revision: rev, item, reason })
    }
    if (kept === 0 && items.length > 0) deletedTags.push(tag.tag)
  }
  let manifestLinks: string[] = []
  let layerLinks: string[] = []
  if (c.links === true && c.options.pruneRegistry && removals.length > 0) {
    const remaining = repositoryContent(c.graph, remainingImages(stream, removals))
    const removed = repositoryContent(
      c.graph,
      removals.map((r) => r.item.image)
    )
    manifestLinks = [...removed.manifests].filter((d) => !remaining.manifests.has(d)).sort(compare)
    layerLinks = [...removed.blobs].filter((d) => !remaining.blobs.has(d)).sort(compare)
  }
  return {
    namespace: ns,
    name,
    uid: stream.metadata.uid,
    removals,
    deletedTags,
    manifestLinks,
    layerLinks,
  }
}

function removalReason(
  ns: string,
  stream: string,
  tag: string,
  rev: number,
  item: TagEvent,
  c: StreamContext
): ItemRemovalReason | undefined {
  const o = c.options
  const created = timeOf(item.created)
  if (created !== undefined && created > c.cutoff) return undefined
  if (rev === 0 && c.inUse.tags.has(streamTagKey(ns, stream, tag))) return undefined
  const image = c.graph.images.get(item.image)
  if (image === undefined) return ItemRemovalReason.ImageMissing
  if (o.pruneOverSizeLimit) {
    if (!exceedsSizeLimit(image, c.sizeLimits?.get(ns))) return undefined
  } else if (rev < o.keepTagRevisions) {
    return undefined
  }
  if (c.referenced.has(item.image)) return undefined
  return o.pruneOverSizeLimit ? ItemRemovalReason.OverSizeLimit : ItemRemovalReason.Revision
}

/** Parses an RFC 3339 time; undefined when missing or malformed (then "long ago", as Go's zero time). */
export function timeOf(t: string | null | undefined): number | undefined {
  if (t === null || t === undefined || t === '') return undefined
  const ms = Date.parse(t)
  return Number.isNaN(ms) ? undefined : ms
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
