import { validateImageStreamName } from '../api/image/v1/validation.js'
import { isDNS1123Label } from '../api/name-validation.js'
import { nameInvalid } from './errors.js'

// The grammars of the distribution spec, applied to the raw (never percent-decoded, never path-cleaned)
// request path: a name with `..`, `%2e%2e`, `//` or `%2f` simply does not match (registry-protocol §5.6).
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests

/** The repository name grammar of the spec. */
export const NAME_GRAMMAR =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
/** The tag grammar of the spec. */
export const TAG_GRAMMAR = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/
/** Most characters of a repository name (distribution's `RepositoryNameTotalLengthMax`). */
export const NAME_MAX_LENGTH = 255

/** A repository of this registry: `<namespace>/<image stream>`. */
export type RepositoryName = {
  readonly namespace: string
  readonly stream: string
  /** `<namespace>/<stream>` */
  readonly name: string
}

/** Reports whether s is a tag. */
export function isTag(s: string): boolean {
  return TAG_GRAMMAR.test(s)
}

/**
 * Parses a repository name as it appears in a request path. It must match the spec grammar and have exactly
 * two components, a namespace (DNS-1123 label) and an image stream name, as in OpenShift's integrated
 * registry. Throws OciError NAME_INVALID (400).
 */
export function parseRepositoryName(raw: string): RepositoryName {
  const shown = JSON.stringify(raw.slice(0, 300))
  if (raw.length > NAME_MAX_LENGTH || !NAME_GRAMMAR.test(raw)) {
    throw nameInvalid(`invalid repository name ${shown}`)
  }
  const parts = raw.split('/')
  const [namespace, stream] = parts
  if (parts.length !== 2 || namespace === undefined || stream === undefined) {
    throw nameInvalid(`invalid repository name ${shown}: must be <namespace>/<imagestream>`)
  }
  const nsProblems = isDNS1123Label(namespace)
  if (nsProblems.length > 0) {
    throw nameInvalid(`invalid namespace ${JSON.stringify(namespace)}: ${nsProblems.join(', ')}`)
  }
  const streamProblems = validateImageStreamName(stream, false)
  if (streamProblems.length > 0) {
    throw nameInvalid(
      `invalid image stream name ${JSON.stringify(stream)}: ${streamProblems.join(', ')}`
    )
  }
  return { namespace, stream, name: raw }
}

/**
 * Reports whether a raw request path has a dot segment (`.` or `..`, also percent-encoded) or an encoded
 * slash or backslash. URL parsers remove dot segments silently, so this must look at the path as received.
 */
export function hasUnsafePathSegment(rawPath: string): boolean {
  const path = rawPath.split('?')[0] ?? ''
  if (/%2f|%5c|\\/i.test(path)) return true
  return path.split('/').some((seg) => /^(?:\.|%2e){1,2}$/i.test(seg))
}
