import type { Command } from 'commander'
import type { ServiceAccount } from '../../api/core/v1/types.js'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { dryRunQuery, operationText, parseDryRun } from '../dry-run.js'
import type { CliIo } from '../io.js'
import { parseOutputFormat } from '../output/output-format.js'
import { printResult } from '../output/print-result.js'
import { resourcePath } from '../resource-path.js'

type Flags = { output?: string; dryRun?: string | boolean }

/** Registers `isctl create serviceaccount NAME` (alias `sa`). */
export function registerCreateServiceAccount(create: Command, io: CliIo): void {
  const cmd = create
    .command('serviceaccount')
    .alias('sa')
    .description('Create a service account with the specified name')
    .argument('<name>', 'name of the service account')
    .option('-o, --output <format>', 'output format: json, yaml, name, jsonpath=TEMPLATE')
    .option('--dry-run [strategy]', 'none, client or server')
    .action(async (name: string, _flags: Flags, self: Command) => {
      const flags = self.optsWithGlobals<Flags>()
      const format = parseOutputFormat(flags.output)
      const dryRun = parseDryRun(flags.dryRun)
      await withConnection(self, io, async ({ client, namespace }) => {
        const sa: ServiceAccount = {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name, namespace },
        }
        if (dryRun === 'client') {
          printResult(io, sa, format, operationText('created', dryRun))
          return
        }
        const info = resourceForKind('ServiceAccount') as ResourceInfo
        const created = await client.request<ServiceAccount>({
          method: 'POST',
          path: resourcePath(info, { namespace }),
          query: dryRunQuery(dryRun),
          body: sa,
        })
        printResult(
          io,
          { kind: 'ServiceAccount', ...created },
          format,
          operationText('created', dryRun)
        )
      })
    })
  withExamples(
    cmd,
    `
    # Create a new service account named builder
    isctl create serviceaccount builder
    `
  )
}
