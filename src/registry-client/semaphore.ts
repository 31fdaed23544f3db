/** A counting semaphore with FIFO waiters; waiting can be aborted. */
export class Semaphore {
  #free: number
  readonly #waiters: { resolve: () => void; reject: (reason: unknown) => void }[] = []

  constructor(permits: number) {
    this.#free = Math.max(1, Math.floor(permits))
  }

  /** Takes a permit, waiting while none is free; rejects with the signal's reason when it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.#free > 0) {
      this.#free--
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        reject,
      }
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter)
        if (i >= 0) this.#waiters.splice(i, 1)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  /** Returns a permit, handing it straight to the oldest waiter if there is one. */
  release(): void {
    const next = this.#waiters.shift()
    if (next !== undefined) next.resolve()
    else this.#free++
  }
}
