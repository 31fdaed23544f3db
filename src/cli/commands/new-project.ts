import type { Command } from 'commander'
import type { Namespace } from '../../api/core/v1/types.js'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { withExamples } from '../command-helpers.js'
import { clientFor, resolveClientSettings } from '../connection.js'
import { globalFlags } from '../global-flags.js'
import type { CliIo } from '../io.js'
import { switchNamespace } from '../namespace-switch.js'

const NS = resourceForKind('Namespace') as ResourceInfo

type Flags = { displayName?: string; description?: string; skipConfigWrite?: boolean }

/** Registers `isctl new-project NAME`: create a namespace and switch to it (oc's new-project). */
export function registerNewProject(program: Command, io: CliIo): void {
  const cmd = program
    .command('new-project')
    .description('Request a new project (a namespace) and make it the current one')
    .argument('<name>', 'name of the new project')
    .option('--display-name <name>', 'project display name (annotation openshift.io/display-name)')
    .option('--description <text>', 'project description (annotation openshift.io/description)')
    .option('--skip-config-write', 'do not switch the kubeconfig to the new project')
    .action(async (name: string, flags: Flags, self: Command) => {
      const gf = globalFlags(self)
      const settings = await resolveClientSettings(gf, io)
      const client = clientFor(settings)
      const annotations: Record<string, string> = {}
      if (flags.displayName !== undefined)
        annotations['openshift.io/display-name'] = flags.displayName
      if (flags.description !== undefined)
        annotations['openshift.io/description'] = flags.description
      try {
        await client.create<Namespace>(NS, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
        })
      } finally {
        await client.close()
      }
      if (flags.skipConfigWrite === true) {
        io.stdout(`Created project "${name}" on server "${settings.server}".\n\n`)
        io.stdout(
          `To switch to this project and start importing images, use:\n\n    isctl project ${name}\n`
        )
        return
      }
      await switchNamespace(settings, gf, name, io)
      io.stdout(`Now using project "${name}" on server "${settings.server}".\n\n`)
      io.stdout(
        "You can import images into this project with the 'import-image' command. For example, try:\n\n" +
          '    isctl import-image myapp --from=quay.io/org/app:latest --confirm\n\n' +
          'to create the image stream myapp and import the tag latest.\n'
      )
    })
  withExamples(
    cmd,
    `
    # Create a new project with minimal information
    isctl new-project web-team-dev

    # Create a new project with a display name and description
    isctl new-project web-team-dev --display-name="Web Team Development" --description="Development project for the web team."
    `
  )
}
