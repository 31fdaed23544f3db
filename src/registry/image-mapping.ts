import { setGenerationsOnCreate } from '../api/image/v1/generations.js'
import { validateImage } from '../api/image/v1/image-validation.js'
import { addTagEvent, findStatusTag, updateTrackingTags } from '../api/image/v1/tag-history.js'
import {
  IMAGE_API_VERSION,
  type Image,
  ImageAnnotation,
  type ImageStream,
} from '../api/image/v1/types.js'
import {
  formatTime,
  imageForStorage,
  imageFromIndex,
  imageFromManifest,
} from '../importer/image-objects.js'
import type { Digest } from '../oci/digest.js'
import type { ParsedManifest } from '../oci/manifest.js'
import { isAppError, Reason } from '../shared/errors.js'
import type { Store } from '../store/store.js'
import type { RepositoryName } from './names.js'

/** What a pushed manifest is mapped with. */
export type MappingDeps = {
  readonly store: Store
  /** Now, in milliseconds. */
  readonly now: () => number
  /** host[:port] of this registry, the registry part of pushed images' pull specs. */
  readonly registryHostname: string
  /** Reads a config blob (pushed before the manifest); undefined when absent. */
  readonly readConfig: (digest: Digest) => Promise<Uint8Array | undefined>
}

/** A pushed manifest. */
export type PushedManifest = {
  readonly repo: RepositoryName
  readonly digest: Digest
  readonly bytes: Uint8Array
  readonly manifest: ParsedManifest
  /** The tag the manifest was pushed to, if any (a push by digest moves no tag). */
  readonly tags: readonly string[]
}

type NamedStream = ImageStream & { metadata: { name: string } }

/**
 * Records a pushed manifest the way OpenShift's registry does with an ImageStreamMapping:
 *  1. The Image (named by digest, cluster-scoped) is created from the manifest and its config, as an import
 *     builds it (openshift-behaviour §2.8); `dockerImageReference` is `<registry>/<ns>/<stream>@<digest>`.
 *     An Image that exists already is kept as it is (images are immutable).
 *  2. For each tag: the stream is created when missing (status.dockerImageRepository set), the tag gets a new
 *     current history item (AddTagEventToImageStream) and tags tracking it follow (UpdateTrackingTags).
 */
export async function mapPushedManifest(deps: MappingDeps, pushed: PushedManifest): Promise<void> {
  const { repo, digest } = pushed
  const host = deps.registryHostname
  const reference = `${host}/${repo.namespace}/${repo.stream}@${digest}`
  const now = formatTime(deps.now())
  await createImage(deps, {
    ...(await buildImage(deps, pushed, now)),
    dockerImageReference: reference,
  })
  if (pushed.tags.length === 0) return

  const key = { resource: 'imagestreams', namespace: repo.namespace, name: repo.stream }
  const mutate = (stream: NamedStream): NamedStream => {
    stream.status ??= {}
    stream.status.dockerImageRepository ??= `${host}/${repo.namespace}/${repo.stream}`
    for (const tag of pushed.tags) {
      addTagEvent(stream, tag, {
        created: now,
        dockerImageReference: reference,
        image: digest,
        generation: stream.metadata.generation ?? 1,
      })
      const list = findStatusTag(stream, tag)
      if (list !== undefined) updateTrackingTags(stream, tag, list)
    }
    return stream
  }
  for (let attempt = 0; ; attempt++) {
    const existing = await deps.store.get<NamedStream>(key)
    if (existing !== undefined) {
      await deps.store.guaranteedUpdate<NamedStream>(key, mutate)
      return
    }
    const fresh: NamedStream = {
      apiVersion: IMAGE_API_VERSION,
      kind: 'ImageStream',
      metadata: { name: repo.stream, namespace: repo.namespace },
      spec: { lookupPolicy: { local: false } },
    }
    setGenerationsOnCreate(fresh)
    try {
      await deps.store.create('imagestreams', mutate(fresh))
      return
    } catch (err) {
      // Created concurrently (another push): update that one instead.
      if (!isAppError(err, Reason.AlreadyExists) || attempt > 2) throw err
    }
  }
}

async function buildImage(deps: MappingDeps, pushed: PushedManifest, now: string): Promise<Image> {
  const m = pushed.manifest
  if (m.kind === 'index') return imageFromIndex({ digest: pushed.digest, manifest: m, now })
  if (m.kind === 'image') {
    const configBytes = await deps.readConfig(m.config.digest)
    if (configBytes !== undefined) {
      try {
        return imageFromManifest({
          digest: pushed.digest,
          bytes: pushed.bytes,
          manifest: m,
          configBytes,
        })
      } catch {
        // Not an image config (an OCI artifact): fall through to the layers-only image below.
      }
    }
    const seen = new Set<string>()
    let size = 0
    for (const d of [m.config, ...m.layers]) {
      if (seen.has(d.digest)) continue
      seen.add(d.digest)
      size += d.size
    }
    return {
      metadata: {
        name: pushed.digest,
        annotations: { [ImageAnnotation.DockerLayersOrder]: 'ascending' },
      },
      dockerImageMetadata: {
        kind: 'DockerImage',
        apiVersion: 'image.openshift.io/1.0',
        Id: m.config.digest,
        Size: size,
      },
      dockerImageMetadataVersion: '1.0',
      dockerImageLayers: m.layers.map((l) => ({
        name: l.digest,
        size: l.size,
        mediaType: l.mediaType,
      })),
      dockerImageManifestMediaType: m.mediaType,
    }
  }
  return {
    metadata: { name: pushed.digest },
    dockerImageManifestMediaType: m.mediaType,
  }
}

async function createImage(deps: MappingDeps, image: Image): Promise<void> {
  const stored = imageForStorage(image)
  const errs = validateImage(stored)
  if (errs.length > 0) {
    throw new Error(`pushed image ${image.metadata.name ?? ''} is invalid: ${JSON.stringify(errs)}`)
  }
  try {
    await deps.store.create('images', stored as Image & { metadata: { name: string } })
  } catch (err) {
    if (!isAppError(err, Reason.AlreadyExists)) throw err
  }
}
