import type { Image, TagEvent } from '../api/image/v1/types.js'
import { type Digest, isDigest } from '../oci/digest.js'
import type { RepositoryName } from '../registry/names.js'
import { isAppError, Reason } from '../shared/errors.js'
import {
  type ExecuteContext,
  type ExecuteDeps,
  type ExecuteResult,
  messageOf,
} from './execute-context.js'
import { buildImageGraph, type ImageGraph, imageBlobs } from './image-graph.js'
import type { NamedStream } from './list-all.js'
import {
  ItemRemovalReason,
  type PrunePlan,
  type RepositoryContent,
  type StreamPlan,
  type TagItemRemoval,
} from './plan.js'

/** Stage 1: removes the planned history items of every stream, then its unneeded repository links. */
export async function pruneStreams(
  deps: ExecuteDeps,
  plan: PrunePlan,
  ctx: ExecuteContext,
  r: ExecuteResult,
  signal: AbortSignal
): Promise<void> {
  if (plan.streams.length === 0) return
  const graph = buildImageGraph(ctx.images)
  for (const sp of plan.streams) {
    signal.throwIfAborted()
    const updated = await pruneStream(deps, sp, r, signal)
    if (updated === undefined) continue
    const links = await pruneLinks(deps, graph, sp, updated.stream, r, signal)
    r.streams.push({
      namespace: sp.namespace,
      name: sp.name,
      deletedItems: updated.removed,
      deletedTags: updated.deletedTags,
      ...links,
    })
  }
}

type StreamUpdate = { stream: NamedStream; removed: number; deletedTags: string[] }

async function pruneStream(
  deps: ExecuteDeps,
  sp: StreamPlan,
  r: ExecuteResult,
  signal: AbortSignal
): Promise<StreamUpdate | undefined> {
  // An item whose Image was missing goes only if it still is: an import may have created it since.
  const stillMissing = new Set<string>()
  for (const rm of sp.removals) {
    if (rm.reason !== ItemRemovalReason.ImageMissing || stillMissing.has(rm.item.image)) continue
    if ((await deps.store.get({ resource: 'images', name: rm.item.image })) === undefined) {
      stillMissing.add(rm.item.image)
    }
  }
  let removed = 0
  let deletedTags: string[] = []
  let stream: NamedStream
  try {
    stream = await deps.store.guaranteedUpdate<NamedStream>(
      { resource: 'imagestreams', namespace: sp.namespace, name: sp.name },
      (current) => {
        removed = 0
        deletedTags = []
        // A stream deleted and created again since planning is another stream.
        if (sp.uid !== undefined && current.metadata.uid !== sp.uid) return undefined
        const tags = current.status?.tags ?? []
        for (const tag of tags) {
          const planned = sp.removals.filter((rm) => rm.tag === tag.tag)
          if (planned.length === 0) continue
          const before = tag.items ?? []
          const after = before.filter(
            (item, j) => !planned.some((rm) => removable(rm, item, j, stillMissing))
          )
          removed += before.length - after.length
          tag.items = after
          if (before.length > 0 && after.length === 0) deletedTags.push(tag.tag)
        }
        if (removed === 0 || current.status === undefined) return undefined
        // Tags left without history go, as in OpenShift; tags that never had any (only a failed
        // import's condition) stay.
        current.status.tags = tags.filter((t) => !deletedTags.includes(t.tag))
        return current
      },
      { signal }
    )
  } catch (err) {
    r.skipped.tagItems += sp.removals.length
    if (isAppError(err, Reason.NotFound)) return undefined
    signal.throwIfAborted()
    r.errors.push(`imagestream ${sp.namespace}/${sp.name}: ${messageOf(err)}`)
    deps.logger.warn('prune: updating an image stream failed', {
      namespace: sp.namespace,
      name: sp.name,
      error: messageOf(err),
    })
    return undefined
  }
  r.skipped.tagItems += sp.removals.length - removed
  return removed === 0 ? undefined : { stream, removed, deletedTags }
}

// The planned item is still there, at its planned revision or below (new imports push items down; an
// item that moved up was rewritten and is not the one planned).
function removable(
  rm: TagItemRemoval,
  item: TagEvent,
  index: number,
  stillMissing: ReadonlySet<string>
): boolean {
  if (index < rm.revision || !sameItem(rm.item, item)) return false
  return rm.reason !== ItemRemovalReason.ImageMissing || stillMissing.has(item.image)
}

function sameItem(a: TagEvent, b: TagEvent): boolean {
  return (
    a.image === b.image &&
    a.dockerImageReference === b.dockerImageReference &&
    (a.created ?? null) === (b.created ?? null) &&
    a.generation === b.generation
  )
}

// Unlinks the planned links that the stream, as written, no longer needs.
async function pruneLinks(
  deps: ExecuteDeps,
  graph: ImageGraph,
  sp: StreamPlan,
  stream: NamedStream,
  r: ExecuteResult,
  signal: AbortSignal
): Promise<{ layerLinks: string[]; manifestLinks: string[] }> {
  const links = deps.registry?.links
  const done = { layerLinks: [] as string[], manifestLinks: [] as string[] }
  if (links === undefined || (sp.layerLinks.length === 0 && sp.manifestLinks.length === 0)) {
    return done
  }
  const images: string[] = []
  for (const t of stream.status?.tags ?? []) for (const i of t.items ?? []) images.push(i.image)
  const remaining = await currentContent(deps, graph, images)
  const repo: RepositoryName = {
    namespace: sp.namespace,
    stream: sp.name,
    name: `${sp.namespace}/${sp.name}`,
  }
  const unlink = async (
    digests: readonly string[],
    keep: ReadonlySet<string>,
    fn: (d: Digest) => Promise<boolean>,
    into: string[]
  ): Promise<void> => {
    for (const d of digests) {
      signal.throwIfAborted()
      if (keep.has(d) || !isDigest(d)) continue
      try {
        if (await fn(d)) into.push(d)
      } catch (err) {
        r.errors.push(`imagestream ${repo.name}: failed to delete link ${d}: ${messageOf(err)}`)
      }
    }
  }
  await unlink(sp.layerLinks, remaining.blobs, (d) => links.unlinkBlob(repo, d), done.layerLinks)
  await unlink(
    sp.manifestLinks,
    remaining.manifests,
    (d) => links.unlinkManifest(repo, d),
    done.manifestLinks
  )
  return done
}

// What the stream's remaining items need; Images created after planning are read from the store.
async function currentContent(
  deps: ExecuteDeps,
  graph: ImageGraph,
  images: readonly string[]
): Promise<RepositoryContent> {
  const manifests = new Set<string>()
  const blobs = new Set<string>()
  const queue = [...images]
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i] as string
    if (manifests.has(name)) continue
    manifests.add(name)
    const image =
      graph.images.get(name) ??
      (await deps.store.get<Image & { metadata: { name: string } }>({ resource: 'images', name }))
    if (image === undefined) continue
    for (const b of imageBlobs(image)) if (b !== name) blobs.add(b)
    for (const m of image.dockerImageManifests ?? []) queue.push(m.digest)
  }
  return { manifests, blobs }
}
