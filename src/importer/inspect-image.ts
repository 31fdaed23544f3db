import type { Digest } from '../oci/digest.js'
import { type ImageConfig, parseImageConfig } from '../oci/image-config.js'
import {
  type Descriptor,
  type ParsedManifest,
  type Platform,
  parseManifest,
} from '../oci/manifest.js'
import { formatPlatform, normalizePlatform } from '../oci/platform.js'
import {
  dockerClientDefaults,
  type ImageReference,
  parseImageReference,
  referenceString,
  repositoryPath,
} from '../oci/reference.js'
import type { RegistryClient, RemoteRepository } from '../registry-client/client.js'
import { AppError, Reason } from '../shared/errors.js'

/** Options of inspectImage. */
export type InspectImageOptions = {
  readonly insecure?: boolean
  /** For an index: the child to describe. Without it an index is described by its manifest list only. */
  readonly platform?: Platform
  readonly signal?: AbortSignal
}

/** One image manifest with its config, as inspect shows it. */
export type InspectedImage = {
  readonly digest: Digest
  readonly mediaType: string
  readonly config: ImageConfig
  readonly configDigest: Digest
  readonly layers: readonly Descriptor[]
  /** Sum of the compressed layer sizes. */
  readonly size: number
}

/** What inspectImage learned about a reference. */
export type InspectResult = {
  /** The reference with Docker defaults applied, e.g. `docker.io/library/busybox:latest`. */
  readonly name: string
  readonly digest: Digest
  readonly mediaType: string
  readonly rawManifest: Uint8Array
  readonly manifest: ParsedManifest
  /** The children of an index or manifest list. */
  readonly manifests?: readonly Descriptor[]
  /** The single image, or the child chosen by `platform`. */
  readonly image?: InspectedImage
}

/**
 * Reads a reference's manifest and, for a single image (or the child of an index matching `platform`), its
 * config blob. Every byte is digest-verified by the client.
 */
export async function inspectImage(
  client: RegistryClient,
  spec: string,
  opts: InspectImageOptions = {}
): Promise<InspectResult> {
  const ref = dockerClientDefaults(parseImageReference(spec))
  const repo = client.repository({
    registry: ref.registry,
    repository: repositoryPath(ref),
    ...(opts.insecure === undefined ? {} : { insecure: opts.insecure }),
  })
  const signal = opts.signal
  const top = await repo.manifestGet(ref.id || ref.tag, signalOpt(signal))
  const manifest = parseManifest(top.bytes, top.mediaType)
  const base = {
    name: referenceString(ref),
    digest: top.digest,
    mediaType: top.mediaType,
    rawManifest: top.bytes,
    manifest,
  }
  if (manifest.kind === 'index') {
    if (opts.platform === undefined) return { ...base, manifests: manifest.manifests }
    const child = findPlatform(manifest.manifests, opts.platform, ref)
    const image = await inspectChild(repo, child.digest, signal)
    return { ...base, manifests: manifest.manifests, image }
  }
  if (opts.platform !== undefined) {
    // A single-arch image has one platform; asking for another is a mistake worth reporting.
    const image = await describeImage(repo, top.digest, top.mediaType, manifest, signal)
    checkPlatform(image.config, opts.platform, ref)
    return { ...base, image }
  }
  return { ...base, image: await describeImage(repo, top.digest, top.mediaType, manifest, signal) }
}

async function inspectChild(
  repo: RemoteRepository,
  digest: Digest,
  signal: AbortSignal | undefined
): Promise<InspectedImage> {
  const child = await repo.manifestGet(digest, signalOpt(signal))
  const parsed = parseManifest(child.bytes, child.mediaType)
  return describeImage(repo, child.digest, child.mediaType, parsed, signal)
}

async function describeImage(
  repo: RemoteRepository,
  digest: Digest,
  mediaType: string,
  manifest: ParsedManifest,
  signal: AbortSignal | undefined
): Promise<InspectedImage> {
  if (manifest.kind === 'index') {
    throw new AppError(Reason.BadRequest, `manifest ${digest} is an index nested in an index`)
  }
  if (manifest.kind === 'schema1') {
    // Schema 1 carries its config in the first history entry instead of a blob.
    const first = manifest.history[0]
    const config = parseImageConfig(new TextEncoder().encode(first ?? '{}'))
    return { digest, mediaType, config, configDigest: digest, layers: [], size: 0 }
  }
  const configBytes = await repo.blobGet(manifest.config.digest, {
    ...signalOpt(signal),
    expectedSize: manifest.config.size,
  })
  const config = parseImageConfig(configBytes)
  const size = manifest.layers.reduce((sum, l) => sum + l.size, 0)
  return {
    digest,
    mediaType,
    config,
    configDigest: manifest.config.digest,
    layers: manifest.layers,
    size,
  }
}

function findPlatform(
  manifests: readonly Descriptor[],
  wanted: Platform,
  ref: ImageReference
): Descriptor {
  const w = normalizePlatform(wanted)
  const found = manifests.find((m) => {
    if (m.platform === undefined) return false
    const p = normalizePlatform(m.platform)
    return (
      p.os === w.os &&
      p.architecture === w.architecture &&
      (w.variant === undefined || p.variant === w.variant)
    )
  })
  if (found !== undefined) return found
  const available = manifests
    .map((m) => (m.platform === undefined ? 'unknown' : formatPlatform(m.platform)))
    .join(', ')
  throw new AppError(
    Reason.NotFound,
    `no image for platform ${formatPlatform(wanted)} in ${referenceString(ref)}; available: ${available}`
  )
}

function checkPlatform(config: ImageConfig, wanted: Platform, ref: ImageReference): void {
  const have = normalizePlatform({
    os: config.os ?? '',
    architecture: config.architecture ?? '',
    ...(config.variant === undefined ? {} : { variant: config.variant }),
  })
  const w = normalizePlatform(wanted)
  const ok =
    have.os === w.os &&
    have.architecture === w.architecture &&
    (w.variant === undefined || have.variant === w.variant)
  if (!ok) {
    throw new AppError(
      Reason.NotFound,
      `${referenceString(ref)} is a single image for ${formatPlatform(have)}, not ${formatPlatform(wanted)}`
    )
  }
}

function signalOpt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal }
}
