import { dockerClientDefaults, isReferenceDigest, parseImageReference } from '../oci/reference.js'

/** What `--in-use-from` pull specs protect. */
export type InUseReferences = {
  /** Manifest digests in use: each protects the Image of that digest wherever it is pulled from. */
  readonly digests: ReadonlySet<string>
  /** `namespace/stream:tag` of our registry in use: each protects the tag's current history item. */
  readonly tags: ReadonlySet<string>
  /** Pull specs that could not be parsed; they protect nothing and are reported as warnings. */
  readonly invalid: readonly string[]
}

/** No references at all. */
export const NO_IN_USE_REFERENCES: InUseReferences = {
  digests: new Set(),
  tags: new Set(),
  invalid: [],
}

/** The key of a stream tag in InUseReferences.tags. */
export function streamTagKey(namespace: string, stream: string, tag: string): string {
  return `${namespace}/${stream}:${tag}`
}

/**
 * Sorts pull specs into what they protect. A spec with a digest protects that digest (OpenShift's pruner
 * matches `ns/name@digest`; a digest is the same image in every repository, so the host and repository
 * are ignored here). A spec by tag protects the stream tag `namespace/name:tag` only when its host is
 * one of registryHostnames (compared without case); OpenShift ignores the host, and so keeps images of
 * any registry's `a/b:tag` that happens to match a stream. A spec with both protects both.
 */
export function classifyPullSpecs(
  specs: readonly string[],
  registryHostnames: readonly string[]
): InUseReferences {
  const hosts = new Set(registryHostnames.map((h) => h.toLowerCase()))
  const digests = new Set<string>()
  const tags = new Set<string>()
  const invalid: string[] = []
  for (const spec of specs) {
    let ref: ReturnType<typeof parseImageReference>
    try {
      ref = parseImageReference(spec)
    } catch {
      invalid.push(spec)
      continue
    }
    if (ref.id !== '' && isReferenceDigest(ref.id)) digests.add(ref.id)
    if (ref.id !== '' && ref.tag === '') continue
    const named = dockerClientDefaults(ref)
    // Our registry's repositories are exactly `<namespace>/<stream>`.
    if (!hosts.has(named.registry.toLowerCase()) || named.namespace === '') continue
    if (named.name === '' || named.name.includes('/')) continue
    tags.add(streamTagKey(named.namespace, named.name, named.tag))
  }
  return { digests, tags, invalid }
}
