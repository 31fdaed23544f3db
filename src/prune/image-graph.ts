import type { Image } from '../api/image/v1/types.js'
import { isReferenceDigest } from '../oci/reference.js'

/**
 * ImageGraph links manifest lists to their children both ways. Only edges whose child is listed by an
 * index Image are known; a child digest with no Image of its own is still an edge (its blobs are then
 * unknown to the API and only the registry's blob files say what is stored).
 */
export type ImageGraph = {
  readonly images: ReadonlyMap<string, Image>
  /** index digest → child digests (`dockerImageManifests[].digest`). */
  readonly children: ReadonlyMap<string, readonly string[]>
  /** child digest → the index digests that list it. */
  readonly parents: ReadonlyMap<string, readonly string[]>
}

/** Builds the graph of images (keyed by `metadata.name`, the manifest digest). */
export function buildImageGraph(images: Iterable<Image>): ImageGraph {
  const byName = new Map<string, Image>()
  const children = new Map<string, string[]>()
  const parents = new Map<string, string[]>()
  for (const image of images) {
    const name = image.metadata.name ?? ''
    if (name === '') continue
    byName.set(name, image)
    const manifests = image.dockerImageManifests ?? []
    if (manifests.length === 0) continue
    const kids = manifests.map((m) => m.digest).filter((d) => d !== '')
    children.set(name, kids)
    for (const kid of kids) {
      const list = parents.get(kid)
      if (list === undefined) parents.set(kid, [name])
      else list.push(name)
    }
  }
  return { images: byName, children, parents }
}

// Walks edges breadth-first from roots; the result includes the roots.
function closure(
  roots: Iterable<string>,
  edges: ReadonlyMap<string, readonly string[]>
): Set<string> {
  const seen = new Set<string>(roots)
  const queue = [...seen]
  for (let i = 0; i < queue.length; i++) {
    for (const next of edges.get(queue[i] as string) ?? []) {
      if (seen.has(next)) continue
      seen.add(next)
      queue.push(next)
    }
  }
  return seen
}

/** The roots plus every image below them (children of lists, and of nested lists). */
export function withDescendants(graph: ImageGraph, roots: Iterable<string>): Set<string> {
  return closure(roots, graph.children)
}

/** The roots plus every manifest list above them (the lists that contain them, transitively). */
export function withAncestors(graph: ImageGraph, roots: Iterable<string>): Set<string> {
  return closure(roots, graph.parents)
}

/**
 * The blobs an Image needs in the registry: its layers, its config (`dockerImageMetadata.Id` when it
 * is a digest: schema 1 images have none) and its own manifest. An index needs only its manifest: its
 * children are Images of their own, counted through the graph.
 */
export function imageBlobs(image: Image): string[] {
  const blobs: string[] = []
  const name = image.metadata.name ?? ''
  if (name !== '') blobs.push(name)
  for (const layer of image.dockerImageLayers ?? []) {
    if (layer.name !== '') blobs.push(layer.name)
  }
  const config = image.dockerImageMetadata?.Id ?? ''
  if (isReferenceDigest(config)) blobs.push(config)
  return blobs
}
