// The duration and size renderings oc and kubectl print, so ages and sizes read exactly as theirs do.

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * docker/go-units `HumanDuration`, used by oc describe ("2 minutes" + " ago"): `Less than a second`,
 * `1 second`, `N seconds`, `About a minute`, `N minutes`, `About an hour`, `N hours`, `N days`,
 * `N weeks`, `N months`, `N years`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.trunc(ms / MINUTE)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.round(ms / HOUR)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`
  return `${Math.trunc(Math.trunc(ms / HOUR) / 24 / 365)} years`
}

/**
 * apimachinery `duration.HumanDuration`, the AGE column of kubectl tables: `45s`, `3m20s`, `15m`, `5h10m`,
 * `20h`, `3d4h`, `120d`, `2y30d`, `10y`; `<invalid>` for times more than a second in the future.
 */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.trunc(ms / MINUTE)
  if (minutes < 10) {
    const s = seconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.trunc(ms / HOUR)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365
    const y = Math.trunc(hours / 24 / 365)
    return dy === 0 ? `${y}y` : `${y}y${dy}d`
  }
  return `${Math.trunc(hours / 24 / 365)}y`
}

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
