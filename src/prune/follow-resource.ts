import type { StorableObject, Store } from '../store/store.js'

/** A running follower; stop() ends it and resolves once its loop has ended. */
export type Follower = {
  /** False once the watch failed or ended early: callers must not rely on having seen every write. */
  readonly complete: () => boolean
  stop(): Promise<void>
}

/**
 * Follows the writes of a resource strictly after resourceVersion and hands every created or updated
 * object to onObject (deletions are ignored), until stopped or the signal aborts. Watches may end early
 * or fail when history is gone (StoreExpiredError); the follower then stops and `complete()` turns
 * false, so that callers fall back to a fresh listing.
 */
export function followResource<T extends StorableObject>(
  store: Store,
  o: {
    readonly resource: string
    readonly resourceVersion: string
    readonly onObject: (obj: T) => void
    readonly signal: AbortSignal
  }
): Follower {
  const ac = new AbortController()
  const onAbort = (): void => ac.abort(o.signal.reason)
  if (o.signal.aborted) onAbort()
  else o.signal.addEventListener('abort', onAbort, { once: true })
  let complete = true
  const loop = (async () => {
    try {
      for await (const ev of store.watch<T>({
        resource: o.resource,
        resourceVersion: o.resourceVersion,
        signal: ac.signal,
      })) {
        if (ev.type !== 'DELETED') o.onObject(ev.object)
      }
    } catch {
      // Expired history or a closed store: the caller's fresh listing covers what was missed.
      complete = false
      return
    }
    // Ending before stop() was asked for means writes after the end were not seen.
    if (!ac.signal.aborted) complete = false
  })()
  return {
    complete: () => complete,
    stop: async () => {
      ac.abort()
      o.signal.removeEventListener('abort', onAbort)
      await loop
    },
  }
}
