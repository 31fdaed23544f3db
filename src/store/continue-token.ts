import { AppError, Reason } from '../shared/errors.js'
import type { KeyPosition } from './object-key.js'

/** What a continue token carries: the snapshot revision, the list it belongs to and the last key. */
export type ContinuePosition = {
  /** The revision of the first page; every later page shows this snapshot. */
  readonly revision: number
  readonly resource: string
  /** The namespace of the list ('' = all namespaces). */
  readonly scope: string
  /** The last key returned; the next page starts strictly after it. */
  readonly after: KeyPosition
}

type Wire = { v: 1; rv: number; r: string; s: string; k: [string, string] }

/** Encodes a continue token: base64url of a small JSON document. Opaque to clients. */
export function encodeContinueToken(p: ContinuePosition): string {
  const wire: Wire = {
    v: 1,
    rv: p.revision,
    r: p.resource,
    s: p.scope,
    k: [p.after.namespace, p.after.name],
  }
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')
}

/**
 * Decodes a continue token of the list (resource, scope); BadRequest when it is malformed or was
 * issued for another list.
 */
export function decodeContinueToken(
  token: string,
  list: { resource: string; scope: string }
): ContinuePosition {
  const wire = parseWire(token)
  if (wire === undefined) {
    throw new AppError(Reason.BadRequest, 'invalid continue token')
  }
  if (wire.r !== list.resource || wire.s !== list.scope) {
    throw new AppError(Reason.BadRequest, 'continue token was issued for a different list')
  }
  return {
    revision: wire.rv,
    resource: wire.r,
    scope: wire.s,
    after: { namespace: wire.k[0], name: wire.k[1] },
  }
}

function parseWire(token: string): Wire | undefined {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,4096}$/.test(token)) return undefined
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    // Not JSON: the caller reports the token as invalid, without echoing it.
    return undefined
  }
  if (typeof doc !== 'object' || doc === null) return undefined
  const w = doc as Partial<Record<keyof Wire, unknown>>
  const ok =
    w.v === 1 &&
    typeof w.rv === 'number' &&
    Number.isSafeInteger(w.rv) &&
    w.rv >= 0 &&
    typeof w.r === 'string' &&
    typeof w.s === 'string' &&
    Array.isArray(w.k) &&
    w.k.length === 2 &&
    typeof w.k[0] === 'string' &&
    typeof w.k[1] === 'string'
  return ok ? (doc as Wire) : undefined
}
