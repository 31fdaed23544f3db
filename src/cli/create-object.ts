import type { ApiObject } from '../api/meta.js'
import { type ResourceInfo, resourceForKind } from '../api/scheme.js'
import type { ApiClient } from './api-client.js'
import { type DryRun, dryRunQuery, operationText } from './dry-run.js'
import type { CliIo } from './io.js'
import type { OutputFormat } from './output/output-format.js'
import { printResult } from './output/print-result.js'
import { resourcePath } from './resource-path.js'

/** How `createAndPrint` sends and prints an object. */
export type CreateOptions = {
  /** The namespace of a namespaced kind; omitted for cluster-scoped ones. */
  readonly namespace?: string
  readonly format: OutputFormat
  readonly dryRun: DryRun
}

/**
 * Creates a built object as `kubectl create KIND NAME` does: under --dry-run=client it is printed
 * unsent; otherwise it is POSTed (a server dry run adds `dryRun=All`) and the server's answer printed.
 */
export async function createAndPrint(
  io: CliIo,
  client: ApiClient,
  kind: string,
  obj: ApiObject,
  opts: CreateOptions
): Promise<void> {
  const operation = operationText('created', opts.dryRun)
  if (opts.dryRun === 'client') {
    printResult(io, obj, opts.format, operation)
    return
  }
  const info = resourceForKind(kind) as ResourceInfo
  const created = await client.request<ApiObject>({
    method: 'POST',
    path: resourcePath(info, opts.namespace === undefined ? {} : { namespace: opts.namespace }),
    query: dryRunQuery(opts.dryRun),
    body: obj,
  })
  printResult(io, { kind, ...created }, opts.format, operation)
}
