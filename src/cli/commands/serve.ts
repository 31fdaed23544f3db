import type { Command } from 'commander'
import type { CliIo } from '../io.js'

/** Registers `isctl serve`: the API, registry and controllers in one process (wired by the lead). */
export function registerServe(program: Command, _io: CliIo): void {
  program.command('serve').description('Run the imagestreams server')
}
