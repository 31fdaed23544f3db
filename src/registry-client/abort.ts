/** A signal that aborts when any of its sources does; dispose() unhooks it from the sources. */
export type LinkedSignal = {
  readonly signal: AbortSignal
  /** Aborts the linked signal with a reason (e.g. a timeout marker). */
  abort(reason: unknown): void
  dispose(): void
}

/**
 * Links a new signal to sources. Unlike `AbortSignal.any`, the links are removed explicitly, so long-lived
 * sources (the client's close signal) don't collect listeners from finished requests.
 */
export function linkSignals(...sources: readonly (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController()
  const hooked: { s: AbortSignal; f: () => void }[] = []
  for (const s of sources) {
    if (s === undefined) continue
    if (s.aborted) {
      controller.abort(s.reason)
      break
    }
    const f = (): void => controller.abort(s.reason)
    s.addEventListener('abort', f, { once: true })
    hooked.push({ s, f })
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const { s, f } of hooked) s.removeEventListener('abort', f)
      hooked.length = 0
    },
  }
}

/** Waits for promise, but rejects with the signal's reason as soon as the signal aborts. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      }
    )
  })
}
