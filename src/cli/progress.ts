import type { CliIo } from './io.js'

/** A running progress display; stop() erases it. */
export type Progress = { stop(): void }

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/**
 * Draws `⠋ label (12s)` on stderr, redrawn every 100 ms, while a long request runs. Only on a terminal
 * (io.isTTY): piped or captured stderr gets nothing, so logs and golden outputs stay clean.
 */
export function startProgress(io: CliIo, label: string, now: () => number = Date.now): Progress {
  if (io.isTTY !== true) return { stop: () => undefined }
  const start = now()
  let frame = 0
  const draw = (): void => {
    const seconds = Math.floor((now() - start) / 1000)
    io.stderr(`\r\x1b[K${FRAMES[frame % FRAMES.length]} ${label} (${seconds}s)`)
    frame++
  }
  draw()
  const timer = setInterval(draw, 100)
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
      io.stderr('\r\x1b[K')
    },
  }
}
