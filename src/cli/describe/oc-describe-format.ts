import type { ObjectMeta } from '../../api/meta.js'
import { longHumanDuration as humanDuration } from '../../shared/human-duration.js'
import { ageMs } from '../human-units.js'

// The field helpers of oc's describers (oc pkg/helpers/describe/helpers.go): they write tab-separated
// `Label:\tvalue` lines that the caller aligns with the oc tabwriter settings (OC_DESCRIBE_TABS).

/** What oc prints for an empty value. */
export const NONE = '<none>'

/** A text buffer of tab-separated describe lines. */
export type DescribeBuffer = { text: string }

/** toString: the value, or `<none>` when empty. */
export function orNone(v: string | number | boolean | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v)
  return s === '' ? NONE : s
}

/** formatString: `Label:` then each line of the value after a tab (continuation lines start with a tab). */
export function formatString(
  out: DescribeBuffer,
  label: string,
  v: string | number | boolean | null | undefined
): void {
  out.text += `${label}:`
  for (const line of orNone(v).split('\n')) out.text += `\t${line}\n`
}

/** formatTime: `Label:\t<human duration> ago`. */
export function formatTime(out: DescribeBuffer, label: string, time: string, now: number): void {
  out.text += `${label}:\t${relativeTime(time, now)} ago\n`
}

/** The age of an RFC 3339 time as docker/go-units renders it (`2 minutes`), `<none>` when unparsable. */
export function relativeTime(time: string | null | undefined, now: number): string {
  const ms = ageMs(time, now)
  return ms === undefined ? NONE : humanDuration(ms)
}

/** formatMapStringString: sorted `k=v` pairs, one per line, `<none>` when empty. */
export function formatMapStringString(
  out: DescribeBuffer,
  label: string,
  items: Readonly<Record<string, string>> | null | undefined
): void {
  const keys = Object.keys(items ?? {}).sort()
  if (keys.length === 0) {
    formatString(out, label, '')
    return
  }
  keys.forEach((key, i) => {
    const pair = `${key}=${items?.[key] ?? ''}`
    if (i === 0) formatString(out, label, pair)
    else out.text += `\t${pair}\n`
  })
}

/** formatAnnotations: a `description` annotation becomes `Description:`; the rest `Annotations:`. */
export function formatAnnotations(out: DescribeBuffer, meta: ObjectMeta, prefix: string): void {
  const { description, ...remaining } = meta.annotations ?? {}
  if (description !== undefined && description !== '') {
    formatString(out, `${prefix}Description`, description)
  }
  formatMapStringString(out, `${prefix}Annotations`, remaining)
}

/** formatMeta: Name, Namespace (when set), Created (when set), Labels and annotations. */
export function formatMeta(out: DescribeBuffer, meta: ObjectMeta, now: number): void {
  formatString(out, 'Name', meta.name ?? '')
  if ((meta.namespace ?? '') !== '') formatString(out, 'Namespace', meta.namespace ?? '')
  if ((meta.creationTimestamp ?? '') !== '') {
    formatTime(out, 'Created', meta.creationTimestamp ?? '', now)
  }
  formatMapStringString(out, 'Labels', meta.labels)
  formatAnnotations(out, meta, '')
}
