import { isDeepStrictEqual } from 'node:util'
import { AppError, Reason } from '../shared/errors.js'
import { isJsonObject } from './body.js'

// JSON Patch (RFC 6902): add, remove, replace, move, copy and test over JSON Pointers (RFC 6901).

type Container = Record<string, unknown> | unknown[]

function invalid(message: string): AppError {
  return new AppError(Reason.Invalid, message)
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw invalid(`JSON pointer must start with "/": ${pointer}`)
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
}

function arrayIndex(token: string, length: number, forInsert: boolean): number {
  if (forInsert && token === '-') return length
  if (!/^(0|[1-9]\d*)$/.test(token)) throw invalid(`invalid array index: ${token}`)
  const i = Number(token)
  if (i > length || (!forInsert && i === length)) throw invalid(`array index out of bounds: ${i}`)
  return i
}

// Walks to the container of the pointer's last token.
function parentOf(doc: unknown, tokens: readonly string[], pointer: string): Container {
  let cur: unknown = doc
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false)]
    else if (isJsonObject(cur) && Object.hasOwn(cur, t)) cur = cur[t]
    else throw invalid(`doc is missing path: "${pointer}"`)
  }
  if (!Array.isArray(cur) && !isJsonObject(cur)) throw invalid(`doc is missing path: "${pointer}"`)
  return cur
}

function get(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc
  for (const t of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false)]
    else if (isJsonObject(cur) && Object.hasOwn(cur, t)) cur = cur[t]
    else throw invalid(`doc is missing path: "${pointer}"`)
  }
  return cur
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer)
  const last = tokens[tokens.length - 1]
  if (last === undefined) return value
  const parent = parentOf(doc, tokens, pointer)
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true), 0, value)
  else parent[last] = value
  return doc
}

function remove(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer)
  const last = tokens[tokens.length - 1]
  if (last === undefined) throw invalid('cannot remove the whole document')
  const parent = parentOf(doc, tokens, pointer)
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, false), 1)
  else if (Object.hasOwn(parent, last)) delete parent[last]
  else throw invalid(`unable to remove nonexistent key: ${last}: missing value`)
  return doc
}

/**
 * Applies a JSON Patch document to a copy of doc. A patch that is not an array of operations is a
 * BadRequest; an operation that cannot be applied (missing path, failed test) is Invalid (422), as in
 * Kubernetes.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw new AppError(
      Reason.BadRequest,
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch'
    )
  }
  let out = structuredClone(doc)
  for (const op of patch) {
    if (!isJsonObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new AppError(
        Reason.BadRequest,
        'invalid JSON patch operation: op and path are required'
      )
    }
    const path = op.path
    const from = typeof op.from === 'string' ? op.from : undefined
    switch (op.op) {
      case 'add':
        if (!Object.hasOwn(op, 'value'))
          throw invalid('add operation does not apply: missing value')
        out = add(out, path, structuredClone(op.value))
        break
      case 'remove':
        out = remove(out, path)
        break
      case 'replace':
        if (!Object.hasOwn(op, 'value'))
          throw invalid('replace operation does not apply: missing value')
        get(out, path)
        out =
          path === ''
            ? structuredClone(op.value)
            : add(remove(out, path), path, structuredClone(op.value))
        break
      case 'move': {
        if (from === undefined) throw invalid('move operation does not apply: missing from')
        const value = get(out, from)
        out = add(remove(out, from), path, value)
        break
      }
      case 'copy': {
        if (from === undefined) throw invalid('copy operation does not apply: missing from')
        out = add(out, path, structuredClone(get(out, from)))
        break
      }
      case 'test':
        if (!isDeepStrictEqual(get(out, path), op.value)) {
          throw invalid(`testing value ${path} failed: test failed`)
        }
        break
      default:
        throw new AppError(Reason.BadRequest, `Unexpected kind: ${op.op}`)
    }
  }
  return out
}
