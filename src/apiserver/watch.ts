import type { Logger } from '../shared/log.js'
import type { Store, StoredObject, WatchEventType } from '../store/store.js'
import { renderStatus } from './status-error.js'

// Watch streams as kube-apiserver serves them over HTTP/1.1: one JSON object per line,
// `{"type":"ADDED|MODIFIED|DELETED","object":{…}}`, and a final `{"type":"ERROR","object":<Status>}`
// when the watch cannot go on (410 Expired when resourceVersion has left the history).
// resourceVersion "" or "0" starts with the current objects as ADDED events, then follows changes.

/** What watchResponse streams. */
export type WatchStreamOptions = {
  readonly store: Store
  readonly resource: string
  /** Only this namespace; undefined watches all. */
  readonly namespace: string | undefined
  readonly resourceVersion: string
  /** Keeps the objects that match the request's selectors. */
  readonly filter: (obj: StoredObject) => boolean
  /** Turns a stored object into what the event carries (output object or Table). */
  readonly transform: (obj: StoredObject) => unknown
  /** The request's signal: the stream ends when the client goes away. */
  readonly signal: AbortSignal
  /** Ends the stream after this long; default a random 30–60 minutes, as Kubernetes does. */
  readonly timeoutMs?: number
  readonly contentType?: string
  readonly logger: Logger
}

const LIST_PAGE = 500

/**
 * Starts a watch and returns the streaming response. Events are produced as the client reads them
 * (the store's watch buffers a bounded number of live events and catches up from history), so a slow
 * client costs bounded memory.
 */
export function watchResponse(o: WatchStreamOptions): Response {
  const ac = new AbortController()
  const stop = (): void => ac.abort()
  o.signal.addEventListener('abort', stop, { once: true })
  const timer = setTimeout(stop, o.timeoutMs ?? (30 + Math.random() * 30) * 60_000)
  // The timeout must not keep a process alive on its own.
  timer.unref()
  const encoder = new TextEncoder()
  const line = (type: WatchEventType | 'ERROR', object: unknown): Uint8Array =>
    encoder.encode(`${JSON.stringify({ type, object })}\n`)

  async function* events(): AsyncGenerator<Uint8Array> {
    try {
      let rv = o.resourceVersion
      if (rv === '' || rv === '0') {
        const replayed: Uint8Array[] = []
        rv = await replayCurrent(o, (type, object) => replayed.push(line(type, object)))
        yield* replayed
      }
      const watch = o.store.watch({
        resource: o.resource,
        ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
        resourceVersion: rv,
        signal: ac.signal,
      })
      for await (const event of watch) {
        if (o.filter(event.object)) yield line(event.type, o.transform(event.object))
      }
    } catch (err) {
      if (ac.signal.aborted) return
      o.logger.debug('watch ended with an error', { resource: o.resource, error: String(err) })
      yield line('ERROR', renderStatus(err).status)
    } finally {
      clearTimeout(timer)
      o.signal.removeEventListener('abort', stop)
    }
  }

  const iterator = events()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next()
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      ac.abort()
      await iterator.return(undefined)
    },
  })
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': o.contentType ?? 'application/json',
      'Cache-Control': 'no-cache, private',
    },
  })
}

// Emits the current objects as ADDED (page by page, one snapshot) and returns the snapshot's revision.
async function replayCurrent(
  o: WatchStreamOptions,
  emit: (type: WatchEventType, object: unknown) => void
): Promise<string> {
  let cont: string | undefined
  let revision: string | undefined
  do {
    const page = await o.store.list({
      resource: o.resource,
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
      filter: o.filter,
      limit: LIST_PAGE,
      ...(cont === undefined ? {} : { continue: cont }),
    })
    revision ??= page.resourceVersion
    for (const item of page.items) emit('ADDED', o.transform(item))
    cont = page.continue
  } while (cont !== undefined)
  return revision
}
