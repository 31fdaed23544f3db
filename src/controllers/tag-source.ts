import type { TagReference } from '../api/image/v1/types.js'
import { dockerClientDefaults, parseImageReference, repositoryPath } from '../oci/reference.js'

/** Where a DockerImage spec tag is imported from, with Docker's defaults applied. */
export type TagSource = {
  /** The registry as written after defaults (`docker.io`, `127.0.0.1:5000`); the budget and metrics key. */
  readonly registry: string
  /** `namespace/name`, e.g. `library/busybox`. */
  readonly repository: string
  /** The source tag ('' for a digest reference). */
  readonly tag: string
  /** The digest of a digest reference, else ''. */
  readonly digest: string
  /** importPolicy.insecure of the tag. */
  readonly insecure: boolean
}

/**
 * Returns the source of a spec tag imported from a registry (`from.kind: DockerImage`), or undefined
 * when the tag has no such source or its `from.name` does not parse (the importer reports that).
 */
export function tagSource(tag: TagReference): TagSource | undefined {
  if (tag.from?.kind !== 'DockerImage') return undefined
  let ref: ReturnType<typeof parseImageReference>
  try {
    ref = dockerClientDefaults(parseImageReference(tag.from.name ?? ''))
  } catch {
    return undefined
  }
  return {
    registry: ref.registry,
    repository: repositoryPath(ref),
    tag: ref.id === '' ? ref.tag : '',
    digest: ref.id,
    insecure: tag.importPolicy?.insecure === true,
  }
}

/** The registry of a pull spec (after Docker's defaults), or 'unknown' when it does not parse. */
export function registryOf(pullSpec: string): string {
  try {
    return dockerClientDefaults(parseImageReference(pullSpec)).registry
  } catch {
    return 'unknown'
  }
}
