import type { Command } from 'commander'
import type { Namespace } from '../../api/core/v1/types.js'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { AppError, Reason } from '../../shared/errors.js'
import { isNotFound } from '../cli-errors.js'
import { withExamples } from '../command-helpers.js'
import { clientFor, resolveClientSettings } from '../connection.js'
import { globalFlags } from '../global-flags.js'
import type { CliIo } from '../io.js'
import { switchNamespace } from '../namespace-switch.js'

const NS = resourceForKind('Namespace') as ResourceInfo

/** Registers `isctl project [NAME]`: show or switch the current namespace (oc's project). */
export function registerProject(program: Command, io: CliIo): void {
  const cmd = program
    .command('project')
    .description('Switch to another project (namespace), or show the current one')
    .argument('[name]', 'the namespace to switch to')
    .option('-q, --short', 'print only the name of the current project')
    .action(async (name: string | undefined, flags: { short?: boolean }, self: Command) => {
      const gf = globalFlags(self)
      const settings = await resolveClientSettings(gf, io)
      const server = settings.server
      if (name === undefined) {
        io.stdout(
          flags.short === true
            ? `${settings.namespace}\n`
            : `Using project "${settings.namespace}" on server "${server}".\n`
        )
        return
      }
      const client = clientFor(settings)
      try {
        await client.get<Namespace>(NS, name)
      } catch (err) {
        if (!isNotFound(err)) throw err
        throw new AppError(
          Reason.NotFound,
          `A project named "${name}" does not exist on "${server}".`
        )
      } finally {
        await client.close()
      }
      const current = settings.namespace
      await switchNamespace(settings, gf, name, io)
      if (flags.short === true) io.stdout(`${name}\n`)
      else if (current === name) io.stdout(`Already on project "${name}" on server "${server}".\n`)
      else io.stdout(`Now using project "${name}" on server "${server}".\n`)
    })
  withExamples(
    cmd,
    `
    # Switch to the 'team-a' namespace
    isctl project team-a

    # Display the namespace currently in use
    isctl project
    `
  )
}
