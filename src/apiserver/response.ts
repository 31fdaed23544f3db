import type { ListMeta } from '../api/meta.js'
import { apiVersionOf, type ResourceInfo } from '../api/scheme.js'
import type { ApiSettings } from './deps.js'
import type { Strategy } from './strategy.js'

// Shaping objects for the wire: `kind` and `apiVersion` first (as Kubernetes serialises), derived fields
// decorated; lists carry their items without kind and apiVersion, as typed Kubernetes lists do.

/** An object as returned to clients. */
export type OutputObject = Record<string, unknown> & { metadata?: Record<string, unknown> }

/** A copy of a stored object ready to be returned. */
export function outputObject(
  info: ResourceInfo,
  obj: object,
  settings: ApiSettings,
  strategy?: Strategy
): OutputObject {
  const copy = structuredClone(obj) as Record<string, unknown>
  strategy?.decorate?.(copy as never, settings)
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = copy
  return { kind: info.kind, apiVersion: apiVersionOf(info), ...rest }
}

/** A `<Kind>List` of output objects. */
export function listBody(
  info: ResourceInfo,
  items: readonly OutputObject[],
  metadata: ListMeta
): Record<string, unknown> {
  return {
    kind: info.listKind,
    apiVersion: apiVersionOf(info),
    metadata,
    items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
  }
}

/** Options of jsonResponse. */
export type JsonResponseOptions = {
  /** Sent as `Warning: 299 - "<text>"` headers (kubectl prints them after `Warning:`). */
  readonly warnings?: readonly string[]
  readonly contentType?: string
}

/** A JSON response with the API's headers. */
export function jsonResponse(code: number, body: unknown, o: JsonResponseOptions = {}): Response {
  const headers = new Headers({
    'Content-Type': o.contentType ?? 'application/json',
    'Cache-Control': 'no-cache, private',
  })
  for (const w of new Set(o.warnings ?? [])) headers.append('Warning', warningHeader(w))
  return new Response(JSON.stringify(body), { status: code, headers })
}

/** Formats a warning as RFC 7234 warn-code 299 with an escaped quoted text, as kube-apiserver does. */
export function warningHeader(text: string): string {
  return `299 - "${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}
