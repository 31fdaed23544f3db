import type { Readable } from 'node:stream'
import { RegistryError, RegistryErrorCode } from './errors.js'
import { firstHeader, type ResponseHeaders } from './headers.js'

/** Default cap on error bodies (ggcr `maxErrorBodySize`). */
export const DEFAULT_ERROR_BODY_BYTES = 64 * 1024

/** Options of readLimited. */
export type ReadLimitedOptions = {
  /** Most bytes accepted; one more is an error. */
  readonly limit: number
  /** What is being read, for the message: `manifest`, `blob`, `token response`. */
  readonly what: string
  readonly method: string
  readonly url: string | URL
  /** Sees every chunk as it arrives (e.g. a streaming hasher). */
  readonly onChunk?: (chunk: Uint8Array) => void
}

/**
 * Reads a response body into memory, failing with TOO_LARGE as soon as more than `limit` bytes have arrived
 * (the body is destroyed, so the rest is never downloaded). Caps every in-memory read (registry-protocol §5.4).
 */
export async function readLimited(body: Readable, o: ReadLimitedOptions): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    total += buf.byteLength
    if (total > o.limit) {
      body.destroy()
      throw tooLarge(o, `more than ${o.limit} bytes`)
    }
    o.onChunk?.(buf)
    chunks.push(buf)
  }
  return new Uint8Array(Buffer.concat(chunks, total))
}

/**
 * Rejects a response whose Content-Length already exceeds the limit, before reading any of it. A malformed
 * Content-Length is left to the streaming cap.
 */
export function checkContentLength(headers: ResponseHeaders, o: ReadLimitedOptions): void {
  const length = contentLength(headers)
  if (length !== undefined && length > o.limit) {
    throw tooLarge(o, `Content-Length ${length} exceeds the limit of ${o.limit} bytes`)
  }
}

/** The Content-Length header as a number, or undefined when absent or malformed. */
export function contentLength(headers: ResponseHeaders): number | undefined {
  const raw = firstHeader(headers, 'content-length')
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined
  const n = Number(raw.trim())
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * Reads an error body with the error-body cap; a body that is too large or breaks off yields what arrived so
 * far, since the status alone is enough to report the error.
 */
export async function readErrorBody(body: Readable, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      const room = limit - total
      if (buf.byteLength >= room) {
        chunks.push(buf.subarray(0, room))
        total += room
        body.destroy()
        break
      }
      chunks.push(buf)
      total += buf.byteLength
    }
  } catch {
    // A broken error body still leaves us the status line; report with what we have.
  }
  return new Uint8Array(Buffer.concat(chunks, total))
}

function tooLarge(o: ReadLimitedOptions, detail: string): RegistryError {
  return new RegistryError({
    code: RegistryErrorCode.TooLarge,
    message: `${o.what} too large: ${detail}`,
    method: o.method,
    url: o.url,
  })
}
