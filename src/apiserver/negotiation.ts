import { AppError, Reason } from '../shared/errors.js'

// Content negotiation of GET responses: plain JSON, or the meta.k8s.io Table that kubectl asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io, application/json`.

/** What the client accepts for a GET. */
export type ResponseFormat =
  | { readonly kind: 'json' }
  | { readonly kind: 'table'; readonly version: 'v1' | 'v1beta1' }

/** How much of each object a Table row carries (TableOptions.includeObject). */
export type IncludeObject = 'None' | 'Metadata' | 'Object'

type MediaRange = { type: string; params: Map<string, string> }

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim())
      const map = new Map<string, string>()
      for (const p of params) {
        const eq = p.indexOf('=')
        if (eq > 0) map.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim())
      }
      return { type: type.toLowerCase(), params: map }
    })
    .filter((m) => m.type !== '')
}

/**
 * Chooses the response format from an Accept header: the first acceptable entry wins. Table is chosen
 * for `as=Table;g=meta.k8s.io` with v1 or v1beta1; JSON for application/json, `*\/*` or no header.
 */
export function negotiateFormat(accept: string | null | undefined): ResponseFormat {
  if (accept === null || accept === undefined || accept.trim() === '') return { kind: 'json' }
  for (const m of parseAccept(accept)) {
    const as = m.params.get('as')
    const jsonish = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*'
    if (!jsonish) continue
    if (as === undefined) return { kind: 'json' }
    if (as === 'Table' && m.params.get('g') === 'meta.k8s.io') {
      const v = m.params.get('v')
      if (v === 'v1' || v === 'v1beta1') return { kind: 'table', version: v }
    }
  }
  return { kind: 'json' }
}

/** Parses `includeObject` (default Metadata, as the API server). */
export function parseIncludeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject') ?? ''
  if (v === '') return 'Metadata'
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v
  throw new AppError(
    Reason.BadRequest,
    `includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`
  )
}
