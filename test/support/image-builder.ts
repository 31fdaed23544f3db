import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { computeDigest, type Digest } from '../../src/oci/digest.js'
import { MediaType } from '../../src/oci/media-types.js'
import { createTar, type TarEntry } from './tar.js'

/** The manifest family of a built image: OCI (image-spec) or Docker schema 2. */
export type ImageFormat = 'oci' | 'docker'

/** An OS/architecture pair as in an index entry's `platform`. */
export type Platform = {
  readonly architecture: string
  readonly os: string
  readonly variant?: string
}

/** What goes into one test image. */
export type ImageSpec = {
  readonly platform: Platform
  readonly env: readonly string[]
  readonly labels: Readonly<Record<string, string>>
  /** RFC 3339 creation time of the config. */
  readonly created: string
  /** Files of the single layer. */
  readonly files: readonly TarEntry[]
}

/** A content-addressed blob: bytes plus descriptor fields. */
export type BuiltBlob = {
  readonly mediaType: string
  readonly digest: Digest
  readonly size: number
  readonly bytes: Buffer
}

/** A single-platform image: manifest, config and layers, digests all consistent. */
export type BuiltImage = {
  readonly format: ImageFormat
  readonly spec: ImageSpec
  readonly manifest: BuiltBlob
  readonly config: BuiltBlob
  readonly layers: readonly BuiltBlob[]
}

/** A multi-platform list (OCI index or Docker manifest list) with its children. */
export type BuiltIndex = {
  readonly format: ImageFormat
  readonly index: BuiltBlob
  readonly children: readonly BuiltImage[]
}

const blob = (mediaType: string, bytes: Buffer): BuiltBlob => ({
  mediaType,
  digest: computeDigest(bytes),
  size: bytes.length,
  bytes,
})

const descriptor = (b: BuiltBlob): { mediaType: string; digest: string; size: number } => ({
  mediaType: b.mediaType,
  digest: b.digest,
  size: b.size,
})

/**
 * Builds an image in memory: one gzip layer with spec.files, a config carrying the platform, env,
 * labels and created time, and an OCI or Docker schema 2 manifest.
 * https://github.com/opencontainers/image-spec/blob/main/manifest.md
 */
export function buildImage(spec: ImageSpec, format: ImageFormat): BuiltImage {
  const tar = createTar(spec.files)
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`
  const layer = blob(
    format === 'oci'
      ? 'application/vnd.oci.image.layer.v1.tar+gzip'
      : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    gzipSync(tar)
  )
  const configJson = {
    created: spec.created,
    architecture: spec.platform.architecture,
    os: spec.platform.os,
    ...(spec.platform.variant === undefined ? {} : { variant: spec.platform.variant }),
    config: {
      Env: [...spec.env],
      Labels: { ...spec.labels },
      Cmd: ['/bin/sh'],
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: spec.created, created_by: 'imagestreams test-images' }],
  }
  const config = blob(
    format === 'oci' ? MediaType.OciConfig : MediaType.DockerConfig,
    Buffer.from(JSON.stringify(configJson))
  )
  const manifestMediaType = format === 'oci' ? MediaType.OciManifest : MediaType.DockerManifest
  const manifestJson = {
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: descriptor(config),
    layers: [descriptor(layer)],
  }
  const manifest = blob(manifestMediaType, Buffer.from(JSON.stringify(manifestJson)))
  return { format, spec, manifest, config, layers: [layer] }
}

/**
 * Builds an OCI image index or a Docker manifest list over children of the same format, with each
 * child's platform. https://github.com/opencontainers/image-spec/blob/main/image-index.md
 */
export function buildIndex(children: readonly BuiltImage[], format: ImageFormat): BuiltIndex {
  const mediaType = format === 'oci' ? MediaType.OciIndex : MediaType.DockerManifestList
  for (const c of children) {
    if (c.format !== format) throw new Error(`a ${format} list cannot hold a ${c.format} image`)
  }
  const json = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c) => ({
      ...descriptor(c.manifest),
      platform: {
        architecture: c.spec.platform.architecture,
        os: c.spec.platform.os,
        ...(c.spec.platform.variant === undefined ? {} : { variant: c.spec.platform.variant }),
      },
    })),
  }
  return { format, index: blob(mediaType, Buffer.from(JSON.stringify(json))), children }
}
