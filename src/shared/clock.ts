/** Clock abstracts time so that retry and scheduling code can be tested without waiting. */
export type Clock = {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Sleeps ms milliseconds; rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now(), sleep }
