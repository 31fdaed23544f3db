// library-go imageutil.PrioritizeTags, with the strict semantic-version grammar of blang/semver v3.

/** A parsed semantic version (https://semver.org/spec/v2.0.0.html); build metadata is ignored. */
type SemVer = {
  readonly major: bigint
  readonly minor: bigint
  readonly patch: bigint
  readonly pre: readonly (bigint | string)[]
}

const NUMERIC = /^(?:0|[1-9][0-9]*)$/
const IDENTIFIER = /^[0-9A-Za-z-]+$/

/** Parses `MAJOR.MINOR.PATCH[-pre][+build]` strictly (no leading zeros, no 'v'); undefined if invalid. */
export function parseSemVer(s: string): SemVer | undefined {
  let rest = s
  const plus = rest.indexOf('+')
  if (plus >= 0) {
    const build = rest.slice(plus + 1).split('.')
    if (build.some((b) => !IDENTIFIER.test(b))) return undefined
    rest = rest.slice(0, plus)
  }
  let pre: (bigint | string)[] = []
  const dash = rest.indexOf('-')
  if (dash >= 0) {
    const ids = rest.slice(dash + 1).split('.')
    for (const id of ids) {
      if (!IDENTIFIER.test(id)) return undefined
      if (/^[0-9]+$/.test(id)) {
        if (!NUMERIC.test(id)) return undefined
        pre = [...pre, BigInt(id)]
      } else pre = [...pre, id]
    }
    rest = rest.slice(0, dash)
  }
  const parts = rest.split('.')
  if (parts.length !== 3 || !parts.every((p) => NUMERIC.test(p))) return undefined
  const [major = '0', minor = '0', patch = '0'] = parts
  return { major: BigInt(major), minor: BigInt(minor), patch: BigInt(patch), pre }
}

/** Compares two versions by semver precedence: negative, zero or positive. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1
  }
  // A version without pre-release identifiers ranks above one with them.
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i] as bigint | string
    const y = b.pre[i] as bigint | string
    if (x === y) continue
    if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : 1
    // Numeric identifiers rank below alphanumeric ones.
    if (typeof x === 'bigint') return -1
    if (typeof y === 'bigint') return 1
    return x < y ? -1 : 1
  }
  return a.pre.length - b.pre.length
}

const Priority = { Latest: 0, Minor: 1, Full: 2, Other: 3 } as const
type Priority = (typeof Priority)[keyof typeof Priority]

type PrioritizedTag = {
  readonly tag: string
  readonly priority: Priority
  readonly version?: SemVer
  readonly prefix: string
}

const MINOR = /^\d+\.\d+$/
const MINOR_WITH_SUFFIX = /^(\d+\.\d+)-\w+$/

function prioritize(tag: string): PrioritizedTag {
  if (tag === 'latest') return { tag, priority: Priority.Latest, prefix: '' }
  const prefix = tag.startsWith('v') ? 'v' : ''
  const short = tag.slice(prefix.length)
  const full = parseSemVer(short)
  if (full !== undefined) return { tag, priority: Priority.Full, version: full, prefix }
  if (MINOR.test(short)) {
    const v = parseSemVer(`${short}.0`)
    if (v !== undefined) return { tag, priority: Priority.Minor, version: v, prefix }
  }
  const m = MINOR_WITH_SUFFIX.exec(short)
  if (m !== null) {
    const base = m[1] ?? ''
    const v = parseSemVer(short.replace(base, `${base}.0`))
    if (v !== undefined) return { tag, priority: Priority.Minor, version: v, prefix }
  }
  return { tag, priority: Priority.Other, prefix }
}

function less(a: PrioritizedTag, b: PrioritizedTag): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority
  if (a.priority === Priority.Other) return a.tag < b.tag
  const cmp =
    a.version !== undefined && b.version !== undefined ? compareSemVer(a.version, b.version) : 0
  // The newer version comes first; for equal versions the tag without 'v' first.
  if (cmp > 0) return true
  return cmp === 0 && a.prefix < b.prefix
}

/**
 * Orders tags as OpenShift does before a repository import (library-go `PrioritizeTags`): `latest` first;
 * then minor versions (`5.1`, `v5.1`, `v5.1-rc1`) newest first; then full semantic versions (`5.1.3`,
 * `v5.1.3-other`) newest first; then everything else in lexicographic order. Returns a new array.
 */
export function prioritizeTags(tags: readonly string[]): string[] {
  return tags
    .map(prioritize)
    .sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0))
    .map((t) => t.tag)
}
