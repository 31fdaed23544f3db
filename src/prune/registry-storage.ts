import type { BlobStore } from '../registry/blob-store.js'
import type { ManifestStore } from '../registry/manifest-store.js'

/**
 * The parts of the integrated registry's storage that pruning uses: the server passes its DiskBlobStore
 * and ManifestStore as they are.
 *  - `blobs.gc` visits the stored blobs (see listRegistryBlobs) and `blobs.delete` removes one; manifests
 *    are blobs too (their exact bytes), so deleting an Image's manifest blob is a blob deletion.
 *  - `links` are the per-repository links (`_manifests`, `_blobs`) that let `<ns>/<stream>` serve a digest
 *    without asking its history; pruning a history item removes the links nothing left in that stream
 *    needs (OpenShift's "layer link" and "manifest link" deletions).
 */
export type PruneRegistryStorage = {
  readonly blobs: Pick<BlobStore, 'gc' | 'delete'>
  readonly links?: Pick<ManifestStore, 'unlinkManifest' | 'unlinkBlob'> | undefined
}

/** One stored blob as planning sees it. */
export type BlobInventoryEntry = {
  readonly digest: string
  /** Written less than the orphan grace ago (an upload may still be waiting for its manifest). */
  readonly young: boolean
}

/**
 * Lists the registry's blobs, telling apart those written less than minAgeMs ago. The blob store has no
 * listing of its own: its gc visits every blob older than its minAgeMs and deletes those `isNeeded`
 * rejects, so two visits that need everything list all blobs and the old ones without deleting any.
 */
export async function listRegistryBlobs(
  blobs: Pick<BlobStore, 'gc'>,
  minAgeMs: number,
  signal: AbortSignal
): Promise<BlobInventoryEntry[]> {
  const all: string[] = []
  const old = new Set<string>()
  await blobs.gc({
    minAgeMs: 0,
    signal,
    isNeeded: (d) => {
      all.push(d)
      return true
    },
  })
  await blobs.gc({
    minAgeMs,
    signal,
    isNeeded: (d) => {
      old.add(d)
      return true
    },
  })
  return all.map((digest) => ({ digest, young: !old.has(digest) }))
}
