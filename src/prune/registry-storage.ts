import type { BlobStore } from '../registry/blob-store.js'
import type { ManifestStore } from '../registry/manifest-store.js'

/**
 * The parts of the integrated registry's storage that pruning uses: the server passes its DiskBlobStore
 * and ManifestStore as they are.
 *  - `blobs.list` lists the stored blobs (see listRegistryBlobs) and `blobs.delete` removes one; manifests
 *    are blobs too (their exact bytes), so deleting an Image's manifest blob is a blob deletion.
 *  - `links` are the per-repository links (`_manifests`, `_blobs`) that let `<ns>/<stream>` serve a digest
 *    without asking its history; pruning a history item removes the links nothing left in that stream
 *    needs (OpenShift's "layer link" and "manifest link" deletions).
 */
export type PruneRegistryStorage = {
  readonly blobs: Pick<BlobStore, 'list' | 'delete'>
  readonly links?: Pick<ManifestStore, 'unlinkManifest' | 'unlinkBlob'> | undefined
}

/** One stored blob as planning sees it. */
export type BlobInventoryEntry = {
  readonly digest: string
  /** Written less than the orphan grace ago (an upload may still be waiting for its manifest). */
  readonly young: boolean
}

/** Lists the registry's blobs, telling apart those written less than minAgeMs ago. */
export async function listRegistryBlobs(
  blobs: Pick<BlobStore, 'list'>,
  minAgeMs: number,
  signal: AbortSignal
): Promise<BlobInventoryEntry[]> {
  signal.throwIfAborted()
  return (await blobs.list()).map((b) => ({ digest: b.digest, young: b.ageMs < minAgeMs }))
}
