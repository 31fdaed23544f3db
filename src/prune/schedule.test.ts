import { describe, expect, it } from 'vitest'
import { FakeClock } from '../controllers/runtime/fake-clock.js'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { parseCronSchedule } from './cron.js'
import { fixtureImage } from './prune-fixtures.js'
import { createPruneGate } from './prune-gate.js'
import { DEFAULT_PRUNE_OPTIONS } from './prune-options.js'
import type { PruneReport } from './report.js'
import { createImagePruneSchedule } from './schedule.js'

describe('createImagePruneSchedule', () => {
  it('prunes with --confirm at every scheduled time until stopped', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T23:30:00Z'))
    const store = new MemoryStore({ clock })
    await store.create('images', { ...fixtureImage('unused'), metadata: { name: 'sha256:unused' } })
    const reports: PruneReport[] = []
    const schedule = createImagePruneSchedule({
      schedule: parseCronSchedule('0 0 * * *'),
      deps: { store, clock, logger: noopLogger, settleMs: 0 },
      options: () => ({ ...DEFAULT_PRUNE_OPTIONS, keepYoungerThanMs: 0 }),
      onReport: (r) => reports.push(r),
    })
    const ac = new AbortController()
    const running = schedule.start(ac.signal)
    await clock.advance(29 * 60_000)
    expect(reports).toHaveLength(0)
    await clock.advance(60_000)
    await waitFor(() => reports.length === 1)
    expect(reports[0]).toMatchObject({ dryRun: false, images: ['sha256:unused'] })
    await clock.advance(24 * 3_600_000)
    await waitFor(() => reports.length === 2)
    ac.abort()
    await running
  })

  it('skips a run while another prune holds the gate', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T23:59:00Z'))
    const gate = createPruneGate()
    const reports: PruneReport[] = []
    let release = (): void => {}
    const busy = gate.run(() => new Promise<void>((r) => (release = r)))
    const schedule = createImagePruneSchedule({
      schedule: parseCronSchedule('@hourly'),
      deps: { store: new MemoryStore({ clock }), clock, logger: noopLogger, settleMs: 0 },
      options: () => DEFAULT_PRUNE_OPTIONS,
      gate,
      onReport: (r) => reports.push(r),
    })
    const ac = new AbortController()
    const running = schedule.start(ac.signal)
    await clock.advance(60_000)
    await new Promise((r) => setTimeout(r, 20))
    expect(reports).toHaveLength(0)
    release()
    await busy
    await clock.advance(3_600_000)
    await waitFor(() => reports.length === 1)
    ac.abort()
    await running
  })
})

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(cond()).toBe(true)
}
