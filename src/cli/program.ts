import { Command } from 'commander'
import { registerAdmPrune } from './commands/adm-prune-images.js'
import { registerApply } from './commands/apply.js'
import { registerCompletion } from './commands/completion.js'
import { registerCreate } from './commands/create.js'
import { registerDelete } from './commands/delete.js'
import { registerDescribe } from './commands/describe.js'
import { registerGet } from './commands/get.js'
import { registerImportImage } from './commands/import-image.js'
import { registerNewProject } from './commands/new-project.js'
import { registerProject } from './commands/project.js'
import { registerSecrets } from './commands/secrets.js'
import { registerTag } from './commands/tag.js'
import { registerGlobalFlags } from './global-flags.js'
import type { CliIo } from './io.js'

/** The root `isctl` command with its global flags, writing through io and never exiting the process. */
export function createProgram(io: CliIo): Command {
  const program = new Command('isctl')
    .description('isctl manages image streams: an oc-compatible CLI for imagestreams')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError()
    .option('-v, --verbose', 'print the cause chain of errors')
  registerGlobalFlags(program)
  // `inspect` has its own --request-timeout; the global flag (parsed first by the program) is handed on.
  program.hook('preAction', (root, action) => {
    if (action.name() === 'inspect' && root.getOptionValueSource('requestTimeout') === 'cli') {
      action.setOptionValue(
        'requestTimeout',
        root.opts<{ requestTimeout?: string }>().requestTimeout
      )
    }
  })
  return program
}

/** Registers the commands that talk to the API server (oc's verbs). */
export function registerApiCommands(program: Command, io: CliIo): void {
  registerGet(program, io)
  registerDescribe(program, io)
  registerCreate(program, io)
  registerApply(program, io)
  registerDelete(program, io)
  registerImportImage(program, io)
  registerTag(program, io)
  registerSecrets(program, io)
  registerNewProject(program, io)
  registerProject(program, io)
  registerAdmPrune(program, io)
  registerCompletion(program, io)
}
