import { findSpecTag } from '../api/image/v1/tag-history.js'
import {
  type Image,
  ImageAnnotation,
  type ImageStream,
  type TagEvent,
} from '../api/image/v1/types.js'
import type { Digest } from '../oci/digest.js'
import { dockerClientDefaults, parseImageReference, repositoryPath } from '../oci/reference.js'
import type { Store } from '../store/store.js'
import type { RepositoryName } from './names.js'

/** A remote repository content can be fetched from. */
export type UpstreamSource = {
  /** host[:port] as in the reference (`docker.io` for Docker Hub). */
  readonly registry: string
  readonly repository: string
  /** The tag's `importPolicy.insecure` or the stream's insecure-repository annotation. */
  readonly insecure: boolean
}

/** How a digest relates to an image stream. */
export type StreamContent = {
  /** The digest is an image of the stream's history, a child of one (manifests) or one's layer or config. */
  readonly referenced: boolean
  /** Where it can be fetched from, best first (secure ones first); this registry itself is never listed. */
  readonly sources: readonly UpstreamSource[]
}

/** Options of lookupStreamContent. */
export type LookupOptions = {
  readonly store: Store
  readonly repo: RepositoryName
  readonly digest: Digest
  readonly kind: 'manifest' | 'blob'
  /** Our own host[:port]: references to it are not upstreams (no pull-through to ourselves). */
  readonly registryHostname: string
  /** The stream, when the caller has read it already. */
  readonly stream?: ImageStream | undefined
}

type StoredImage = Image & { metadata: { name: string } }

/**
 * Finds where a digest comes from, as OpenShift's registry does for pull-through (openshift-behaviour §7):
 *  1. the history items of the stream's status tags, first the newest item of every tag, then older ones;
 *  2. an item matches when its image is the digest, or (manifests) the digest is a child of its manifest
 *     list, so a child is fetched from its parent's repository, or (blobs) the digest is a layer or the
 *     config of its image or of one of its children;
 *  3. the source is the item's `dockerImageReference` (the remote one: history keeps it whatever the
 *     reference policy), insecure per the tag's import policy or the stream's annotation.
 */
export async function lookupStreamContent(o: LookupOptions): Promise<StreamContent> {
  const stream =
    o.stream ??
    (await o.store.get<ImageStream & { metadata: { name: string } }>({
      resource: 'imagestreams',
      namespace: o.repo.namespace,
      name: o.repo.stream,
    }))
  if (stream === undefined) return { referenced: false, sources: [] }
  const images = new Map<string, StoredImage | undefined>()
  const image = async (name: string): Promise<StoredImage | undefined> => {
    if (!images.has(name)) {
      images.set(name, await o.store.get<StoredImage>({ resource: 'images', name }))
    }
    return images.get(name)
  }
  const matches = async (item: TagEvent): Promise<boolean> => {
    if (o.kind === 'manifest') {
      if (item.image === o.digest) return true
      const parent = await image(item.image)
      return (parent?.dockerImageManifests ?? []).some((m) => m.digest === o.digest)
    }
    const img = await image(item.image)
    if (img === undefined) return false
    if (hasBlob(img, o.digest)) return true
    for (const child of img.dockerImageManifests ?? []) {
      const c = await image(child.digest)
      if (c !== undefined && hasBlob(c, o.digest)) return true
    }
    return false
  }

  const tags = stream.status?.tags ?? []
  const ordered: { tag: string; item: TagEvent }[] = [
    ...tags.flatMap((t) => (t.items ?? []).slice(0, 1).map((item) => ({ tag: t.tag, item }))),
    ...tags.flatMap((t) => (t.items ?? []).slice(1).map((item) => ({ tag: t.tag, item }))),
  ]
  const streamInsecure =
    stream.metadata.annotations?.[ImageAnnotation.InsecureRepository] === 'true'
  let referenced = false
  const sources: UpstreamSource[] = []
  const seen = new Set<string>()
  for (const { tag, item } of ordered) {
    if (!(await matches(item))) continue
    referenced = true
    const source = sourceOf(item.dockerImageReference, o.registryHostname)
    if (source === undefined) continue
    const insecure = streamInsecure || findSpecTag(stream, tag)?.importPolicy?.insecure === true
    const key = `${source.registry}/${source.repository}|${insecure}`
    if (seen.has(key)) continue
    seen.add(key)
    sources.push({ ...source, insecure })
  }
  // Secure candidates first, as OpenShift's registry orders them; the sort is stable.
  sources.sort((a, b) => Number(a.insecure) - Number(b.insecure))
  return { referenced, sources }
}

function hasBlob(image: Image, digest: Digest): boolean {
  if (image.dockerImageMetadata?.Id === digest) return true
  return (image.dockerImageLayers ?? []).some((l) => l.name === digest)
}

function sourceOf(
  reference: string,
  registryHostname: string
): { registry: string; repository: string } | undefined {
  let ref: ReturnType<typeof parseImageReference>
  try {
    ref = dockerClientDefaults(parseImageReference(reference))
  } catch {
    // A history item we cannot parse names no upstream.
    return undefined
  }
  if (ref.name === '') return undefined
  if (ref.registry.toLowerCase() === registryHostname.toLowerCase()) return undefined
  return { registry: ref.registry, repository: repositoryPath(ref) }
}
