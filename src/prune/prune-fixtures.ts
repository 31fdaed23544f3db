import { createHash } from 'node:crypto'
import type { Image, ImageStream, TagEvent } from '../api/image/v1/types.js'

// NB: synthetic Images and streams for the colocated tests and for bench/prune.ts (10,000 Images);
// nothing in the server uses this module.

/** A sha256 digest derived from a label, so fixtures read as names and still look real. */
export function fixtureDigest(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`
}

/** Options of fixtureImage and fixtureIndex. */
export type FixtureImageOptions = {
  /** creationTimestamp; default long ago. */
  readonly created?: string
  readonly annotations?: Record<string, string>
  /** Labels of the layers (digests derived from them); default one layer of its own. */
  readonly layers?: readonly string[]
  /** dockerImageMetadata.Size. */
  readonly size?: number
}

/** The default creation time of fixtures: long before any cutoff. */
export const LONG_AGO = '2020-01-01T00:00:00Z'

/** A single-platform Image named after label: layers and a config with derived digests. */
export function fixtureImage(label: string, o: FixtureImageOptions = {}): Image {
  const layers = o.layers ?? [`${label}/layer`]
  return {
    metadata: {
      name: fixtureDigest(label),
      creationTimestamp: o.created ?? LONG_AGO,
      ...(o.annotations === undefined ? {} : { annotations: o.annotations }),
    },
    dockerImageReference: `upstream.example/team/app@${fixtureDigest(label)}`,
    dockerImageMetadata: {
      Id: fixtureDigest(`${label}/config`),
      Size: o.size ?? 1000,
    },
    dockerImageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    dockerImageLayers: layers.map((l) => ({
      name: fixtureDigest(l),
      size: 100,
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    })),
  }
}

/** A manifest list Image named after label, listing the children. */
export function fixtureIndex(
  label: string,
  children: readonly Image[],
  o: FixtureImageOptions = {}
): Image {
  return {
    metadata: {
      name: fixtureDigest(label),
      creationTimestamp: o.created ?? LONG_AGO,
      ...(o.annotations === undefined ? {} : { annotations: o.annotations }),
    },
    dockerImageReference: `upstream.example/team/app@${fixtureDigest(label)}`,
    dockerImageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
    dockerImageManifests: children.map((c, i) => ({
      digest: c.metadata.name ?? '',
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      manifestSize: 500,
      architecture: ['amd64', 'arm64', 'ppc64le', 's390x'][i % 4] ?? 'amd64',
      os: 'linux',
    })),
  }
}

/** One history item: the image and when it was recorded. */
export type FixtureItem = { readonly image: Image | string; readonly created?: string }

/** A stream with status tags, each history listed newest first. */
export function fixtureStream(
  namespace: string,
  name: string,
  tags: Readonly<Record<string, readonly FixtureItem[]>>,
  o: { readonly created?: string; readonly uid?: string } = {}
): ImageStream & { metadata: { name: string } } {
  return {
    metadata: {
      name,
      namespace,
      creationTimestamp: o.created ?? LONG_AGO,
      ...(o.uid === undefined ? {} : { uid: o.uid }),
    },
    spec: { tags: [] },
    status: {
      dockerImageRepository: `registry.local/${namespace}/${name}`,
      tags: Object.entries(tags).map(([tag, items]) => ({
        tag,
        items: items.map((it, i): TagEvent => {
          const image = typeof it.image === 'string' ? it.image : (it.image.metadata.name ?? '')
          return {
            created: it.created ?? LONG_AGO,
            dockerImageReference: `upstream.example/team/app@${image}`,
            image,
            generation: items.length - i,
          }
        }),
      })),
    },
  }
}
