import { describe, expect, it } from 'vitest'
import { BucketSchedule, bucketCountFor } from './bucket-schedule.js'

const MIN = 60_000

describe('BucketSchedule', () => {
  it.each([
    [5 * MIN, 2],
    [15 * MIN, 4],
    [60 * MIN, 4],
    [2 * 60 * MIN, 8],
  ])('uses OpenShift bucket counts: %i ms → %i', (interval, buckets) => {
    expect(bucketCountFor(interval)).toBe(buckets)
  })

  it('visits each bucket once per interval at its phase', () => {
    const s = new BucketSchedule({ intervalMs: 15 * MIN })
    expect(s.buckets).toBe(4)
    expect([0, 1, 2, 3].map((b) => s.offsetOf(b))).toEqual([0, 225_000, 450_000, 675_000])
    expect(s.bucketAt(900_000 + 300_000)).toBe(1)
    expect(s.slotStartAt(900_000 + 300_000)).toBe(900_000 + 225_000)
    expect(s.nextVisit(2, 900_000 + 300_000)).toBe(900_000 + 450_000)
    expect(s.nextVisit(2, 900_000 + 450_000)).toBe(1_800_000 + 450_000)
    expect(s.nextSlotStartAfter(900_000 + 300_000)).toBe(900_000 + 450_000)
    expect(s.bucketWithOffset(675_000)).toBe(3)
    expect(s.bucketWithOffset(1)).toBeUndefined()
  })

  it('keeps slot arithmetic exact when the interval does not divide evenly', () => {
    const s = new BucketSchedule({ intervalMs: 1000, buckets: 3 })
    for (let t = 0; t < 3000; t += 7) {
      const b = s.bucketAt(t)
      expect(s.slotStartAt(t)).toBeLessThanOrEqual(t)
      expect(s.bucketAt(s.slotStartAt(t))).toBe(b)
      expect(s.bucketAt(s.nextSlotStartAfter(t))).toBe((b + 1) % 3)
    }
  })

  it('puts new streams into the least-filled bucket, ties to the one visited last', () => {
    const s = new BucketSchedule({ intervalMs: 15 * MIN })
    const now = 300_000 // in bucket 1's slot: bucket 1 is visited last from now
    expect(s.place('a', now)).toBe(1)
    expect(s.place('b', now)).toBe(0)
    expect(s.place('c', now)).toBe(3)
    expect(s.place('d', now)).toBe(2)
    expect(s.place('e', now)).toBe(1)
    expect(s.counts()).toEqual([1, 2, 1, 1])
    expect(s.size).toBe(5)
  })

  it('moves a stream to the back of the schedule', () => {
    const s = new BucketSchedule({ intervalMs: 15 * MIN })
    s.set('a', 3)
    expect(s.moveToBack('a', 500_000)).toBe(2)
    expect(s.bucketOf('a')).toBe(2)
    expect(s.members(3)).toEqual([])
    s.remove('a')
    expect(s.bucketOf('a')).toBeUndefined()
  })
})
