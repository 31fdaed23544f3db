import { OciError, OciErrorCode } from './errors.js'

/** Most entries of one tags/list or _catalog page; larger `n` is clamped (with a `Link` to the rest). */
export const MAX_PAGE_SIZE = 1000

/** One page of a sorted list of names. */
export type Page = {
  readonly items: readonly string[]
  /** The `Link` header for the next page, when there is one. */
  readonly link?: string
}

/**
 * Pages a sorted list the way the spec describes tags/list (registry-protocol §1.7): entries strictly after
 * `last`; at most `n` (clamped to MAX_PAGE_SIZE; `n=0` gives an empty page and no Link); a
 * `Link: <path?n=…&last=…>; rel="next"` when more follow. A malformed `n` is 400 PAGINATION_NUMBER_INVALID.
 */
export function paginate(
  sorted: readonly string[],
  o: { readonly n: string | undefined; readonly last: string | undefined; readonly path: string }
): Page {
  let n = MAX_PAGE_SIZE
  if (o.n !== undefined) {
    if (!/^\d{1,9}$/.test(o.n)) {
      throw new OciError({
        status: 400,
        code: OciErrorCode.PaginationNumberInvalid,
        message: `invalid number of results requested: ${JSON.stringify(o.n.slice(0, 20))}`,
      })
    }
    n = Math.min(Number(o.n), MAX_PAGE_SIZE)
  }
  const last = o.last
  const rest = last === undefined ? sorted : sorted.filter((s) => s > last)
  if (n === 0) return { items: [] }
  const items = rest.slice(0, n)
  const tail = items[items.length - 1]
  if (rest.length <= n || tail === undefined) return { items }
  const query = new URLSearchParams({ n: String(n), last: tail })
  return { items, link: `<${o.path}?${query.toString()}>; rel="next"` }
}

/** Compares strings by UTF-16 code units (Go's sort.Strings order for ASCII names and tags). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
