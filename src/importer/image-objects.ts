import {
  type DockerConfig,
  type DockerImage,
  IMAGE_API_VERSION,
  type Image,
  ImageAnnotation,
  type ImageLayer,
} from '../api/image/v1/types.js'
import type { Time } from '../api/meta.js'
import type { Digest } from '../oci/digest.js'
import { type ContainerConfig, type ImageConfig, parseImageConfig } from '../oci/image-config.js'
import type { ImageManifest, IndexManifest, Schema1Manifest } from '../oci/manifest.js'
import { MediaType } from '../oci/media-types.js'
import { AppError, Reason } from '../shared/errors.js'

// Manifest (+ config) → Image, as openshift-apiserver importer/image.go and
// internalimageutil.InternalImageWithMetadata build them (openshift-behaviour §2.8). The raw manifest and
// config are kept in dockerImageManifest/dockerImageConfig for `includeManifest`; they are stripped before
// an Image is stored.

/** Annotation recording which child of a manifest list a Legacy import chose, and why (ours). */
export const SELECTED_PLATFORM_ANNOTATION = 'imagestreams.io/selected-platform'
/** Annotation naming the manifest list a Legacy import took the image from (ours). */
export const SOURCE_MANIFEST_LIST_ANNOTATION = 'imagestreams.io/source-manifest-list'

const DOCKER_IMAGE_KIND = { kind: 'DockerImage', apiVersion: 'image.openshift.io/1.0' } as const
const SCHEMA1_LAYER_MEDIA_TYPE = 'application/vnd.docker.container.image.rootfs.diff+x-gtar'

/** A fetched single-image manifest with its config blob. */
export type SingleImageSource = {
  readonly digest: Digest
  readonly bytes: Uint8Array
  readonly manifest: ImageManifest
  readonly configBytes: Uint8Array
}

/**
 * Builds the Image of an OCI or Docker schema 2 manifest (schema2OrOCIToImage + InternalImageWithMetadata):
 * metadata from the config with `Id` = the config digest, layers in ascending order with sizes and media
 * types, size = config bytes + unique layers, `image.openshift.io/dockerLayersOrder: ascending`.
 */
export function imageFromManifest(src: SingleImageSource): Image {
  const config = parseImageConfig(src.configBytes)
  const configDigest = src.manifest.config.digest
  const layers: ImageLayer[] = src.manifest.layers.map((l) => ({
    name: l.digest,
    size: l.size,
    mediaType: l.mediaType,
  }))
  const size = src.configBytes.byteLength + uniqueLayerBytes(layers, configDigest)
  return {
    metadata: {
      name: src.digest,
      annotations: { [ImageAnnotation.DockerLayersOrder]: 'ascending' },
    },
    dockerImageMetadata: { ...metadataFromConfig(config), Id: configDigest, Size: size },
    dockerImageMetadataVersion: '1.0',
    dockerImageManifest: text(src.bytes),
    dockerImageLayers: layers,
    dockerImageManifestMediaType: src.manifest.mediaType,
    dockerImageConfig: text(src.configBytes),
  }
}

/**
 * Builds the Image of a Docker schema 1 manifest (schema1ToImage): metadata from the first
 * `v1Compatibility` entry, layers reversed to ascending order with the sizes the history records, media
 * type normalised to the unsigned schema 1 type.
 */
export function imageFromSchema1(src: {
  readonly digest: Digest
  readonly bytes: Uint8Array
  readonly manifest: Schema1Manifest
}): Image {
  const first = src.manifest.history[0]
  if (first === undefined) {
    throw new AppError(Reason.BadRequest, 'image has no v1Compatibility history and cannot be used')
  }
  const v1 = parseV1Compatibility(first)
  const config = parseImageConfig(new TextEncoder().encode(first))
  const n = src.manifest.fsLayers.length
  const layers: ImageLayer[] = []
  for (let i = n - 1; i >= 0; i--) {
    const history = src.manifest.history[i]
    layers.push({
      name: src.manifest.fsLayers[i] ?? '',
      size: history === undefined ? 0 : parseV1Compatibility(history).size,
      mediaType: SCHEMA1_LAYER_MEDIA_TYPE,
    })
  }
  const size = uniqueLayerBytes(layers)
  const metadata: DockerImage = { ...metadataFromConfig(config), Size: size }
  if (v1.id !== '') metadata.Id = v1.id
  if (v1.parent !== '') metadata.Parent = v1.parent
  return {
    metadata: {
      name: src.digest,
      annotations: { [ImageAnnotation.DockerLayersOrder]: 'ascending' },
    },
    dockerImageMetadata: metadata,
    dockerImageMetadataVersion: '1.0',
    dockerImageManifest: text(src.bytes),
    dockerImageLayers: layers,
    dockerImageManifestMediaType: MediaType.DockerSchema1,
  }
}

/**
 * Builds the Image of a manifest list or OCI index (manifestListToImage): `Id` = its digest, `Created` =
 * now, the children in dockerImageManifests; no layers, no config, size 0.
 */
export function imageFromIndex(src: {
  readonly digest: Digest
  readonly manifest: IndexManifest
  readonly now: Time
}): Image {
  return {
    metadata: { name: src.digest },
    dockerImageMetadata: { ...DOCKER_IMAGE_KIND, Id: src.digest, Created: src.now },
    dockerImageMetadataVersion: '1.0',
    dockerImageManifestMediaType: src.manifest.mediaType || MediaType.OciIndex,
    dockerImageManifests: src.manifest.manifests.map((m) => ({
      digest: m.digest,
      mediaType: m.mediaType,
      manifestSize: m.size,
      architecture: m.platform?.architecture ?? '',
      os: m.platform?.os ?? '',
      ...(m.platform?.variant === undefined || m.platform.variant === ''
        ? {}
        : { variant: m.platform.variant }),
    })),
  }
}

/** Returns a copy of image as it is stored: no raw manifest, config or signatures (PrepareImageForCreate). */
export function imageForStorage(image: Image): Image {
  const {
    dockerImageManifest: _manifest,
    dockerImageConfig: _config,
    signatures: _signatures,
    ...rest
  } = image
  const copy = structuredClone(rest)
  // An Image reused from the store keeps its content; the store sets these again.
  const {
    resourceVersion: _rv,
    uid: _uid,
    creationTimestamp: _created,
    ...metadata
  } = copy.metadata
  // Which child a Legacy import chose is a fact about that import, not about the (shared) image.
  const annotations = withoutSelection(metadata.annotations)
  if (annotations === undefined) delete metadata.annotations
  else metadata.annotations = annotations
  return { ...copy, metadata, apiVersion: IMAGE_API_VERSION, kind: 'Image' }
}

/** The annotations a Legacy import of a manifest list adds to the image it reports (not stored). */
export function selectionAnnotations(image: Image): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of [SELECTED_PLATFORM_ANNOTATION, SOURCE_MANIFEST_LIST_ANNOTATION]) {
    const value = image.metadata.annotations?.[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

function withoutSelection(
  annotations: Record<string, string> | null | undefined
): Record<string, string> | undefined {
  if (annotations === null || annotations === undefined) return undefined
  const rest = Object.fromEntries(
    Object.entries(annotations).filter(
      ([k]) => k !== SELECTED_PLATFORM_ANNOTATION && k !== SOURCE_MANIFEST_LIST_ANNOTATION
    )
  )
  return Object.keys(rest).length === 0 ? undefined : rest
}

/** Returns a copy of image without the raw manifest and config (clearManifests). */
export function withoutManifest(image: Image): Image {
  const { dockerImageManifest: _manifest, dockerImageConfig: _config, ...rest } = image
  return rest
}

// The sizes of the distinct layers (by digest), summed; a layer named `skip` does not count.
function uniqueLayerBytes(layers: readonly ImageLayer[], skip?: string): number {
  const seen = new Set<string>(skip === undefined ? [] : [skip])
  let size = 0
  for (const l of layers) {
    if (seen.has(l.name)) continue
    seen.add(l.name)
    size += l.size
  }
  return size
}

function metadataFromConfig(config: ImageConfig): DockerImage {
  const out: DockerImage = { ...DOCKER_IMAGE_KIND }
  const created = toTime(config.created)
  if (created !== undefined) out.Created = created
  if (config.container !== undefined) out.Container = config.container
  if (config.container_config !== undefined) {
    out.ContainerConfig = dockerConfig(config.container_config)
  }
  if (config.docker_version !== undefined) out.DockerVersion = config.docker_version
  if (config.author !== undefined) out.Author = config.author
  if (config.comment !== undefined) out.Comment = config.comment
  if (config.config !== undefined) out.Config = dockerConfig(config.config)
  if (config.architecture !== '') out.Architecture = config.architecture
  if (config.os !== '') out.Os = config.os
  if (config.variant !== undefined && config.variant !== '') out.Variant = config.variant
  return out
}

function dockerConfig(c: ContainerConfig): DockerConfig {
  const out: DockerConfig = {}
  if (c.User !== undefined) out.User = c.User
  if (c.ExposedPorts !== undefined) out.ExposedPorts = { ...c.ExposedPorts }
  if (c.Env !== undefined) out.Env = [...c.Env]
  if (c.Cmd !== undefined) out.Cmd = [...c.Cmd]
  if (c.Volumes !== undefined) out.Volumes = { ...c.Volumes }
  if (c.WorkingDir !== undefined) out.WorkingDir = c.WorkingDir
  if (c.Entrypoint !== undefined) out.Entrypoint = [...c.Entrypoint]
  if (c.Labels !== undefined) out.Labels = { ...c.Labels }
  return out
}

// metav1.Time renders RFC 3339 in UTC with whole seconds; configs carry any precision.
function toTime(value: string | undefined): Time | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) return undefined
  return formatTime(ms)
}

/** Renders epoch milliseconds as metav1.Time does: `2026-01-02T03:04:05Z`. */
export function formatTime(ms: number): Time {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function parseV1Compatibility(json: string): { id: string; parent: string; size: number } {
  try {
    const doc = JSON.parse(json) as { id?: unknown; parent?: unknown; Size?: unknown }
    return {
      id: typeof doc.id === 'string' ? doc.id : '',
      parent: typeof doc.parent === 'string' ? doc.parent : '',
      size: typeof doc.Size === 'number' && Number.isSafeInteger(doc.Size) ? doc.Size : 0,
    }
  } catch {
    // The manifest parser accepted the string; a malformed entry only loses its size, as in OpenShift.
    return { id: '', parent: '', size: 0 }
  }
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8')
}
