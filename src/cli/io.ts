/** CliIo is everything a command touches outside the process: streams, environment and files. */
export type CliIo = {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly readFile: (path: string) => Promise<string>
  /** Writes a file (kubeconfig updates); defaults to node:fs when absent. */
  readonly writeFile?: (path: string, text: string) => Promise<void>
  /** Reads all of standard input (`-f -`); absent means stdin is not available. */
  readonly readStdin?: () => Promise<string>
  /** True when stderr is a terminal: progress displays are drawn only then. */
  readonly isTTY?: boolean
  /** The current time in ms since the epoch (ages in describe output); defaults to Date.now. */
  readonly now?: () => number
  /** Aborted on SIGTERM/SIGINT: long-running commands (`serve`) shut down gracefully. */
  readonly shutdown?: AbortSignal
}

/** Error thrown for bad usage: printed as `error: …` with exit code 2 (oc/kubectl convention). */
export class UsageError extends Error {
  override readonly name: string = 'UsageError'
}
