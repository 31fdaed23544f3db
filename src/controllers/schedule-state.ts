/**
 * The annotation on an image stream that shows its scheduled re-import (written by the scheduled
 * import controller, read by `isctl describe`). Its value is JSON:
 *
 * ```json
 * {"intervalMs":900000,"offsetMs":225000,"tags":{
 *   "latest":{"lastChecked":"2026-07-01T10:03:45.000Z","nextCheck":"2026-07-01T10:18:45.000Z"},
 *   "broken":{"lastChecked":"…","nextCheck":"…","failures":3,"reason":"NotFound"},
 *   "busy":{"lastChecked":"…","nextCheck":"…","reason":"TooManyRequests","waiting":true},
 *   "v1.2.3":{"lastChecked":"…","immutable":true}}}
 * ```
 *
 * - `intervalMs`, `offsetMs`: the stream is visited whenever `unix-ms mod intervalMs = offsetMs`.
 * - per scheduled tag: `lastChecked` and `nextCheck` (RFC 3339, UTC); `failures` (consecutive failed
 *   checks; the next check is then 2^failures intervals after the last one, capped) with the `reason`
 *   of the last failure; `waiting` when the tag waits for its registry (429 / Retry-After) until
 *   `nextCheck`; `immutable` when the tag is never checked again (digest references and tags
 *   matching the immutable-tag patterns, once imported).
 *
 * To cost no write when nothing changed, the annotation is rewritten only when something other than
 * the passing of time changes — the stream's slot, the set of scheduled tags, a tag's failures,
 * reason, waiting or immutable state, or LAST_SEEN_DIGESTS_ANNOTATION — at most once per visit, and
 * never just because an import moved a tag (the import wrote the stream and its history already). A
 * tag without failures, reason or waiting whose `nextCheck` lies in the past has been checked at every
 * interval since (an import in between shows in its history): its real times are given by
 * `effectiveTagTimes`.
 */
export const SCHEDULE_ANNOTATION = 'imagestreams.io/schedule'

/**
 * The annotation recording, per scheduled tag, the source manifest digest last seen when it differs
 * from the image in the tag's status — i.e. for Legacy imports of a manifest list, where the status
 * holds the chosen child and a HEAD of the tag returns the list's digest. JSON: `{"tag":"sha256:…"}`.
 * Written only when it changes (in the same write as SCHEDULE_ANNOTATION); absent when empty.
 */
export const LAST_SEEN_DIGESTS_ANNOTATION = 'imagestreams.io/last-seen-digests'

/** One tag of SCHEDULE_ANNOTATION. */
export type TagScheduleRecord = {
  readonly lastChecked?: string
  readonly nextCheck?: string
  readonly failures?: number
  readonly reason?: string
  readonly waiting?: boolean
  readonly immutable?: boolean
}

/** The value of SCHEDULE_ANNOTATION. */
export type ScheduleRecord = {
  readonly intervalMs: number
  readonly offsetMs: number
  readonly tags: Readonly<Record<string, TagScheduleRecord>>
}

/** The in-memory state of one scheduled tag. */
export type TagState = {
  /** Epoch ms of the last check, if any. */
  lastChecked?: number
  /** Epoch ms of the next check (unused when immutable). */
  nextCheck: number
  /** Consecutive failed checks. */
  failures: number
  /** Reason of the last failure, or TooManyRequests while waiting. */
  reason?: string
  /** Waiting for the registry (rate limited) until nextCheck. */
  waiting: boolean
  /** Never checked again. */
  immutable: boolean
}

/** Parses SCHEDULE_ANNOTATION; undefined when absent or not the expected shape. */
export function parseScheduleRecord(value: string | undefined | null): ScheduleRecord | undefined {
  if (value === undefined || value === null || value === '') return undefined
  let doc: unknown
  try {
    doc = JSON.parse(value)
  } catch {
    // Someone else's or a damaged value: treated as absent and rewritten.
    return undefined
  }
  if (typeof doc !== 'object' || doc === null) return undefined
  const { intervalMs, offsetMs, tags } = doc as Record<string, unknown>
  if (typeof intervalMs !== 'number' || typeof offsetMs !== 'number') return undefined
  if (typeof tags !== 'object' || tags === null) return undefined
  const out: Record<string, TagScheduleRecord> = {}
  for (const [tag, raw] of Object.entries(tags)) {
    if (typeof raw !== 'object' || raw === null) continue
    const r = raw as Record<string, unknown>
    out[tag] = {
      ...(typeof r.lastChecked === 'string' ? { lastChecked: r.lastChecked } : {}),
      ...(typeof r.nextCheck === 'string' ? { nextCheck: r.nextCheck } : {}),
      ...(typeof r.failures === 'number' && r.failures > 0 ? { failures: r.failures } : {}),
      ...(typeof r.reason === 'string' && r.reason !== '' ? { reason: r.reason } : {}),
      ...(r.waiting === true ? { waiting: true } : {}),
      ...(r.immutable === true ? { immutable: true } : {}),
    }
  }
  return { intervalMs, offsetMs, tags: out }
}

/** Renders SCHEDULE_ANNOTATION with tags in name order (stable text for stable state). */
export function formatScheduleRecord(r: ScheduleRecord): string {
  const tags: Record<string, TagScheduleRecord> = {}
  for (const name of Object.keys(r.tags).sort()) tags[name] = r.tags[name] as TagScheduleRecord
  return JSON.stringify({ intervalMs: r.intervalMs, offsetMs: r.offsetMs, tags })
}

/** Builds the record of a stream from its slot and tag states. */
export function scheduleRecordOf(
  intervalMs: number,
  offsetMs: number,
  tags: ReadonlyMap<string, TagState>
): ScheduleRecord {
  const out: Record<string, TagScheduleRecord> = {}
  for (const [name, s] of tags) {
    out[name] = s.immutable
      ? {
          ...(s.lastChecked === undefined ? {} : { lastChecked: isoTime(s.lastChecked) }),
          immutable: true,
        }
      : {
          ...(s.lastChecked === undefined ? {} : { lastChecked: isoTime(s.lastChecked) }),
          nextCheck: isoTime(s.nextCheck),
          ...(s.failures > 0 ? { failures: s.failures } : {}),
          ...(s.reason === undefined ? {} : { reason: s.reason }),
          ...(s.waiting ? { waiting: true } : {}),
        }
  }
  return { intervalMs, offsetMs, tags: out }
}

/**
 * The part of a record whose change is worth a write: everything but the times of tags that are
 * simply on schedule (no failures, no reason, not waiting). Times of backed-off and waiting tags are
 * kept (they cannot be derived); those of immutable tags are not (they never change meaning).
 */
export function materialKey(r: ScheduleRecord | undefined): string {
  if (r === undefined) return ''
  const tags = Object.keys(r.tags)
    .sort()
    .map((name) => {
      const t = r.tags[name] as TagScheduleRecord
      const regular = (t.failures ?? 0) === 0 && t.reason === undefined && t.waiting !== true
      return [
        name,
        t.immutable === true,
        t.failures ?? 0,
        t.reason ?? '',
        t.waiting === true,
        regular || t.immutable === true ? '' : (t.nextCheck ?? ''),
      ]
    })
  return JSON.stringify([r.intervalMs, r.offsetMs, tags])
}

/** Restores a tag's state from its record; undefined when the record has nothing usable. */
export function tagStateFromRecord(r: TagScheduleRecord | undefined): TagState | undefined {
  if (r === undefined) return undefined
  const last = parseTime(r.lastChecked)
  const next = parseTime(r.nextCheck)
  if (r.immutable === true) {
    return {
      ...(last === undefined ? {} : { lastChecked: last }),
      nextCheck: Number.POSITIVE_INFINITY,
      failures: 0,
      waiting: false,
      immutable: true,
    }
  }
  if (next === undefined) return undefined
  return {
    ...(last === undefined ? {} : { lastChecked: last }),
    nextCheck: next,
    failures: r.failures ?? 0,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    waiting: r.waiting === true,
    immutable: false,
  }
}

/** Parses LAST_SEEN_DIGESTS_ANNOTATION (absent or damaged: empty). */
export function parseLastSeenDigests(value: string | undefined | null): Record<string, string> {
  if (value === undefined || value === null || value === '') return {}
  try {
    const doc = JSON.parse(value) as unknown
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return {}
    return Object.fromEntries(
      Object.entries(doc).filter((e): e is [string, string] => typeof e[1] === 'string')
    )
  } catch {
    // Damaged: the digests are re-learned at the next check (costing one manifest GET per tag).
    return {}
  }
}

/** Renders LAST_SEEN_DIGESTS_ANNOTATION, or undefined when there is nothing to record. */
export function formatLastSeenDigests(
  digests: Readonly<Record<string, string>>
): string | undefined {
  const names = Object.keys(digests).sort()
  if (names.length === 0) return undefined
  return JSON.stringify(Object.fromEntries(names.map((n) => [n, digests[n]])))
}

/**
 * The real last and next check of a scheduled tag as of now, from its record: a tag that is on
 * schedule (no failures, reason or waiting) and whose recorded nextCheck has passed was checked at
 * every interval since, so its times move forward by whole intervals. Other tags are returned as
 * recorded. For display (`isctl describe`).
 */
export function effectiveTagTimes(
  record: ScheduleRecord,
  tag: string,
  now: number
): { lastChecked?: number; nextCheck?: number } {
  const t = record.tags[tag]
  if (t === undefined) return {}
  const last = parseTime(t.lastChecked)
  const next = parseTime(t.nextCheck)
  const regular = (t.failures ?? 0) === 0 && t.reason === undefined && t.waiting !== true
  if (t.immutable === true || next === undefined || !regular || next > now) {
    return {
      ...(last === undefined ? {} : { lastChecked: last }),
      ...(next === undefined || t.immutable === true ? {} : { nextCheck: next }),
    }
  }
  const periods = Math.floor((now - next) / record.intervalMs) + 1
  const moved = next + periods * record.intervalMs
  return { lastChecked: moved - record.intervalMs, nextCheck: moved }
}

/** Epoch ms as RFC 3339 UTC with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}

function parseTime(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  const t = Date.parse(s)
  return Number.isNaN(t) ? undefined : t
}
