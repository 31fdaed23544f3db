import { Command, CommanderError } from 'commander'
import { isAppError } from '../shared/errors.js'
import { registerInspect } from './commands/inspect.js'
import { registerServe } from './commands/serve.js'
import { type CliIo, UsageError } from './io.js'

/**
 * Runs isctl with argv (without node and script) and returns the exit code. In-process and testable:
 * everything goes through io (regclient's cobraTest habit).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('isctl')
    .description('isctl manages image streams: an oc-compatible CLI for imagestreams')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .option('-v, --verbose', 'print the cause chain of errors')
  registerInspect(program, io)
  registerServe(program, io)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they exit 0.
      return err.exitCode === 0 ? 0 : 2
    }
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`)
      return 2
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true
    io.stderr(`error: ${messageOf(err)}\n`)
    if (verbose) {
      for (let c = causeOf(err); c !== undefined; c = causeOf(c))
        io.stderr(`  caused by: ${messageOf(c)}\n`)
    }
    return 1
  }
}

function messageOf(err: unknown): string {
  if (isAppError(err) || err instanceof Error) return err.message
  return String(err)
}

function causeOf(err: unknown): unknown {
  return err instanceof Error ? err.cause : undefined
}
