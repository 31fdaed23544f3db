import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

/** One request the fake received. */
export type FakeRequest = {
  readonly method: string
  /** Path and query, e.g. `/v2/team/app/tags/list?n=2`. */
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A scripted answer. */
export type FakeResponse = {
  /** Default 200. */
  readonly status?: number
  readonly headers?: Readonly<Record<string, string | readonly string[]>>
  readonly body?: string | Uint8Array
  /** Send the headers (with the full Content-Length) and this many body bytes, then destroy the socket. */
  readonly dropAfterBytes?: number
  /** Wait this long before answering. */
  readonly delayMs?: number
  /** Leave out `Docker-Distribution-API-Version: registry/2.0` (sent by default). */
  readonly noApiVersionHeader?: boolean
  /** Send the body chunked, without Content-Length. */
  readonly chunked?: boolean
}

/** A scripted exchange: requests matching method and path get respond's answer. */
export type FakeRoute = {
  /** Default: any method. */
  readonly method?: string
  /** A string matches the path with or without its query; a RegExp is tested against path and query. */
  readonly path: string | RegExp
  /** Answer this many matching requests, then stop matching (regclient reqresp `DelOnUse`). */
  readonly times?: number
  readonly respond: FakeResponse | ((req: FakeRequest) => FakeResponse | Promise<FakeResponse>)
}

/** Options of startFakeUpstream. */
export type FakeUpstreamOptions = {
  readonly routes?: readonly FakeRoute[]
  /** Address to listen on; default 127.0.0.1 (any 127.0.0.0/8 address works on Linux). */
  readonly host?: string
  /** Serve https with this key and certificate. */
  readonly tls?: { readonly keyPem: string; readonly certPem: string }
}

/** A running fake. */
export type FakeUpstream = {
  /** `http://127.0.0.1:PORT` (or https). */
  readonly url: string
  /** `127.0.0.1:PORT`, as a registry is written in a reference. */
  readonly host: string
  /** Every request received so far, in order. */
  readonly requests: FakeRequest[]
  /** Adds a route after the existing ones. */
  route(r: FakeRoute): void
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

/**
 * Starts a scripted HTTP(S) server on loopback port 0 for protocol cases a real registry won't produce (429 +
 * Retry-After, dropped connections, hostile realms and redirects, oversized bodies). Routes are tried in
 * order; an unmatched request gets a 404 with a spec error body naming the request.
 */
export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const routes: { route: FakeRoute; used: number }[] = (opts.routes ?? []).map((route) => ({
    route,
    used: 0,
  }))
  const requests: FakeRequest[] = []

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const recorded: FakeRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(recorded)
      answer(recorded, res).catch(() => res.destroy())
    })
  }

  const answer = async (req: FakeRequest, res: ServerResponse): Promise<void> => {
    const pathname = req.path.split('?')[0] ?? ''
    const entry = routes.find(({ route, used }) => {
      if (route.times !== undefined && used >= route.times) return false
      if (route.method !== undefined && route.method !== req.method) return false
      return typeof route.path === 'string'
        ? route.path === req.path || route.path === pathname
        : route.path.test(req.path)
    })
    let out: FakeResponse
    if (entry === undefined) {
      out = {
        status: 404,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          errors: [
            { code: 'NOT_FOUND', message: `no scripted response for ${req.method} ${req.path}` },
          ],
        }),
      }
    } else {
      entry.used++
      out =
        typeof entry.route.respond === 'function'
          ? await entry.route.respond(req)
          : entry.route.respond
    }
    if (out.delayMs !== undefined) await new Promise((r) => setTimeout(r, out.delayMs))
    if (res.destroyed) return
    const body =
      out.body === undefined
        ? Buffer.alloc(0)
        : typeof out.body === 'string'
          ? Buffer.from(out.body)
          : Buffer.from(out.body)
    const headers: Record<string, string | string[]> = {}
    if (out.noApiVersionHeader !== true) headers['docker-distribution-api-version'] = 'registry/2.0'
    for (const [k, v] of Object.entries(out.headers ?? {})) {
      headers[k.toLowerCase()] = typeof v === 'string' ? v : [...v]
    }
    if (headers['content-length'] === undefined && out.chunked !== true) {
      headers['content-length'] = String(body.byteLength)
    }
    res.writeHead(out.status ?? 200, headers)
    if (out.dropAfterBytes !== undefined) {
      res.write(body.subarray(0, out.dropAfterBytes))
      // Let the partial body reach the client before the reset.
      setTimeout(() => res.socket?.destroy(), 20)
      return
    }
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    if (out.chunked === true) {
      // Several writes, so the client sees a stream rather than one buffer.
      for (let i = 0; i < body.byteLength; i += 64 * 1024)
        res.write(body.subarray(i, i + 64 * 1024))
      res.end()
      return
    }
    res.end(body)
  }

  const server: Server =
    opts.tls === undefined
      ? createHttpServer(handler)
      : createHttpsServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }, handler)
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const scheme = opts.tls === undefined ? 'http' : 'https'
  return {
    url: `${scheme}://${host}:${port}`,
    host: `${host}:${port}`,
    requests,
    route: (r) => {
      routes.push({ route: r, used: 0 })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A JSON response with the given status (default 200) and Content-Type. */
export function jsonResponse(
  body: unknown,
  o: { status?: number; contentType?: string; headers?: Record<string, string> } = {}
): FakeResponse {
  return {
    status: o.status ?? 200,
    headers: { 'content-type': o.contentType ?? 'application/json', ...o.headers },
    body: JSON.stringify(body),
  }
}

/** A spec error body `{"errors":[{code,message}]}` with a status. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {}
): FakeResponse {
  return jsonResponse({ errors: [{ code, message }] }, { status, headers })
}
