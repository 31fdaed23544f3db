import { isImportableTag, tagNeedsImport } from '../api/image/v1/generations.js'
import {
  IMAGE_API_VERSION,
  ImageAnnotation,
  type ImageImportSpec,
  type ImageStream,
  type ImageStreamImport,
  type TagReference,
} from '../api/image/v1/types.js'

/** Options of imageStreamImportForStream. */
export type StreamImportRequestOptions = {
  /**
   * Only these spec tags, imported whether or not their generation says so (the scheduled re-import of
   * OpenShift, which bumps the scheduled tags' generation in a copy). Without it: the tags that need import.
   */
  readonly tags?: readonly string[]
  /** Each tag is imported with its own importPolicy (its importMode included), never the server default. */
  readonly mode: 'spec-policy'
}

/**
 * Builds the ImageStreamImport a controller posts for a stream (openshift-controller-manager
 * `handleImageStream`), or undefined when nothing needs importing:
 *  - no `openshift.io/image.dockerRepositoryCheck` annotation and `spec.dockerImageRepository` set: a full
 *    import, every importable tag plus the repository (insecure from `openshift.io/image.insecureRepository`);
 *  - no annotation otherwise: every importable tag (`from.kind: DockerImage`, not `reference`) whose
 *    generation is newer than what status has observed, or unset;
 *  - with the annotation: the importable tags whose spec generation is newer than observed (an import that
 *    failed at that generation counts as observed, so failures are not retried in a loop).
 * Each image carries the tag's own importPolicy and referencePolicy, so a controller never turns a
 * PreserveOriginal tag into Legacy (unlike `isctl import-image` without `--import-mode`). The request names
 * the stream's resourceVersion and uid: the import fails with Conflict rather than act on a newer spec.
 */
export function imageStreamImportForStream(
  stream: ImageStream,
  opts: StreamImportRequestOptions
): ImageStreamImport | undefined {
  const tags = stream.spec?.tags ?? []
  const annotations = stream.metadata.annotations ?? {}
  const checked = (annotations[ImageAnnotation.DockerRepositoryCheck] ?? '') !== ''
  const repository = stream.spec?.dockerImageRepository ?? ''
  const full = opts.tags === undefined && !checked && repository !== ''

  let chosen: TagReference[]
  if (opts.tags !== undefined) {
    const wanted = new Set(opts.tags)
    chosen = tags.filter((t) => wanted.has(t.name) && isImportableTag(t))
  } else if (full) {
    chosen = tags.filter(isImportableTag)
  } else {
    // The controller only acts when a tag's generation is newer, or when the annotation is gone.
    const anyNewer = tags.some(
      (t) => t.generation !== null && t.generation !== undefined && tagNeedsImport(stream, t)
    )
    if (!anyNewer && (checked || !tags.some(isImportableTag))) return undefined
    chosen = tags.filter((t) => tagNeedsImport(stream, t))
  }

  const images: ImageImportSpec[] = chosen.map((t) => ({
    from: { kind: 'DockerImage', name: t.from?.name ?? '' },
    to: { name: t.name },
    importPolicy: { ...(t.importPolicy ?? {}) },
    referencePolicy: { ...(t.referencePolicy ?? {}) },
  }))
  const isi: ImageStreamImport = {
    apiVersion: IMAGE_API_VERSION,
    kind: 'ImageStreamImport',
    metadata: {
      name: stream.metadata.name ?? '',
      ...(stream.metadata.namespace === undefined ? {} : { namespace: stream.metadata.namespace }),
      ...(stream.metadata.resourceVersion === undefined
        ? {}
        : { resourceVersion: stream.metadata.resourceVersion }),
      ...(stream.metadata.uid === undefined ? {} : { uid: stream.metadata.uid }),
    },
    spec: { import: true, images },
  }
  if (full) {
    isi.spec.repository = {
      from: { kind: 'DockerImage', name: repository },
      importPolicy: { insecure: annotations[ImageAnnotation.InsecureRepository] === 'true' },
    }
  }
  if ((isi.spec.images ?? []).length === 0 && isi.spec.repository === undefined) return undefined
  return isi
}
