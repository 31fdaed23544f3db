import { parseAllDocuments } from 'yaml'
import type { ApiObject } from '../api/meta.js'
import { apiVersionOf, type ResourceInfo, resourceForKind } from '../api/scheme.js'
import { type CliIo, UsageError } from './io.js'

/** One object read from a -f source, with the resource it maps to. */
export type ManifestObject = {
  readonly obj: ApiObject & Record<string, unknown>
  readonly info: ResourceInfo
  /** The file name as given (`-` for stdin), for messages. */
  readonly source: string
}

/**
 * Reads the objects of every -f source (a file, or `-` for stdin): YAML with several documents, JSON,
 * and `kind: List` documents (their items). Every object must have apiVersion and kind of a resource this
 * server serves; problems are reported with kubectl's wording.
 */
export async function readManifests(
  files: readonly string[],
  io: CliIo
): Promise<ManifestObject[]> {
  if (files.length === 0) throw new UsageError('must specify one of -f and -k')
  const out: ManifestObject[] = []
  for (const source of files) {
    let text: string
    if (source === '-') {
      if (io.readStdin === undefined)
        throw new UsageError('reading from stdin (-f -) is not available here')
      text = await io.readStdin()
    } else {
      try {
        text = await io.readFile(source)
      } catch (err) {
        const code = (err as { code?: string }).code
        throw new UsageError(
          code === 'ENOENT'
            ? `the path "${source}" does not exist`
            : `error reading ${source}: ${(err as Error).message}`
        )
      }
    }
    out.push(...parseManifests(text, source))
  }
  return out
}

/** Parses the text of one -f source into objects (see readManifests). */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new UsageError(`error parsing ${source}: ${doc.errors[0]?.message ?? 'invalid YAML'}`)
    }
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) continue
    for (const obj of expandLists(value, source)) out.push(toManifest(obj, source))
  }
  return out
}

function expandLists(value: unknown, source: string): Record<string, unknown>[] {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    throw new UsageError(
      `error validating "${source}": error validating data: the document is not an object`
    )
  }
  const obj = value as Record<string, unknown>
  const kind = obj.kind
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(obj.items)) {
    return (obj.items as unknown[]).flatMap((item) => expandLists(item, source))
  }
  return [obj]
}

function toManifest(obj: Record<string, unknown>, source: string): ManifestObject {
  const missing: string[] = []
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '')
    missing.push('apiVersion not set')
  if (typeof obj.kind !== 'string' || obj.kind === '') missing.push('kind not set')
  if (missing.length > 0) {
    throw new UsageError(
      `error validating "${source}": error validating data: [${missing.join(', ')}]`
    )
  }
  const kind = obj.kind as string
  const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string }
  const info = resourceForKind(kind)
  if (info === undefined || apiVersionOf(info) !== obj.apiVersion) {
    throw new UsageError(
      `resource mapping not found for name: "${meta.name ?? ''}" namespace: "${meta.namespace ?? ''}" from "${source}": no matches for kind "${kind}" in version "${obj.apiVersion}"`
    )
  }
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {}
  return { obj: obj as ApiObject & Record<string, unknown>, info, source }
}

/**
 * The namespace an object from a file goes to: its own, else the request's. With an explicit -n that
 * differs from the object's, kubectl refuses.
 */
export function namespaceForManifest(
  m: ManifestObject,
  namespace: string,
  explicit: boolean
): string | undefined {
  if (!m.info.namespaced) return undefined
  const own = m.obj.metadata?.namespace
  if (own !== undefined && own !== '') {
    if (explicit && own !== namespace) {
      throw new UsageError(
        `the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`
      )
    }
    return own
  }
  return namespace
}
