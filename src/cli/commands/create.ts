import type { Command } from 'commander'
import { isServerError, SilentFailure, withSource } from '../cli-errors.js'
import { collect, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { dryRunQuery, operationText, parseDryRun } from '../dry-run.js'
import type { CliIo } from '../io.js'
import { namespaceForManifest, readManifests } from '../manifest-input.js'
import { parseOutputFormat } from '../output/output-format.js'
import { printResult } from '../output/print-result.js'
import { resourcePath } from '../resource-path.js'
import { withLastApplied } from './apply.js'
import { registerCreateNamespace } from './create-namespace.js'
import { registerCreateSecret } from './create-secret.js'
import { registerCreateServiceAccount } from './create-serviceaccount.js'
import { registerCreateToken } from './create-token.js'

type CreateFlags = {
  filename?: string[]
  output?: string
  dryRun?: string | boolean
  saveConfig?: boolean
}

/** Registers `isctl create -f FILE` and its subcommands (namespace, secret, serviceaccount, token). */
export function registerCreate(program: Command, io: CliIo): void {
  const create = program
    .command('create')
    .description('Create a resource from a file or from stdin')
    // NB: commander hands every option after `create` to this command first, so -o and --dry-run given
    // to a subcommand land here; subcommands read them with optsWithGlobals().
    .option(
      '-f, --filename <file>',
      'file (or - for stdin) with the resources to create; repeatable',
      collect
    )
    .option('-o, --output <format>', 'output format: json, yaml, name, jsonpath=TEMPLATE')
    .option('--dry-run [strategy]', 'none, client or server: only print what would be created')
    .option(
      '--save-config',
      'store the configuration in the last-applied annotation, for later apply'
    )
    .action(async (flags: CreateFlags, self: Command) => {
      const format = parseOutputFormat(flags.output)
      const dryRun = parseDryRun(flags.dryRun)
      const objects = await readManifests(flags.filename ?? [], io)
      await withConnection(self, io, async ({ client, namespace, namespaceExplicit }) => {
        let failed = false
        for (const m of objects) {
          const ns = namespaceForManifest(m, namespace, namespaceExplicit)
          const obj =
            ns === undefined ? m.obj : { ...m.obj, metadata: { ...m.obj.metadata, namespace: ns } }
          const body = flags.saveConfig === true ? withLastApplied(obj) : obj
          try {
            const created =
              dryRun === 'client'
                ? body
                : await client.request<typeof body>({
                    method: 'POST',
                    path: resourcePath(m.info, ns === undefined ? {} : { namespace: ns }),
                    query: dryRunQuery(dryRun),
                    body,
                  })
            printResult(
              io,
              { kind: m.info.kind, ...created },
              format,
              operationText('created', dryRun)
            )
          } catch (err) {
            if (!isServerError(err)) throw err
            const e = withSource(err, 'creating', m.source)
            io.stderr(`${isServerError(e) ? e.rendered : err.rendered}\n`)
            failed = true
          }
        }
        if (failed) throw new SilentFailure()
      })
    })
  withExamples(
    create,
    `
    # Create an image stream from a YAML file
    isctl create -f stream.yaml

    # Create the objects of a multi-document file read from stdin
    cat objects.yaml | isctl create -f -
    `
  )
  registerCreateNamespace(create, io)
  registerCreateSecret(create, io)
  registerCreateServiceAccount(create, io)
  registerCreateToken(create, io)
}
