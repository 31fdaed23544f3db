import { AppError, Reason } from '../shared/errors.js'
import type { TagSource } from './tag-source.js'

/** A pattern for semantic-version tags such as `1.2.3` or `v1.25.3`: a common immutable-tag setting. */
export const SEMVER_TAG_PATTERN = '^v?\\d+\\.\\d+\\.\\d+$'

/** Decides whether the source of a scheduled tag never changes once imported. */
export type ImmutableTagMatcher = (source: TagSource) => boolean

/**
 * Builds the matcher of the `immutableTagPatterns` setting: a source is immutable when it is a digest
 * reference (a digest never changes, as OpenShift also knows) or when its source tag — the tag in
 * `from.name`, not the stream's tag name — matches one of the patterns (JavaScript regular
 * expressions, unanchored unless they anchor themselves). Throws AppError(Invalid) for a pattern that
 * does not compile.
 */
export function immutableTagMatcher(patterns: readonly string[] = []): ImmutableTagMatcher {
  const compiled = patterns.map((p) => {
    try {
      return new RegExp(p)
    } catch (err) {
      throw new AppError(Reason.Invalid, `invalid immutable tag pattern ${JSON.stringify(p)}`, {
        cause: err,
      })
    }
  })
  return (source) =>
    source.digest !== '' || (source.tag !== '' && compiled.some((re) => re.test(source.tag)))
}
