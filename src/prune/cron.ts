import { AppError, Reason } from '../shared/errors.js'

/** When a scheduled job runs next. */
export type CronSchedule = {
  /** The first run time strictly after `afterMs` (ms since the epoch). */
  next(afterMs: number): number
}

const MINUTE = 60_000
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

type Field = { readonly values: ReadonlySet<number>; readonly star: boolean }

/**
 * Parses a schedule as Kubernetes CronJobs (and so OpenShift's ImagePruner, default `0 0 * * *`) write
 * them: five fields `minute hour day-of-month month day-of-week` with `*`, `n`, `a-b`, `/step` and
 * lists, month and day names, day of week 0–7 (both 0 and 7 are Sunday), the macros `@hourly`,
 * `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`, and `@every <duration>`
 * (`30m`, `6h`, `1h30m`). Times are UTC. When both day fields are restricted a day matching either runs
 * (Vixie cron). Throws AppError Invalid for anything else.
 */
export function parseCronSchedule(spec: string): CronSchedule {
  const text = spec.trim()
  const every = /^@every\s+(\S+)$/.exec(text)
  if (every !== null) {
    const ms = parseGoDuration(every[1] ?? '')
    if (ms === undefined || ms < MINUTE)
      throw invalid(spec, '@every needs a duration of 1m or more')
    return { next: (after) => after + ms }
  }
  const fields = (MACROS[text] ?? text).split(/\s+/)
  if (fields.length !== 5) throw invalid(spec, 'expected 5 fields: minute hour day month weekday')
  const [mi = '', h = '', dom = '', mo = '', dow = ''] = fields
  const minutes = parseField(mi, 0, 59, [], spec)
  const hours = parseField(h, 0, 23, [], spec)
  const days = parseField(dom, 1, 31, [], spec)
  const months = parseField(mo, 1, 12, MONTHS, spec, 1)
  const weekdays = parseField(dow, 0, 7, DAYS, spec)
  const weekday = (d: number): boolean =>
    weekdays.values.has(d) || (d === 0 && weekdays.values.has(7))
  const dayMatches = (d: Date): boolean => {
    const byMonthDay = days.values.has(d.getUTCDate())
    const byWeekDay = weekday(d.getUTCDay())
    if (days.star || weekdays.star) return byMonthDay && byWeekDay
    return byMonthDay || byWeekDay
  }
  const schedule: CronSchedule = {
    next: (after) => {
      const d = new Date(Math.floor(after / MINUTE) * MINUTE + MINUTE)
      // Each step moves to the start of the next candidate month, day, hour or minute; four years of
      // days cover every satisfiable schedule (29 February included).
      for (let guard = 0; guard < 4 * 366 * 24 * 60; guard++) {
        if (!months.values.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1)
          d.setUTCHours(0, 0, 0, 0)
        } else if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1)
          d.setUTCHours(0, 0, 0, 0)
        } else if (!hours.values.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0)
        } else if (!minutes.values.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0)
        } else {
          return d.getTime()
        }
      }
      throw invalid(spec, 'the schedule never runs')
    },
  }
  // Refuse at parse time what never runs (`0 0 31 2 *`): a leap year falls within four years of 2000.
  schedule.next(Date.UTC(2000, 0, 1))
  return schedule
}

function parseField(
  text: string,
  min: number,
  max: number,
  names: readonly string[],
  spec: string,
  nameBase = 0
): Field {
  const values = new Set<number>()
  const value = (s: string): number => {
    const i = names.indexOf(s.toUpperCase())
    const n = i >= 0 ? i + nameBase : /^\d+$/.test(s) ? Number(s) : Number.NaN
    if (!(n >= min && n <= max)) throw invalid(spec, `${JSON.stringify(s)} is not in ${min}-${max}`)
    return n
  }
  for (const part of text.split(',')) {
    const m = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(part)
    if (m === null) throw invalid(spec, `malformed field ${JSON.stringify(part)}`)
    const range = m[1] ?? ''
    const step = m[2] === undefined ? 1 : Number(m[2])
    if (step < 1) throw invalid(spec, 'a step must be at least 1')
    let lo = min
    let hi = max
    if (range !== '*') {
      const [a = '', b] = range.split('-')
      lo = value(a)
      hi = b === undefined ? (m[2] === undefined ? lo : max) : value(b)
      if (hi < lo) throw invalid(spec, `range ${JSON.stringify(range)} ends before it starts`)
    }
    for (let v = lo; v <= hi; v += step) values.add(v)
  }
  return { values, star: text.startsWith('*') }
}

/** Parses a Go duration (`90s`, `15m`, `1h30m`, `500ms`) into ms; undefined when malformed. */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/y
  let total = 0
  let at = 0
  while (at < s.length) {
    re.lastIndex = at
    const m = re.exec(s)
    if (m === null) return undefined
    total += Number(m[1]) * ({ ms: 1, s: 1000, m: MINUTE, h: 60 * MINUTE }[m[2] ?? ''] ?? 0)
    at = re.lastIndex
  }
  return s === '' ? undefined : total
}

function invalid(spec: string, why: string): AppError {
  return new AppError(Reason.Invalid, `invalid prune schedule ${JSON.stringify(spec)}: ${why}`)
}
