import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import type { Caller } from './auth.js'
import type { Endpoint } from './paths.js'

/**
 * The Hono environment of the registry app. `incoming` is the Node request when served by
 * `@hono/node-server` (its bindings): it gives the raw request path and a body stream with back-pressure.
 */
export type RegistryEnv = {
  Bindings: { incoming?: IncomingMessage }
  Variables: { caller: Caller; endpoint: Endpoint }
}

/** The context of a registry request. */
export type RegistryContext = Context<RegistryEnv>

/**
 * The request path exactly as received (no dot-segment removal, no percent-decoding), without the query.
 * Falls back to the parsed URL when the app runs without a Node request (`app.request` in tests).
 */
export function rawPath(c: RegistryContext): string {
  const raw = c.env?.incoming?.url
  if (typeof raw === 'string' && raw.startsWith('/')) return raw.split('?')[0] ?? raw
  return new URL(c.req.url).pathname
}

/** The origin clients reached us at (scheme and Host), for absolute URLs such as the token realm. */
export function requestOrigin(c: RegistryContext): string {
  return new URL(c.req.url).origin
}

/**
 * The request body as a stream of chunks. Reading the Node request directly keeps TCP back-pressure: the
 * socket is only read as fast as chunks are consumed (e.g. written to disk).
 */
export async function* requestBody(c: RegistryContext): AsyncGenerator<Uint8Array> {
  const incoming = c.env?.incoming
  if (incoming !== undefined && typeof incoming[Symbol.asyncIterator] === 'function') {
    for await (const chunk of incoming) yield chunk as Uint8Array
    return
  }
  const body = c.req.raw.body
  if (body === null) return
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/** The request's abort signal: aborts when the client goes away. */
export function requestSignal(c: RegistryContext): AbortSignal {
  return c.req.raw.signal
}
