import { pruneBlobs } from './execute-blobs.js'
import type { ExecuteContext, ExecuteDeps, ExecuteResult } from './execute-context.js'
import { pruneImages, restoreReferenced } from './execute-images.js'
import { pruneStreams } from './execute-streams.js'
import type { PrunePlan } from './plan.js'
import type { PruneStats } from './report.js'

/**
 * Applies a plan stage by stage so that a write racing the prune loses nothing:
 *  1. History (execute-streams.ts): each stream is rewritten with store.guaranteedUpdate, removing only
 *     the planned items still present; then the repository links nothing left in it needs.
 *  2. Images (execute-images.ts): protection is recomputed from a fresh read with the plan's cutoff, so
 *     an Image created after planning is young and one referenced since is kept; deletions carry uid and
 *     resourceVersion preconditions (a pull recorded meanwhile is a Conflict: kept); Images that a
 *     history names again within the settle window are created again from their last state.
 *  3. Blobs (execute-blobs.ts): deleted only if no Image needs them, following Images created meanwhile.
 *  4. A last look at the streams restores any deleted Image named by a history since (rare: its blobs
 *     may then have to be pulled through again, and this is reported as a warning).
 * Single failures go to `errors` and do not stop the run (oc reports them the same way); an aborted
 * signal does.
 */
export async function executePrunePlan(
  deps: ExecuteDeps,
  plan: PrunePlan,
  ctx: ExecuteContext,
  signal: AbortSignal
): Promise<ExecuteResult & { stats: PruneStats }> {
  const r: ExecuteResult = {
    streams: [],
    images: [],
    blobs: [],
    restoredImages: [],
    skipped: { tagItems: 0, images: [], blobs: [] },
    warnings: [],
    errors: [],
  }
  await pruneStreams(deps, plan, ctx, r, signal)
  const deleted = await pruneImages(deps, plan, ctx, r, signal)
  const registry = deps.registry
  if (plan.blobsPlanned && registry !== undefined) {
    await pruneBlobs(deps.store, registry, plan, r, signal)
  }
  if (deleted.objects.size > 0) {
    const late = await restoreReferenced(deps, deleted, r, signal)
    for (const name of late) {
      r.warnings.push(
        `image ${name} was referenced again while it was pruned and was restored; its blobs may have to be pulled through or pushed again`
      )
    }
  }
  r.images.push(...deleted.objects.keys())
  r.images.sort()
  return {
    ...r,
    stats: {
      deletedImages: r.images.length,
      deletedImageStreamTagItems: r.streams.reduce((n, s) => n + s.deletedItems, 0),
      updatedImageStreams: r.streams.filter((s) => s.deletedItems > 0).length,
      deletedLayerLinks: r.streams.reduce((n, s) => n + s.layerLinks.length, 0),
      deletedManifestLinks: r.streams.reduce((n, s) => n + s.manifestLinks.length, 0),
      deletedBlobs: r.blobs.length,
    },
  }
}
