/**
 * One token resource scope, e.g. `repository:team/app:pull,push`.
 * https://distribution.github.io/distribution/spec/auth/scope/
 */
export type ResourceScope = {
  readonly type: string
  readonly name: string
  readonly actions: readonly string[]
}

// resourcetype := resourcetypevalue [ '(' resourcetypevalue ')' ]; the class is deprecated and dropped.
const TYPE = /^([a-z0-9]+)(?:\([a-z0-9]+\))?$/
const ACTION = /^(?:[a-z]*|\*)$/

/**
 * Parses one resource scope. The name may contain a `:` (a registry host with port), so the type is split at
 * the first `:` and the actions at the last one. Returns undefined for a malformed scope.
 */
export function parseScope(s: string): ResourceScope | undefined {
  const first = s.indexOf(':')
  const last = s.lastIndexOf(':')
  if (first <= 0 || last === first) return undefined
  const type = TYPE.exec(s.slice(0, first))?.[1]
  const name = s.slice(first + 1, last)
  const actions = s.slice(last + 1).split(',')
  if (type === undefined || name === '' || /\s/.test(name)) return undefined
  if (!actions.every((a) => ACTION.test(a))) return undefined
  return { type, name, actions: normalizeActions(actions) }
}

/** Parses a space-separated scope list (the challenge `scope` parameter); malformed entries are skipped. */
export function parseScopes(s: string | undefined): ResourceScope[] {
  if (s === undefined) return []
  return s
    .split(/\s+/)
    .filter((x) => x !== '')
    .map(parseScope)
    .filter((x): x is ResourceScope => x !== undefined)
}

/** Formats a scope as `type:name:a,b`. */
export function formatScope(s: ResourceScope): string {
  return `${s.type}:${s.name}:${s.actions.join(',')}`
}

/** The scope for pulling from (or acting on) one repository. */
export function repositoryScope(
  name: string,
  actions: readonly string[] = ['pull']
): ResourceScope {
  return { type: 'repository', name, actions: normalizeActions(actions) }
}

/** Merges scope lists: one entry per (type, name) with the union of actions; sorted for stable cache keys. */
export function mergeScopes(...lists: readonly (readonly ResourceScope[])[]): ResourceScope[] {
  const byResource = new Map<string, { type: string; name: string; actions: Set<string> }>()
  for (const list of lists) {
    for (const s of list) {
      const key = `${s.type}:${s.name}`
      const entry = byResource.get(key) ?? {
        type: s.type,
        name: s.name,
        actions: new Set<string>(),
      }
      for (const a of s.actions) entry.actions.add(a)
      byResource.set(key, entry)
    }
  }
  return [...byResource.values()]
    .map((e) => ({ type: e.type, name: e.name, actions: normalizeActions([...e.actions]) }))
    .sort((a, b) => compare(formatScope(a), formatScope(b)))
}

/** Reports whether `have` grants every action of `need` (a `*` action grants all). */
export function scopesCover(
  have: readonly ResourceScope[],
  need: readonly ResourceScope[]
): boolean {
  return need.every((n) => {
    const h = have.find((x) => x.type === n.type && x.name === n.name)
    if (h === undefined) return false
    return h.actions.includes('*') || n.actions.every((a) => h.actions.includes(a))
  })
}

function normalizeActions(actions: readonly string[]): string[] {
  return [...new Set(actions.filter((a) => a !== ''))].sort(compare)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
