import type { ImageStream } from '../api/image/v1/types.js'
import { isAppError, Reason } from '../shared/errors.js'
import type { StoredObject } from '../store/store.js'
import {
  DEFAULT_SETTLE_MS,
  type ExecuteContext,
  type ExecuteDeps,
  type ExecuteResult,
  messageOf,
} from './execute-context.js'
import { followResource } from './follow-resource.js'
import { buildImageGraph, type ImageGraph, withDescendants } from './image-graph.js'
import { listAll, loadPruneState, type NamedStream } from './list-all.js'
import { type PrunePlan, protectedImages, referencedImages } from './plan.js'

/** Images deleted so far: their last stored state (to restore them) and the graph they were in. */
export type DeletedImages = {
  readonly objects: Map<string, StoredObject>
  readonly graph: ImageGraph
}

/**
 * Stage 2: deletes the planned Images that are still unprotected, then watches the streams for the
 * settle window and restores any deleted Image that a history names again (with its list children).
 */
export async function pruneImages(
  deps: ExecuteDeps,
  plan: PrunePlan,
  ctx: ExecuteContext,
  r: ExecuteResult,
  signal: AbortSignal
): Promise<DeletedImages> {
  const objects = new Map<string, StoredObject>()
  if (plan.images.length === 0) return { objects, graph: buildImageGraph([]) }
  const since = await deps.store.currentResourceVersion()
  const fresh = await loadPruneState(deps.store, signal)
  const graph = buildImageGraph(fresh.images)
  // The plan's cutoff: anything created or pulled after planning is young.
  const protection = {
    graph,
    inUse: ctx.inUse,
    cutoff: plan.now - ctx.options.keepYoungerThanMs,
  }
  const keep = protectedImages({
    ...protection,
    historyImages: historyImagesOf(fresh.streams),
    referenced: referencedImages(protection),
    all: ctx.options.all,
  })
  for (const planned of plan.images) {
    signal.throwIfAborted()
    const image = graph.images.get(planned.name)
    if (image === undefined) continue
    if (
      keep.has(planned.name) ||
      (planned.uid !== undefined && image.metadata.uid !== planned.uid)
    ) {
      r.skipped.images.push(planned.name)
      continue
    }
    try {
      const last = await deps.store.delete(
        { resource: 'images', name: planned.name },
        {
          ...(image.metadata.uid === undefined ? {} : { uid: image.metadata.uid }),
          ...(image.metadata.resourceVersion === undefined
            ? {}
            : { resourceVersion: image.metadata.resourceVersion }),
        }
      )
      objects.set(planned.name, last)
    } catch (err) {
      if (isAppError(err, Reason.NotFound)) continue
      // Changed since the re-check (a pull was recorded on it, say): it stays.
      if (isAppError(err, Reason.Conflict)) r.skipped.images.push(planned.name)
      else r.errors.push(`image ${planned.name}: failed to delete image: ${messageOf(err)}`)
    }
  }
  const deleted: DeletedImages = { objects, graph }
  if (objects.size === 0) return deleted
  // The window this closes: an import (or push) that found one of these Images just before its
  // deletion (AlreadyExists: reused as it is) and records it in a stream just after.
  const named = new Set<string>()
  const follower = followResource<NamedStream>(deps.store, {
    resource: 'imagestreams',
    resourceVersion: since,
    signal,
    onObject: (s) => {
      for (const image of historyImagesOf([s])) if (objects.has(image)) named.add(image)
    },
  })
  const settleMs = deps.settleMs ?? DEFAULT_SETTLE_MS
  try {
    if (settleMs > 0) await deps.clock.sleep(settleMs, signal)
  } finally {
    await follower.stop()
  }
  await restoreReferenced(deps, deleted, r, signal, named)
  return deleted
}

/**
 * Creates again every deleted Image that a stream's history names now (or that `alsoNamed` lists), with
 * the deleted children of the lists among them, from their last stored state; they leave the deleted
 * set and are reported as restored. Returns the names restored.
 */
export async function restoreReferenced(
  deps: ExecuteDeps,
  deleted: DeletedImages,
  r: ExecuteResult,
  signal: AbortSignal,
  alsoNamed: Iterable<string> = []
): Promise<string[]> {
  const streams = await listAll<NamedStream>(deps.store, 'imagestreams', signal)
  const roots = new Set(alsoNamed)
  for (const image of historyImagesOf(streams.items))
    if (deleted.objects.has(image)) roots.add(image)
  const restored: string[] = []
  for (const name of withDescendants(deleted.graph, roots)) {
    const last = deleted.objects.get(name)
    if (last === undefined) continue
    const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...metadata } = last.metadata
    try {
      await deps.store.create('images', { ...last, metadata })
    } catch (err) {
      // AlreadyExists: the import created it again itself, which is just as good.
      if (!isAppError(err, Reason.AlreadyExists)) {
        r.errors.push(`image ${name}: failed to restore image: ${messageOf(err)}`)
        continue
      }
    }
    deleted.objects.delete(name)
    restored.push(name)
    r.restoredImages.push(name)
    deps.logger.warn('prune: restored an image a concurrent write referenced', { image: name })
  }
  return restored
}

function historyImagesOf(streams: readonly ImageStream[]): Set<string> {
  const out = new Set<string>()
  for (const s of streams) {
    for (const t of s.status?.tags ?? []) for (const i of t.items ?? []) out.add(i.image)
  }
  return out
}
