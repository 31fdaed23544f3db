import { readFile } from 'node:fs/promises'
import { AppError, Reason } from '../shared/errors.js'
import { type InUseOptions, pullSpecsInUse } from './in-use.js'

/**
 * Reads JSON files of Kubernetes lists (as `kubectl get pods -A -o json` writes them) and returns the
 * pull specs they use (see pullSpecsInUse), for the scheduled prune; the CLI also reads YAML and does
 * this itself. Throws AppError BadRequest naming the file when one cannot be read or parsed.
 */
export async function readInUseFiles(
  paths: readonly string[],
  o: InUseOptions & { readonly read?: (path: string) => Promise<string> }
): Promise<string[]> {
  const read = o.read ?? ((p: string) => readFile(p, 'utf8'))
  const out = new Set<string>()
  for (const path of paths) {
    let doc: unknown
    try {
      doc = JSON.parse(await read(path))
    } catch (err) {
      throw new AppError(
        Reason.BadRequest,
        `reading in-use references from ${path}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err }
      )
    }
    for (const spec of pullSpecsInUse(doc, o)) out.add(spec)
  }
  return [...out]
}
