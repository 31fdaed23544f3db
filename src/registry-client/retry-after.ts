/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP-date) into milliseconds from now.
 * Returns undefined for a missing, malformed, negative or past value, so the caller falls back to its own
 * backoff (containers/image `parseRetryAfter` does the same).
 * https://www.rfc-editor.org/rfc/rfc9110#name-retry-after
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value) as string | undefined
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (text === '') return undefined
  if (/^\d+$/.test(text)) {
    const seconds = Number(text)
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined
  }
  // NB: Date.parse accepts more than IMF-fixdate; a sloppy date from a registry is still a useful hint.
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  const ms = at - now
  return ms > 0 ? ms : undefined
}
