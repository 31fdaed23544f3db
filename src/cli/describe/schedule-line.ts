import type { ImageStream } from '../../api/image/v1/types.js'
import {
  effectiveTagTimes,
  parseScheduleRecord,
  SCHEDULE_ANNOTATION,
} from '../../controllers/schedule-state.js'
import { longHumanDuration } from '../../shared/human-duration.js'

/**
 * The line `isctl describe` prints under a scheduled tag, from the scheduled import controller's
 * annotation: when the tag was last checked and when it will be checked next (our addition to oc's
 * format), or undefined when the controller has not visited the stream yet.
 */
export function scheduleLine(stream: ImageStream, tag: string, now: number): string | undefined {
  const record = parseScheduleRecord(stream.metadata.annotations?.[SCHEDULE_ANNOTATION])
  const state = record?.tags[tag]
  if (record === undefined || state === undefined) return undefined
  if (state.immutable === true) return 'immutable tag: not checked again'
  const { lastChecked, nextCheck } = effectiveTagTimes(record, tag, now)
  const parts: string[] = []
  if (lastChecked !== undefined)
    parts.push(`last checked ${longHumanDuration(now - lastChecked)} ago`)
  if (nextCheck !== undefined) {
    parts.push(
      nextCheck <= now
        ? 'next check due now'
        : `next check in ${longHumanDuration(nextCheck - now)}`
    )
  }
  if ((state.failures ?? 0) > 0) {
    parts.push(
      `${state.failures} failed check(s)${state.reason === undefined ? '' : ` (${state.reason})`}`
    )
  }
  if (state.waiting === true) parts.push('waiting for the registry’s rate limit')
  return parts.length === 0 ? undefined : parts.join(', ')
}
