/**
 * The number of buckets OpenShift's scheduled-import controller uses for an interval
 * (openshift-controller-manager `Buckets()`): 8 above an hour, 2 below ten minutes, else 4.
 */
export function bucketCountFor(intervalMs: number): number {
  if (intervalMs > 60 * 60_000) return 8
  if (intervalMs < 10 * 60_000) return 2
  return 4
}

/** Options of BucketSchedule. */
export type BucketScheduleOptions = {
  /** The re-import interval; every stream is visited once per interval. */
  readonly intervalMs: number
  /** Default bucketCountFor(intervalMs). */
  readonly buckets?: number
}

/**
 * BucketSchedule spreads streams over an interval the way OpenShift's scheduled-import controller does
 * (openshift-behaviour.md §4): the interval is cut into B equal slots, each stream lives in one bucket,
 * and bucket b is visited at every time t with `t mod interval = b · interval/B` — so each stream once
 * per interval, and the visits of all streams spread over it. New streams go to the least-filled bucket,
 * ties broken towards the bucket visited last from now; a stream that was just imported by someone else
 * moves to the bucket visited last from now ("the back of the schedule").
 *
 * Slots are aligned to the Unix epoch, so a bucket is a stable phase: stored as an offset, it means the
 * same times after a restart.
 */
export class BucketSchedule {
  readonly intervalMs: number
  readonly buckets: number
  readonly slotMs: number
  readonly #members: Set<string>[]
  readonly #bucketOf = new Map<string, number>()

  constructor(o: BucketScheduleOptions) {
    if (!(o.intervalMs > 0)) throw new Error('the schedule interval must be positive')
    this.intervalMs = o.intervalMs
    this.buckets = Math.max(1, Math.floor(o.buckets ?? bucketCountFor(o.intervalMs)))
    this.slotMs = o.intervalMs / this.buckets
    this.#members = Array.from({ length: this.buckets }, () => new Set<string>())
  }

  /** The bucket whose slot contains time. */
  bucketAt(time: number): number {
    const phase = mod(time, this.intervalMs)
    let b = this.buckets - 1
    while (b > 0 && this.offsetOf(b) > phase) b--
    return b
  }

  /** The start of the slot containing time. */
  slotStartAt(time: number): number {
    return time - mod(time, this.intervalMs) + this.offsetOf(this.bucketAt(time))
  }

  /** The start of the next slot (of any bucket) strictly after time. */
  nextSlotStartAfter(time: number): number {
    let next = Number.POSITIVE_INFINITY
    for (let b = 0; b < this.buckets; b++) next = Math.min(next, this.nextVisit(b, time))
    return next
  }

  /** The phase of bucket b (whole milliseconds): its visits happen when `t mod interval` equals this. */
  offsetOf(bucket: number): number {
    return Math.ceil((bucket * this.intervalMs) / this.buckets)
  }

  /** The bucket with this phase, or undefined when no bucket has it. */
  bucketWithOffset(offsetMs: number): number | undefined {
    for (let b = 0; b < this.buckets; b++) if (this.offsetOf(b) === offsetMs) return b
    return undefined
  }

  /** The first visit of bucket strictly after time. */
  nextVisit(bucket: number, after: number): number {
    const offset = this.offsetOf(bucket)
    const base = after - mod(after, this.intervalMs) + offset
    return base > after ? base : base + this.intervalMs
  }

  /** Puts key into the least-filled bucket (ties: the one visited last from now); returns it. */
  place(key: string, now: number): number {
    this.remove(key)
    let best = 0
    let bestCount = Number.POSITIVE_INFINITY
    let bestDistance = Number.NEGATIVE_INFINITY
    for (let b = 0; b < this.buckets; b++) {
      const count = this.#members[b]?.size ?? 0
      const distance = this.nextVisit(b, now) - now
      if (count < bestCount || (count === bestCount && distance > bestDistance)) {
        best = b
        bestCount = count
        bestDistance = distance
      }
    }
    this.set(key, best)
    return best
  }

  /** Moves key to the bucket visited last from now (the back of the schedule); returns it. */
  moveToBack(key: string, now: number): number {
    let best = 0
    let bestDistance = Number.NEGATIVE_INFINITY
    for (let b = 0; b < this.buckets; b++) {
      const distance = this.nextVisit(b, now) - now
      if (distance > bestDistance) {
        best = b
        bestDistance = distance
      }
    }
    this.set(key, best)
    return best
  }

  /** Puts key into bucket (moving it when it is elsewhere). */
  set(key: string, bucket: number): void {
    if (!Number.isInteger(bucket) || bucket < 0 || bucket >= this.buckets) {
      throw new Error(`no bucket ${bucket}`)
    }
    this.remove(key)
    this.#members[bucket]?.add(key)
    this.#bucketOf.set(key, bucket)
  }

  /** Takes key out of the schedule. */
  remove(key: string): void {
    const b = this.#bucketOf.get(key)
    if (b === undefined) return
    this.#members[b]?.delete(key)
    this.#bucketOf.delete(key)
  }

  /** The bucket of key, if scheduled. */
  bucketOf(key: string): number | undefined {
    return this.#bucketOf.get(key)
  }

  /** The keys of a bucket (a copy). */
  members(bucket: number): string[] {
    return [...(this.#members[bucket] ?? [])]
  }

  /** How many keys each bucket holds. */
  counts(): number[] {
    return this.#members.map((m) => m.size)
  }

  /** Scheduled keys. */
  get size(): number {
    return this.#bucketOf.size
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n
}
