import type { Command } from 'commander'
import type { ApiObject } from '../../api/meta.js'
import { isServerError, SilentFailure } from '../cli-errors.js'
import { collect, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { type CliIo, UsageError } from '../io.js'
import { namespaceForManifest, readManifests } from '../manifest-input.js'
import { parseResourceArgs } from '../resource-args.js'

type DeleteFlags = {
  filename?: string[]
  all?: boolean
  ignoreNotFound?: boolean
  output?: string
}

/** Registers `isctl delete TYPE NAME… | TYPE/NAME… | -f FILE`. */
export function registerDelete(program: Command, io: CliIo): void {
  const cmd = program
    .command('delete')
    .description('Delete resources by file names, stdin, resources and names')
    .argument('[type-and-names...]', 'TYPE NAME… or TYPE/NAME…')
    .option(
      '-f, --filename <file>',
      'file (or - for stdin) naming the resources to delete; repeatable',
      collect
    )
    .option('--all', 'delete all resources of the given type in the namespace')
    .option('--ignore-not-found', 'treat "resource not found" as a successful delete')
    .option('-o, --output <format>', 'name: print only kind/name of each deleted resource')
    .action(async (args: string[], flags: DeleteFlags, self: Command) => {
      if (flags.output !== undefined && flags.output !== 'name') {
        throw new UsageError(
          `unexpected -o output mode: ${flags.output}. We only support '-o name'`
        )
      }
      const fromFiles = (flags.filename ?? []).length > 0
      if (fromFiles && args.length > 0) {
        throw new UsageError(
          'there is no need to specify a resource type as a separate argument when passing -f'
        )
      }
      const objects = fromFiles ? await readManifests(flags.filename ?? [], io) : []
      const selections = fromFiles ? [] : parseResourceArgs(args)
      if (!fromFiles && selections.length === 0) {
        throw new UsageError('You must provide one or more resources by argument or filename.')
      }
      await withConnection(self, io, async ({ client, namespace, namespaceExplicit }) => {
        const targets: {
          info: (typeof selections)[number]['info']
          name: string
          ns: string | undefined
        }[] = []
        for (const m of objects) {
          targets.push({
            info: m.info,
            name: m.obj.metadata?.name ?? '',
            ns: namespaceForManifest(m, namespace, namespaceExplicit),
          })
        }
        for (const { info, names } of selections) {
          const ns = info.namespaced ? namespace : undefined
          if (names.length === 0) {
            if (flags.all !== true) {
              throw new UsageError(
                `resource(s) were provided, but no name was specified; use --all to delete every ${info.plural}`
              )
            }
            const list = await client.list<ApiObject>(info, { namespace })
            for (const o of list.items ?? [])
              targets.push({ info, name: o.metadata?.name ?? '', ns })
            if ((list.items ?? []).length === 0) io.stderr('No resources found\n')
          } else {
            for (const name of names) targets.push({ info, name, ns })
          }
        }
        let failed = false
        for (const t of targets) {
          try {
            await client.delete(t.info, t.name, { namespace: t.ns })
            const kind =
              t.info.group === '' ? t.info.singular : `${t.info.singular}.${t.info.group}`
            io.stdout(
              flags.output === 'name' ? `${kind}/${t.name}\n` : `${kind} "${t.name}" deleted\n`
            )
          } catch (err) {
            if (!isServerError(err)) throw err
            if (flags.ignoreNotFound === true && err.status.reason === 'NotFound') continue
            io.stderr(`${err.rendered}\n`)
            failed = true
          }
        }
        if (failed) throw new SilentFailure()
      })
    })
  withExamples(
    cmd,
    `
    # Delete an image stream (its tags go with it; images stay for the pruner)
    isctl delete imagestream myapp

    # Delete the objects described in a file
    isctl delete -f stream.yaml

    # Delete a tag of a stream
    isctl delete istag myapp:old
    `
  )
}
