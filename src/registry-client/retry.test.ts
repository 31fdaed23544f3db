import { describe, expect, it } from 'vitest'
import type { Clock } from '../shared/clock.js'
import { RegistryError } from './errors.js'
import { DEFAULT_RETRY, retryDelayMs, withRetry } from './retry.js'
import { parseRetryAfter } from './retry-after.js'

const now = Date.parse('2026-01-01T00:00:00Z')

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
  ])('%s → %s ms', (v, ms) => {
    expect(parseRetryAfter(v, now)).toBe(ms)
  })

  it.each([undefined, '', '-5', '1.5', 'soon', 'Wed, 31 Dec 2025 23:59:00 GMT'])(
    'ignores %s',
    (v) => {
      expect(parseRetryAfter(v, now)).toBeUndefined()
    }
  )
})

describe('retryDelayMs', () => {
  it('uses full jitter under an exponential ceiling', () => {
    const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 }
    expect(retryDelayMs(p, 0, undefined, () => 0.999)).toBeCloseTo(99.9)
    expect(retryDelayMs(p, 3, undefined, () => 0.5)).toBe(400)
    expect(retryDelayMs(p, 10, undefined, () => 0.5)).toBe(500)
  })

  it('honours Retry-After up to the cap', () => {
    const p = { ...DEFAULT_RETRY, maxRetryAfterMs: 2000 }
    expect(retryDelayMs(p, 0, 1500, Math.random)).toBe(1500)
    expect(retryDelayMs(p, 0, 90_000, Math.random)).toBe(2000)
  })
})

describe('withRetry', () => {
  const sleeps: number[] = []
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
  }
  const temporary = new RegistryError({
    code: 'UNAVAILABLE',
    message: 'x',
    status: 503,
    temporary: true,
  })
  const permanent = new RegistryError({ code: 'DENIED', message: 'x', status: 403 })

  it('retries temporary errors until success', async () => {
    let n = 0
    const out = await withRetry(
      { policy: DEFAULT_RETRY, clock, signal: new AbortController().signal, idempotent: true },
      async () => {
        n++
        if (n < 3) throw temporary
        return 'ok'
      }
    )
    expect([out, n]).toEqual(['ok', 3])
  })

  it('gives up after the attempts', async () => {
    let n = 0
    await expect(
      withRetry(
        {
          policy: { ...DEFAULT_RETRY, attempts: 2 },
          clock,
          signal: new AbortController().signal,
          idempotent: true,
        },
        async () => {
          n++
          throw temporary
        }
      )
    ).rejects.toBe(temporary)
    expect(n).toBe(2)
  })

  it('never retries permanent errors or non-idempotent requests', async () => {
    let n = 0
    const signal = new AbortController().signal
    await expect(
      withRetry({ policy: DEFAULT_RETRY, clock, signal, idempotent: true }, async () => {
        n++
        throw permanent
      })
    ).rejects.toBe(permanent)
    await expect(
      withRetry({ policy: DEFAULT_RETRY, clock, signal, idempotent: false }, async () => {
        n++
        throw temporary
      })
    ).rejects.toBe(temporary)
    expect(n).toBe(2)
  })
})
