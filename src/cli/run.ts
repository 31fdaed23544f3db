import { registerInspect } from './commands/inspect.js'
import { registerServe } from './commands/serve.js'
import { executeProgram } from './execute.js'
import type { CliIo } from './io.js'
import { createProgram, registerApiCommands } from './program.js'

/**
 * Runs isctl with argv (without node and script) and returns the exit code. In-process and testable:
 * everything goes through io (regclient's cobraTest habit). Exit codes: 0 success, 1 failure, 2 usage.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io)
  registerApiCommands(program, io)
  registerInspect(program, io)
  registerServe(program, io)
  return executeProgram(program, argv, io)
}
