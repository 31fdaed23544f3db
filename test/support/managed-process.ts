import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** How a managed process ended. */
export type ProcessExit = {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A long-running child process (a server) owned by a test. */
export type ManagedProcess = {
  readonly pid: number
  /** The last output lines of both streams, oldest first (capped). */
  readonly lines: readonly string[]
  /** Calls listener for every further output line. */
  onLine(listener: (line: string, stream: 'stdout' | 'stderr') => void): void
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>
  /** Sends SIGTERM, then SIGKILL after graceMs (default 3 s); resolves once it has exited. */
  stop(opts?: { readonly graceMs?: number }): Promise<ProcessExit>
}

/** Options of startProcess. */
export type StartProcessOptions = {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
  /**
   * Hard limit enforced by coreutils `timeout` (so it holds even if this process dies without
   * cleaning up): SIGTERM after this many milliseconds, SIGKILL 5 s later. Default 30 min.
   */
  readonly lifetimeMs?: number
  /** A directory the watchdog removes if this process dies without calling stop(). */
  readonly orphanCleanupDir?: string
}

// Watchdog around the program: stops it (and removes $dir) once the owning Node process is gone.
// Vitest ends workers with signals, which skip 'exit' handlers, so the hook below is not enough.
// A TERM from stop() reaches the whole group and leaves $dir to stop()'s caller.
const WATCHDOG = `
owner=$1; dir=$2; shift 2
"$@" &
child=$!
# The program keeps the pipes; the watchdog must not die of SIGPIPE writing to them once the owner is gone.
exec >/dev/null 2>&1
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM INT HUP
while kill -0 "$owner" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
if ! kill -0 "$owner" 2>/dev/null; then
  kill -TERM "$child" 2>/dev/null; wait "$child"
  [ -n "$dir" ] && rm -rf -- "$dir"
fi
wait "$child"
`

const MAX_KEPT_LINES = 2000
const DEFAULT_LIFETIME_MS = 30 * 60_000

// Process groups still running; killed when this (test worker) process exits, even when an
// afterAll never ran, so no server outlives its tests.
const live = new Set<number>()
let exitHookInstalled = false

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is already gone; nothing to stop.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL')
  })
}

/**
 * Spawns a long-running program under `timeout` and a watchdog that stops it when this process dies,
 * in its own process group (the group id is the returned pid), with captured output and stop by pid.
 */
export function startProcess(
  file: string,
  args: readonly string[],
  opts: StartProcessOptions = {}
): ManagedProcess {
  installExitHook()
  const lifetimeSeconds = Math.max(1, Math.ceil((opts.lifetimeMs ?? DEFAULT_LIFETIME_MS) / 1000))
  const watchdog = [
    'sh',
    '-c',
    WATCHDOG,
    'watchdog',
    String(process.pid),
    opts.orphanCleanupDir ?? '',
  ]
  const timeout = ['--kill-after=5', String(lifetimeSeconds)]
  const child = spawn('timeout', [...timeout, ...watchdog, file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so that stop() reaches both timeout and the program.
    detached: true,
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    ...(opts.env === undefined ? {} : { env: { ...process.env, ...opts.env } }),
  })
  const pid = child.pid
  const lines: string[] = []
  const listeners: ((line: string, stream: 'stdout' | 'stderr') => void)[] = []
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      if (pid !== undefined) live.delete(pid)
      resolve({ code, signal })
    })
    child.once('error', (err) => {
      lines.push(`spawn timeout ${file}: ${err.message}`)
      if (pid !== undefined) live.delete(pid)
      resolve({ code: null, signal: null })
    })
  })
  if (pid !== undefined) live.add(pid)

  for (const [stream, source] of [
    ['stdout', child.stdout],
    ['stderr', child.stderr],
  ] as const) {
    createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      lines.push(line)
      if (lines.length > MAX_KEPT_LINES) lines.splice(0, lines.length - MAX_KEPT_LINES)
      for (const l of listeners) l(line, stream)
    })
  }

  let stopping: Promise<ProcessExit> | undefined
  return {
    pid: pid ?? -1,
    lines,
    onLine: (listener) => {
      listeners.push(listener)
    },
    exited,
    stop(stopOpts = {}) {
      stopping ??= (async () => {
        if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return exited
        // timeout forwards SIGTERM to the program; SIGKILL goes to the whole group.
        killGroup(pid, 'SIGTERM')
        const grace = setTimeout(() => killGroup(pid, 'SIGKILL'), stopOpts.graceMs ?? 3000)
        const result = await exited
        clearTimeout(grace)
        return result
      })()
      return stopping
    },
  }
}
