import type { Command } from 'commander'
import type { ApiObject } from '../../api/meta.js'
import { isNotFound, isServerError, SilentFailure, withSource } from '../cli-errors.js'
import { collect, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { LAST_APPLIED_ANNOTATION } from '../describe/kubectl-describe-format.js'
import { dryRunQuery, operationText, parseDryRun } from '../dry-run.js'
import type { CliIo } from '../io.js'
import { type ManifestObject, namespaceForManifest, readManifests } from '../manifest-input.js'
import { sortKeys } from '../output/object-printer.js'
import { parseOutputFormat } from '../output/output-format.js'
import { printResult } from '../output/print-result.js'
import { resourcePath } from '../resource-path.js'
import { threeWayMergePatch } from '../three-way-merge.js'

type ApplyFlags = {
  filename?: string[]
  output?: string
  dryRun?: string | boolean
  validate?: string | boolean
}

const FIELD_MANAGER = 'kubectl-client-side-apply'

/**
 * Returns a copy of obj carrying kubectl's last-applied-configuration annotation: the object as given
 * (without that annotation), as compact JSON with sorted keys and a trailing newline.
 */
export function withLastApplied<T extends ApiObject>(obj: T): T {
  const copy = structuredClone(obj)
  const annotations = { ...(copy.metadata?.annotations ?? {}) }
  delete annotations[LAST_APPLIED_ANNOTATION]
  const bare = { ...copy, metadata: { ...copy.metadata, annotations } }
  if (Object.keys(annotations).length === 0)
    delete (bare.metadata as { annotations?: unknown }).annotations
  const applied = `${JSON.stringify(sortKeys(bare))}\n`
  return {
    ...copy,
    metadata: {
      ...copy.metadata,
      annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: applied },
    },
  }
}

/** Registers `isctl apply -f FILE|-`: create, or update with a three-way JSON merge patch. */
export function registerApply(program: Command, io: CliIo): void {
  const cmd = program
    .command('apply')
    .description('Apply a configuration to a resource by file name or stdin')
    .option(
      '-f, --filename <file>',
      'file (or - for stdin) with the configuration to apply; repeatable',
      collect
    )
    .option('-o, --output <format>', 'output format: json, yaml, name, jsonpath=TEMPLATE')
    .option('--dry-run [strategy]', 'none, client or server')
    .option(
      '--validate [mode]',
      'accepted for kubectl compatibility; the server validates every object'
    )
    .action(async (flags: ApplyFlags, self: Command) => {
      const format = parseOutputFormat(flags.output)
      const dryRun = parseDryRun(flags.dryRun)
      const objects = await readManifests(flags.filename ?? [], io)
      await withConnection(self, io, async (conn) => {
        let failed = false
        for (const m of objects) {
          try {
            const { obj, op } = await applyOne(m, conn, dryRun)
            printResult(io, obj, format, operationText(op, dryRun))
          } catch (err) {
            if (!isServerError(err)) throw err
            const e = withSource(err, 'applying', m.source)
            io.stderr(`${isServerError(e) ? e.rendered : err.rendered}\n`)
            failed = true
          }
        }
        if (failed) throw new SilentFailure()
      })
    })
  withExamples(
    cmd,
    `
    # Create or update the image stream described in stream.yaml
    isctl apply -f stream.yaml

    # Apply a multi-document file from stdin
    cat objects.yaml | isctl apply -f -
    `
  )
}

async function applyOne(
  m: ManifestObject,
  conn: Parameters<Parameters<typeof withConnection>[2]>[0],
  dryRun: ReturnType<typeof parseDryRun>
): Promise<{ obj: ApiObject; op: string }> {
  const ns = namespaceForManifest(m, conn.namespace, conn.namespaceExplicit)
  const name = m.obj.metadata?.name ?? ''
  // The namespace is set first: kubectl's last-applied configuration records it too.
  const obj =
    ns === undefined ? m.obj : { ...m.obj, metadata: { ...m.obj.metadata, namespace: ns } }
  const modified = withLastApplied(obj)
  const at = ns === undefined ? {} : { namespace: ns }
  const query = { fieldManager: FIELD_MANAGER, ...dryRunQuery(dryRun) }
  let current: ApiObject | undefined
  try {
    current = await conn.client.get<ApiObject>(m.info, name, at)
  } catch (err) {
    if (!isNotFound(err)) throw err
  }
  if (current === undefined) {
    if (dryRun === 'client') return { obj: modified, op: 'created' }
    const created = await conn.client.request<ApiObject>({
      method: 'POST',
      path: resourcePath(m.info, at),
      query,
      body: modified,
    })
    return { obj: { kind: m.info.kind, ...created }, op: 'created' }
  }
  const lastApplied = current.metadata?.annotations?.[LAST_APPLIED_ANNOTATION]
  let original: unknown
  if (lastApplied !== undefined) {
    try {
      original = JSON.parse(lastApplied)
    } catch {
      // A hand-edited annotation that is not JSON: nothing to delete from, like a first apply.
      original = undefined
    }
  }
  const patch = threeWayMergePatch(original, modified, current)
  if (Object.keys(patch).length === 0)
    return { obj: { kind: m.info.kind, ...current }, op: 'unchanged' }
  if (dryRun === 'client') return { obj: { kind: m.info.kind, ...current }, op: 'configured' }
  const patched = await conn.client.request<ApiObject>({
    method: 'PATCH',
    path: resourcePath(m.info, { ...at, name }),
    query,
    body: patch,
    contentType: 'application/merge-patch+json',
  })
  return { obj: { kind: m.info.kind, ...patched }, op: 'configured' }
}
