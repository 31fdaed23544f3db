import { type Command, CommanderError } from 'commander'
import { isAppError } from '../shared/errors.js'
import { normalizeBoolFlags } from './bool-flags.js'
import { RenderedError, SilentFailure } from './cli-errors.js'
import { type CliIo, UsageError } from './io.js'

/**
 * Parses argv with program and runs the command; returns the exit code: 0 success, 1 failure (printed
 * as `error: …`, or verbatim for server and connection errors), 2 usage errors.
 */
export async function executeProgram(
  program: Command,
  argv: readonly string[],
  io: CliIo
): Promise<number> {
  try {
    await program.parseAsync(normalizeBoolFlags(program, argv), { from: 'user' })
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
    if (err instanceof SilentFailure) return 1
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true
    io.stderr(err instanceof RenderedError ? `${err.rendered}\n` : `error: ${messageOf(err)}\n`)
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
