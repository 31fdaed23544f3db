import type { Command } from 'commander'
import type { Namespace } from '../../api/core/v1/types.js'
import { withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { createAndPrint } from '../create-object.js'
import { operationText, parseDryRun } from '../dry-run.js'
import type { CliIo } from '../io.js'
import { parseOutputFormat } from '../output/output-format.js'
import { printResult } from '../output/print-result.js'

type Flags = { output?: string; dryRun?: string | boolean }

/** Registers `isctl create namespace NAME` (alias `ns`). */
export function registerCreateNamespace(create: Command, io: CliIo): void {
  const cmd = create
    .command('namespace')
    .alias('ns')
    .description('Create a namespace with the specified name')
    .argument('<name>', 'name of the namespace')
    .option('-o, --output <format>', 'output format: json, yaml, name, jsonpath=TEMPLATE')
    .option('--dry-run [strategy]', 'none, client or server')
    .action(async (name: string, _flags: Flags, self: Command) => {
      const flags = self.optsWithGlobals<Flags>()
      const format = parseOutputFormat(flags.output)
      const dryRun = parseDryRun(flags.dryRun)
      const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }
      // A cluster-scoped object needs no namespace, so a client dry run needs no connection either.
      if (dryRun === 'client') {
        printResult(io, ns, format, operationText('created', dryRun))
        return
      }
      await withConnection(self, io, ({ client }) =>
        createAndPrint(io, client, 'Namespace', ns, { format, dryRun })
      )
    })
  withExamples(
    cmd,
    `
    # Create a new namespace named team-a
    isctl create namespace team-a
    `
  )
}
