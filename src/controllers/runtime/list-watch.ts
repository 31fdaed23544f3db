import type { Clock } from '../../shared/clock.js'
import type { Logger } from '../../shared/log.js'
import type { StorableObject, Store, WatchEvent } from '../../store/store.js'
import { isStoreExpiredError } from '../../store/store-errors.js'
import { errorText } from './controller.js'

/** Options of listAndWatch. */
export type ListWatchOptions<T extends StorableObject> = {
  readonly store: Store
  /** Plural resource, e.g. 'imagestreams'. */
  readonly resource: string
  /** Only this namespace; undefined watches all. */
  readonly namespace?: string
  readonly clock: Clock
  readonly logger: Logger
  /**
   * Called with the complete current state after every (re-)list, before any event after it. A
   * re-list replaces what the caller knew: objects missing from it were deleted meanwhile.
   */
  readonly onList: (items: readonly T[], resourceVersion: string) => void | Promise<void>
  /** Called with every change after the list, in revision order. */
  readonly onEvent: (event: WatchEvent<T>) => void | Promise<void>
  /** Page size of the list; default 500. */
  readonly pageSize?: number
  /** Wait after an unexpected store failure before listing again; default 1 s. */
  readonly retryDelayMs?: number
  readonly signal: AbortSignal
}

/**
 * Lists a resource and then watches it from the list's resourceVersion (the informer's list-watch,
 * without a cache), until the signal aborts:
 *  1. List every object (in pages, one snapshot) and hand the whole state to onList.
 *  2. Watch from that revision; hand each event to onEvent and remember its revision.
 *  3. A watch that ends early is resumed from the last revision seen; a watch or list that fails with
 *     410 Expired (the revision left the store's history) goes back to 1; any other failure is logged
 *     and retried after retryDelayMs, also from 1.
 * Resolves once the signal has aborted; a callback that throws is treated like a store failure.
 */
export async function listAndWatch<T extends StorableObject>(
  o: ListWatchOptions<T>
): Promise<void> {
  const { signal } = o
  const retryDelay = o.retryDelayMs ?? 1000
  while (!signal.aborted) {
    try {
      let rv = await listAll(o)
      while (!signal.aborted) {
        for await (const event of o.store.watch<T>({
          resource: o.resource,
          ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
          resourceVersion: rv,
          signal,
        })) {
          await o.onEvent(event)
          rv = event.object.metadata.resourceVersion ?? rv
        }
      }
    } catch (err) {
      if (signal.aborted) return
      if (isStoreExpiredError(err)) {
        o.logger.info('watch expired, listing again', { resource: o.resource })
        continue
      }
      o.logger.warn('list-watch failed, listing again', {
        resource: o.resource,
        error: errorText(err),
      })
      try {
        await o.clock.sleep(retryDelay, signal)
      } catch {
        // Aborted while waiting: the loop condition ends it.
      }
    }
  }
}

async function listAll<T extends StorableObject>(o: ListWatchOptions<T>): Promise<string> {
  const items: T[] = []
  let cont: string | undefined
  let rv = ''
  do {
    o.signal.throwIfAborted()
    const page = await o.store.list<T>({
      resource: o.resource,
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
      limit: o.pageSize ?? 500,
      ...(cont === undefined ? {} : { continue: cont }),
    })
    if (rv === '') rv = page.resourceVersion
    items.push(...page.items)
    cont = page.continue
  } while (cont !== undefined)
  await o.onList(items, rv)
  return rv
}
