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

/** Starts a watch and returns the streaming response. */
export function watchResponse(o: WatchStreamOptions): Response {
  const ac = new AbortController()
  const stop = (): void => ac.abort()
  o.signal.addEventListener('abort', stop, { once: true })
  const timeoutMs = o.timeoutMs ?? (30 + Math.random() * 30) * 60_000
  const timer = setTimeout(stop, timeoutMs)
  const encoder = new TextEncoder()

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const emit = (type: WatchEventType | 'ERROR', object: unknown): void => {
        controller.enqueue(encoder.encode(`${JSON.stringify({ type, object })}\n`))
      }
      // Runs in the background; the response starts streaming at once.
      void (async () => {
        try {
          let rv = o.resourceVersion
          if (rv === '' || rv === '0') rv = await replayCurrent(o, emit)
          const events = o.store.watch({
            resource: o.resource,
            ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
            resourceVersion: rv,
            signal: ac.signal,
          })
          for await (const event of events) {
            if (o.filter(event.object)) emit(event.type, o.transform(event.object))
          }
        } catch (err) {
          if (!ac.signal.aborted) {
            o.logger.debug('watch ended with an error', {
              resource: o.resource,
              error: String(err),
            })
            try {
              emit('ERROR', renderStatus(err).status)
            } catch {
              // The client is already gone; there is nobody to tell.
            }
          }
        } finally {
          clearTimeout(timer)
          o.signal.removeEventListener('abort', stop)
          try {
            controller.close()
          } catch {
            // Already closed because the client cancelled the stream.
          }
        }
      })()
    },
    cancel() {
      ac.abort()
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
