import { isDigest } from '../oci/digest.js'
import type { Store } from '../store/store.js'
import { type ExecuteResult, messageOf } from './execute-context.js'
import { followResource } from './follow-resource.js'
import { buildImageGraph, imageBlobs } from './image-graph.js'
import { listAll, type NamedImage } from './list-all.js'
import { neededBlobs, type PrunePlan } from './plan.js'
import type { PruneRegistryStorage } from './registry-storage.js'

/**
 * Stage 3: deletes the planned blobs that no Image needs now. The Images are read again and then
 * followed while deleting, so a push that created an Image needing a planned blob (one it found stored
 * and did not upload again) meanwhile keeps it.
 */
export async function pruneBlobs(
  store: Store,
  registry: PruneRegistryStorage,
  plan: PrunePlan,
  r: ExecuteResult,
  signal: AbortSignal
): Promise<void> {
  if (plan.blobs.length === 0) return
  const listing = await listAll<NamedImage>(store, 'images', signal)
  const graph = buildImageGraph(listing.items)
  const needed = neededBlobs(graph, graph.images.keys())
  const follower = followResource<NamedImage>(store, {
    resource: 'images',
    resourceVersion: listing.resourceVersion,
    signal,
    onObject: (image) => {
      for (const b of imageBlobs(image)) needed.add(b)
      for (const m of image.dockerImageManifests ?? []) {
        for (const b of neededBlobs(graph, [m.digest])) needed.add(b)
      }
    },
  })
  try {
    for (const blob of plan.blobs) {
      signal.throwIfAborted()
      // Let the follower take in the Images written so far.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (needed.has(blob.digest) || !isDigest(blob.digest)) {
        r.skipped.blobs.push(blob.digest)
        continue
      }
      try {
        if (await registry.blobs.delete(blob.digest)) r.blobs.push(blob.digest)
      } catch (err) {
        r.errors.push(`failed to delete blob ${blob.digest}: ${messageOf(err)}`)
      }
    }
  } finally {
    await follower.stop()
  }
}
