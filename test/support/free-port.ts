import { connect, createServer } from 'node:net'

/** Options of freePort. */
export type FreePortOptions = {
  /** Address to probe; default 127.0.0.1. */
  readonly host?: string
}

/**
 * Returns a TCP port that was free on host a moment ago (bind to port 0, read it, close).
 * Another process may grab it before the caller binds it; callers that spawn servers retry on
 * "address already in use".
 */
export function freePort(opts: FreePortOptions = {}): Promise<number> {
  const host = opts.host ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close((err) => (err ? reject(err) : resolve(port)))
    })
  })
}

/** Options of isPortOpen. */
export type IsPortOpenOptions = {
  readonly host?: string
  /** Gives up after this many milliseconds; default 1 s. */
  readonly timeoutMs?: number
}

/** Reports whether something accepts TCP connections on host:port. */
export function isPortOpen(port: number, opts: IsPortOpenOptions = {}): Promise<boolean> {
  const host = opts.host ?? '127.0.0.1'
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (open: boolean): void => {
      socket.destroy()
      resolve(open)
    }
    socket.setTimeout(opts.timeoutMs ?? 1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
