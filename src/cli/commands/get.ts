import type { Command } from 'commander'
import type { ApiObject } from '../../api/meta.js'
import { RESOURCES } from '../../api/scheme.js'
import { isServerError, SilentFailure } from '../cli-errors.js'
import { nowOf, withExamples, withTypeMeta } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { type CliIo, UsageError } from '../io.js'
import { executeJsonPath } from '../output/jsonpath.js'
import { asList, nameOf, toJson, toYaml } from '../output/object-printer.js'
import { parseOutputFormat } from '../output/output-format.js'
import { renderTable } from '../output/tables.js'
import { parseResourceArgs } from '../resource-args.js'

type GetFlags = {
  output?: string
  selector?: string
  fieldSelector?: string
  allNamespaces?: boolean
  ignoreNotFound?: boolean
}

/** The resource types `get` knows, for help and errors. */
export function resourceTypesHelp(): string {
  return RESOURCES.filter((r) => r.verbs.includes('get'))
    .map((r) => (r.shortNames.length > 0 ? `${r.plural} (${r.shortNames.join(', ')})` : r.plural))
    .join(', ')
}

/** Registers `isctl get TYPE [NAME…]`. */
export function registerGet(program: Command, io: CliIo): void {
  const cmd = program
    .command('get')
    .description('Display one or many resources')
    .argument('[type-and-names...]', 'TYPE[,TYPE…] [NAME…] or TYPE/NAME…')
    .option('-o, --output <format>', 'output format: json, yaml, name, wide, jsonpath=TEMPLATE')
    .option('-l, --selector <selector>', 'label selector, e.g. -l key1=value1,key2!=value2')
    .option(
      '--field-selector <selector>',
      'field selector, e.g. --field-selector metadata.name=app'
    )
    .option('-A, --all-namespaces', 'list the requested objects across all namespaces')
    .option('--ignore-not-found', 'treat "resource not found" as a successful retrieval')
    .addHelpText('after', `\nResource types: ${resourceTypesHelp()}\n`)
    .action(async (args: string[], flags: GetFlags, self: Command) => {
      await runGet(args, flags, self, io)
    })
  withExamples(
    cmd,
    `
    # List image streams in the current namespace
    isctl get imagestreams

    # List image stream tags with their image names
    isctl get istag -o wide

    # Print one image stream as YAML
    isctl get is myapp -o yaml

    # Print the names of all secrets across namespaces
    isctl get secrets -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'
    `
  )
}

async function runGet(args: string[], flags: GetFlags, cmd: Command, io: CliIo): Promise<void> {
  const selections = parseResourceArgs(args)
  if (selections.length === 0) {
    throw new UsageError(
      `Required resource not specified. You must specify the type of resource to get: ${resourceTypesHelp()}`
    )
  }
  const format = parseOutputFormat(flags.output)
  const all = flags.allNamespaces === true
  if (all && selections.some((s) => s.names.length > 0)) {
    throw new UsageError('a resource cannot be retrieved by name across all namespaces')
  }
  const now = nowOf(io)
  await withConnection(cmd, io, async ({ client, namespace }) => {
    const printed: ApiObject[] = []
    let failed = false
    let singleObject = false
    const tables: string[] = []
    for (const { info, names } of selections) {
      const objects: ApiObject[] = []
      if (names.length > 0) {
        singleObject = selections.length === 1 && names.length === 1
        for (const name of names) {
          try {
            objects.push(withTypeMeta(info, await client.get<ApiObject>(info, name, { namespace })))
          } catch (err) {
            if (flags.ignoreNotFound === true && isServerError(err, 'NotFound')) continue
            if (!isServerError(err)) throw err
            io.stderr(`${err.rendered}\n`)
            failed = true
          }
        }
      } else {
        const query = {
          ...(flags.selector === undefined ? {} : { labelSelector: flags.selector }),
          ...(flags.fieldSelector === undefined ? {} : { fieldSelector: flags.fieldSelector }),
        }
        const list = await client.list<ApiObject>(info, {
          ...(all ? {} : { namespace }),
          query,
        })
        objects.push(...(list.items ?? []).map((o) => withTypeMeta(info, o)))
        if (objects.length === 0 && format.kind === 'table') {
          io.stderr(
            info.namespaced && !all
              ? `No resources found in ${namespace} namespace.\n`
              : 'No resources found\n'
          )
        }
      }
      printed.push(...objects)
      if (format.kind === 'table' && objects.length > 0) {
        tables.push(
          renderTable(info, objects, {
            wide: format.wide,
            withNamespace: all && info.namespaced,
            now,
          })
        )
      }
    }
    switch (format.kind) {
      case 'table':
        io.stdout(tables.join('\n'))
        break
      case 'name':
        for (const o of printed) io.stdout(`${nameOf(o)}\n`)
        break
      case 'json':
      case 'yaml':
      case 'jsonpath': {
        if (printed.length === 0 && failed) break
        const value = singleObject && printed.length === 1 ? printed[0] : asList(printed)
        if (format.kind === 'json') io.stdout(toJson(value))
        else if (format.kind === 'yaml') io.stdout(toYaml(value))
        else io.stdout(executeJsonPath(format.template, value))
        break
      }
    }
    if (failed) throw new SilentFailure()
  })
}
