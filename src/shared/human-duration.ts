// Durations for people, in the two styles kubectl and oc print.

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * Formats a duration as Kubernetes' duration.HumanDuration does for the AGE column: about two or three
 * significant figures (`45s`, `3m20s`, `15m`, `5h10m`, `3d4h`, `400d`, `3y20d`); `<invalid>` for
 * durations below -1 s.
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
    const days = Math.trunc(hours / 24) % 365
    const years = Math.trunc(hours / 24 / 365)
    return days === 0 ? `${years}y` : `${years}y${days}d`
  }
  return `${Math.trunc(hours / 24 / 365)}y`
}

/**
 * Formats a duration as docker/go-units HumanDuration does, which `oc` uses for UPDATED
 * (`Less than a second`, `About a minute`, `5 minutes`, `About an hour`, `3 hours`, `4 days`).
 */
export function longHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.trunc(ms / MINUTE)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.trunc(ms / HOUR + 0.5)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`
  return `${Math.trunc(ms / HOUR / 24 / 365)} years`
}

/** The AGE of an object created at an RFC 3339 time, or `<unknown>` without one (kubectl's wording). */
export function ageSince(timestamp: string | null | undefined, nowMs: number): string {
  if (timestamp === null || timestamp === undefined || timestamp === '') return '<unknown>'
  const t = Date.parse(timestamp)
  if (Number.isNaN(t)) return '<unknown>'
  return shortHumanDuration(nowMs - t)
}

/** `<long duration> ago` since an RFC 3339 time (oc's UPDATED column), or '' without a usable time. */
export function agoSince(timestamp: string | null | undefined, nowMs: number): string {
  if (timestamp === null || timestamp === undefined || timestamp === '') return ''
  const t = Date.parse(timestamp)
  return Number.isNaN(t) ? '' : `${longHumanDuration(nowMs - t)} ago`
}
