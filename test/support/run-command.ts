import { execFile } from 'node:child_process'

/** Options of runCommand. */
export type RunCommandOptions = {
  /** Kills the process (SIGKILL) after this many milliseconds; default 30 s. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  readonly cwd?: string
  /** Extra environment variables, merged over process.env. */
  readonly env?: Readonly<Record<string, string>>
}

/** Output of a finished command; stdout is kept as bytes (skopeo inspect --raw must stay exact). */
export type CommandResult = {
  readonly stdout: Buffer
  readonly stderr: string
}

/** Default timeout of one peer command. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024

/**
 * Runs a program with execFile (no shell), a timeout and captured output.
 * Rejects with an error naming the command line, exit code or signal and the tail of stderr.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  opts: RunCommandOptions = {}
): Promise<CommandResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const line = [file, ...args].join(' ')
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        encoding: 'buffer',
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
        ...(opts.env === undefined ? {} : { env: { ...process.env, ...opts.env } }),
      },
      (err, stdout, stderr) => {
        const errText = stderr.toString('utf8')
        if (err === null) {
          resolve({ stdout, stderr: errText })
          return
        }
        const e = err as NodeJS.ErrnoException & {
          code?: unknown
          killed?: boolean
          signal?: NodeJS.Signals | null
        }
        let why: string
        if (e.name === 'AbortError') why = 'aborted'
        else if (e.code === 'ENOENT')
          why = `${file} is not installed (run scripts/ensure-test-deps.sh)`
        else if (e.killed === true || e.signal != null) {
          why = `killed by ${e.signal ?? 'SIGKILL'} (timeout ${timeoutMs} ms?)`
        } else why = `exit code ${String(e.code)}`
        const tail = errText.trim().split('\n').slice(-20).join('\n')
        reject(new Error(`${line}: ${why}${tail === '' ? '' : `\n${tail}`}`, { cause: err }))
      }
    )
  })
}
