import type { ImageStream } from '../api/image/v1/types.js'
import type { Digest } from '../oci/digest.js'
import type { BlobInfo } from './blob-store.js'
import type { StoredManifest } from './manifest-store.js'
import type { RepositoryName } from './names.js'
import type { RegistryServices } from './services.js'
import { lookupStreamContent, type UpstreamSource } from './upstream-sources.js'

/** Where a blob of a repository is: stored here, or only upstream. */
export type BlobLocation =
  | { readonly kind: 'local'; readonly info: BlobInfo }
  | { readonly kind: 'remote'; readonly sources: readonly UpstreamSource[] }

/**
 * Finds a manifest of a repository, local first (so cached content keeps being served when the upstream is
 * down or deleted the image: stale-if-error), then by pull-through:
 *  1. linked to the repository (pushed, or cached by an earlier pull): its stored bytes;
 *  2. otherwise it must belong to the stream (an image of its history or a child of one), else undefined;
 *  3. stored already for another repository: linked here as cached content;
 *  4. else fetched from the stream's upstream sources (throws OciError when none can serve it).
 * Authorization is per repository, never per digest: content of another repository is only served when this
 * stream references it (registry-protocol §5.7).
 */
export async function findManifest(
  svc: RegistryServices,
  repo: RepositoryName,
  digest: Digest,
  o: { readonly stream?: ImageStream | undefined; readonly signal: AbortSignal }
): Promise<StoredManifest | undefined> {
  if ((await svc.manifests.manifestLink(repo, digest)) !== undefined) {
    const m = await svc.manifests.readManifest(digest, svc.maxManifestBytes)
    if (m !== undefined) return m
  }
  const content = await lookupStreamContent({
    store: svc.store,
    repo,
    digest,
    kind: 'manifest',
    registryHostname: svc.registryHostname(),
    stream: o.stream,
  })
  if (!content.referenced) return undefined
  const local = await svc.manifests.readManifest(digest, svc.maxManifestBytes)
  if (local !== undefined) {
    await svc.manifests.linkManifest(repo, digest, 'cache')
    return local
  }
  if (content.sources.length === 0) return undefined
  return svc.pullThrough.manifest(repo, digest, content.sources, o.signal)
}

/**
 * Finds a blob of a repository: linked here and stored; or referenced by the stream (remembered from a
 * manifest pulled through lately, or found in its images) and then stored (linked now) or only upstream.
 * undefined when the repository has no such blob.
 */
export async function findBlob(
  svc: RegistryServices,
  repo: RepositoryName,
  digest: Digest
): Promise<BlobLocation | undefined> {
  if ((await svc.manifests.blobLink(repo, digest)) !== undefined) {
    const info = await svc.blobStore.stat(digest)
    if (info !== undefined) return { kind: 'local', info }
  }
  const remembered = svc.pullThrough.rememberedSource(repo, digest)
  let sources: readonly UpstreamSource[]
  if (remembered !== undefined) {
    sources = [remembered]
  } else {
    const content = await lookupStreamContent({
      store: svc.store,
      repo,
      digest,
      kind: 'blob',
      registryHostname: svc.registryHostname(),
    })
    if (!content.referenced) return undefined
    sources = content.sources
  }
  const info = await svc.blobStore.stat(digest)
  if (info !== undefined) {
    await svc.manifests.linkBlob(repo, digest, 'cache')
    return { kind: 'local', info }
  }
  return sources.length === 0 ? undefined : { kind: 'remote', sources }
}
