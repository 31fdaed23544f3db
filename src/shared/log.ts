/** Logger is the structured logger every component takes; libraries are silent by default. */
export type Logger = {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** A logger that drops everything. */
export const noopLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
}

/** Creates a logger that writes one JSON object per line to write(). */
export function jsonLogger(write: (line: string) => void, minLevel: keyof Logger = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const
  const min = order.indexOf(minLevel)
  const make =
    (level: (typeof order)[number]) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (order.indexOf(level) < min) return
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`)
    }
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') }
}
