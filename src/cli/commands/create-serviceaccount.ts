import type { Command } from 'commander'
import type { ServiceAccount } from '../../api/core/v1/types.js'
import { withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { createAndPrint } from '../create-object.js'
import { parseDryRun } from '../dry-run.js'
import type { CliIo } from '../io.js'
import { parseOutputFormat } from '../output/output-format.js'

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
        await createAndPrint(io, client, 'ServiceAccount', sa, { namespace, format, dryRun })
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
