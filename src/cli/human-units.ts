// The duration and size renderings oc and kubectl print, so ages and sizes read exactly as theirs do.

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'] as const

/** docker/go-units `HumanSize`: decimal units, four significant digits (`%.4g`), e.g. `2.735MB`, `512B`. */
export function humanSize(bytes: number): string {
  let size = bytes
  let i = 0
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000
    i++
  }
  // %.4g never uses an exponent here (size < 1000) and drops trailing zeros.
  return `${Number(size.toPrecision(4))}${DECIMAL_UNITS[i]}`
}

/** Milliseconds from an RFC 3339 time to now; undefined for a missing or unparsable time. */
export function ageMs(time: string | null | undefined, now: number): number | undefined {
  if (time === null || time === undefined || time === '') return undefined
  const t = Date.parse(time)
  return Number.isNaN(t) ? undefined : now - t
}
