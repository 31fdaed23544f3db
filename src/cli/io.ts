/** CliIo is everything a command touches outside the process: streams, environment and files. */
export type CliIo = {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly readFile: (path: string) => Promise<string>
  /** Aborted when the process is asked to stop (SIGTERM, SIGINT); long-running commands end then. */
  readonly shutdown?: AbortSignal
}

/** Error thrown for bad usage: printed as `error: …` with exit code 2 (oc/kubectl convention). */
export class UsageError extends Error {
  override readonly name: string = 'UsageError'
}
