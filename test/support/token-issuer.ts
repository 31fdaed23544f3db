import { randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mintRegistryToken, parseScopes, type TokenAccess } from './registry-token.js'

/** One request the token issuer answered. */
export type TokenRequest = {
  readonly method: string
  readonly path: string
  /** The raw query string without '?', '' when none. */
  readonly query: string
  /** Whether the request carried an Authorization header. */
  readonly hasAuth: boolean
  /** The requested scopes (GET `scope` params or the POST form's space-separated `scope`). */
  readonly scopes: readonly string[]
  readonly status: number
}

/** Options of startTokenIssuer. */
export type TokenIssuerOptions = {
  /** PEM key and certificate that sign tokens (see createSigningCert). */
  readonly keyPem: string
  readonly certPem: string
  /** `iss`; default 'test-issuer'. */
  readonly issuer?: string
  /** `aud`; default 'test-registry'. */
  readonly service?: string
  /** The one user; wrong credentials get 401. */
  readonly username: string
  readonly password: string
  /** What anonymous callers get: 'pull' actions only (default) or a 401. */
  readonly anonymous?: 'pull' | 'deny'
  /** Address to bind; default 127.0.0.1, random free port. */
  readonly host?: string
  readonly signal?: AbortSignal
}

/** A running token issuer. */
export type TokenIssuer = {
  /** The realm, e.g. `http://127.0.0.1:40125/token`. */
  readonly url: string
  /** Every request answered so far, in order (the array grows while the issuer runs). */
  readonly requests: readonly TokenRequest[]
  stop(): Promise<void>
}

/** Token lifetime in seconds. */
export const TOKEN_TTL_SECONDS = 300

const MAX_FORM_BYTES = 64 * 1024

/**
 * Starts a test token server for docker-registry's `auth.token` (registry-protocol §2.4, §2.5, §4.6):
 * `GET /token?service=…&scope=…&scope=…` with optional Basic credentials, and the OAuth2
 * `POST /token` form (grant_type password or refresh_token). Right credentials get every scope asked
 * for; anonymous callers get pull only; wrong credentials get 401.
 */
export async function startTokenIssuer(opts: TokenIssuerOptions): Promise<TokenIssuer> {
  const requests: TokenRequest[] = []
  const refreshTokens = new Map<string, string>()
  const issuer = opts.issuer ?? 'test-issuer'
  const service = opts.service ?? 'test-registry'

  const credentialsMatch = (user: string, pass: string): boolean =>
    safeEqual(user, opts.username) && safeEqual(pass, opts.password)

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://issuer.invalid')
    const method = req.method ?? 'GET'
    const hasAuth = req.headers.authorization !== undefined
    const answer = (status: number, body: unknown, scopes: readonly string[]): void => {
      requests.push({
        method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        hasAuth,
        scopes,
        status,
      })
      const text = JSON.stringify(body)
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...(status === 401 ? { 'www-authenticate': 'Basic realm="token-issuer"' } : {}),
      })
      res.end(text)
    }

    if (url.pathname !== '/token') return answer(404, { errors: [{ code: 'NOT_FOUND' }] }, [])

    // 1. Who is asking: Basic credentials on GET (and POST), or the POST form's grant.
    let subject: string | undefined
    let scopes: string[]
    let offline = false
    const basic = parseBasic(req.headers.authorization)
    if (basic === 'invalid') return answer(401, { details: 'malformed authorization' }, [])
    if (basic !== undefined) {
      if (!credentialsMatch(basic.user, basic.pass)) {
        return answer(401, { details: 'invalid username or password' }, [])
      }
      subject = basic.user
    }
    if (method === 'GET') {
      scopes = url.searchParams.getAll('scope')
      offline = url.searchParams.get('offline_token') === 'true'
    } else if (method === 'POST') {
      const form = new URLSearchParams(await readBody(req))
      scopes = form.getAll('scope').flatMap((s) => s.split(' ').filter((x) => x !== ''))
      offline = form.get('access_type') === 'offline'
      const grant = form.get('grant_type')
      if (grant === 'password') {
        const user = form.get('username') ?? ''
        if (!credentialsMatch(user, form.get('password') ?? '')) {
          return answer(401, { error: 'invalid_grant' }, scopes)
        }
        subject = user
      } else if (grant === 'refresh_token') {
        const owner = refreshTokens.get(form.get('refresh_token') ?? '')
        if (owner === undefined) return answer(401, { error: 'invalid_grant' }, scopes)
        subject = owner
      } else {
        return answer(400, { error: 'unsupported_grant_type' }, scopes)
      }
    } else {
      return answer(405, { error: 'method not allowed' }, [])
    }

    // 2. What they get: everything asked for, or pull only when anonymous.
    let access: TokenAccess[] = parseScopes(scopes)
    if (subject === undefined) {
      if (opts.anonymous === 'deny')
        return answer(401, { details: 'authentication required' }, scopes)
      access = access.map((a) => ({ ...a, actions: a.actions.filter((x) => x === 'pull') }))
    }

    // 3. Mint and answer.
    const token = mintRegistryToken({
      keyPem: opts.keyPem,
      certPem: opts.certPem,
      issuer,
      service,
      subject: subject ?? '',
      access,
      ttlSeconds: TOKEN_TTL_SECONDS,
    })
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: TOKEN_TTL_SECONDS,
      issued_at: new Date().toISOString(),
    }
    if (offline && subject !== undefined) {
      const refresh = randomUUID()
      refreshTokens.set(refresh, subject)
      body.refresh_token = refresh
    }
    if (method === 'POST') body.scope = scopes.join(' ')
    return answer(200, body, scopes)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)))
    })
  })
  opts.signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: opts.host ?? '127.0.0.1', port: 0 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { address, port } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address

  let stopped: Promise<void> | undefined
  return {
    url: `http://${host}:${port}/token`,
    requests,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return stopped
    },
  }
}

function parseBasic(
  header: string | undefined
): { user: string; pass: string } | 'invalid' | undefined {
  if (header === undefined) return undefined
  const m = /^Basic\s+(\S+)$/i.exec(header)
  if (m?.[1] === undefined) return 'invalid'
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return 'invalid'
  return { user: decoded.slice(0, i), pass: decoded.slice(i + 1) }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const b = chunk as Buffer
    size += b.length
    if (size > MAX_FORM_BYTES) throw new Error('token request body too large')
    chunks.push(b)
  }
  return Buffer.concat(chunks).toString('utf8')
}
