import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { createSigningCert, createTlsCert } from './certs.js'
import { freePort } from './free-port.js'
import { type ManagedProcess, startProcess } from './managed-process.js'
import { runCommand } from './run-command.js'
import { startTokenIssuer, type TokenIssuer, type TokenRequest } from './token-issuer.js'

/**
 * The registry flavours of the test world (registry-protocol §4.6):
 * - 'anonymous': plain HTTP, no auth;
 * - 'basic-tls': TLS (self-signed, HTTP/2) + htpasswd Basic auth;
 * - 'token': plain HTTP, Bearer tokens from our issuer on another port (anonymous gets pull only);
 * - 'deny-all': htpasswd with a user whose password nobody knows, so every request is 401.
 */
export type RegistryKind = 'anonymous' | 'basic-tls' | 'basic-http' | 'token' | 'deny-all'

/** One request the registry served, parsed from its access log. */
export type RegistryRequest = {
  readonly method: string
  /** The request path without the query, e.g. `/v2/team/app/manifests/v1`. */
  readonly path: string
  /** The request URI as logged, with the query. */
  readonly uri: string
  readonly status: number
}

/** A docker-registry process started by startRegistry. */
export type RunningRegistry = {
  readonly kind: RegistryKind
  /** 'IP:PORT' as used in image references; just the IP for port 80 (HTTP) or 443 (TLS). */
  readonly host: string
  /** 'http://…' or 'https://…', no trailing slash. */
  readonly url: string
  /** Credentials for 'basic-tls' and 'token'. */
  readonly username?: string
  readonly password?: string
  /** The self-signed server certificate clients must trust ('basic-tls'). */
  readonly caCertPem?: string
  readonly caCertPath?: string
  /** The token server ('token'); its realm is on a different port of 127.0.0.1. */
  readonly tokenIssuer?: {
    readonly url: string
    readonly requests: readonly TokenRequest[]
  }
  readonly pid: number
  /** The temporary directory holding config.yml, certificates and htpasswd (removed by stop). */
  readonly dir: string
  /** Requests the registry has logged so far, in order. */
  requests(): readonly RegistryRequest[]
  /**
   * Waits until at least count requests are logged: the access log line may arrive a moment after
   * the client got its response. Rejects after timeoutMs (default 5 s).
   */
  waitForRequests(
    count: number,
    opts?: { readonly timeoutMs?: number }
  ): Promise<readonly RegistryRequest[]>
  /** The last output lines of the registry process (both streams). */
  logLines(): readonly string[]
  /** Stops the registry (SIGTERM, then SIGKILL) and its issuer, and removes the directory. */
  stop(): Promise<void>
}

/** Options of startRegistry. */
export type StartRegistryOptions = {
  /** Address to bind (any 127.0.0.0/8 address); default 127.0.0.1. */
  readonly bindIp?: string
  /** Port to bind; default a free port. Port 80 needs root. */
  readonly port?: number
  /** Credentials for 'basic-tls' and 'token'; default 'alice' and a random password. */
  readonly username?: string
  readonly password?: string
  /** The registry is killed after this long even if stop() is never called; default 30 min. */
  readonly lifetimeMs?: number
  readonly signal?: AbortSignal
}

/** The `auth.token.service` of 'token' registries (the JWT `aud`). */
export const TOKEN_SERVICE = 'test-registry'
/** The `auth.token.issuer` of 'token' registries (the JWT `iss`). */
export const TOKEN_ISSUER = 'test-issuer'
/** The realm of the Basic challenge of 'basic-tls' and 'deny-all' registries. */
export const BASIC_REALM = 'basic-realm'

const START_TIMEOUT_MS = 20_000
const START_ATTEMPTS = 3

// Apache combined log line written by docker-registry for every request (gorilla handlers), e.g.
// 127.0.0.1 - - [27/Nov/2026:18:41:42 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
const ACCESS_LOG = /^\S+ \S+ \S+ \[[^\]]*\] "([A-Z]+) (\S+) [^"]*" (\d{3}) /

/**
 * Starts a Debian docker-registry 2.8.2 (`docker-registry serve config.yml`) of the given kind with
 * in-memory storage, deletes enabled, on a free port of 127.0.0.1 (or opts.bindIp / opts.port).
 * Config, certificates and htpasswd live in a fresh temporary directory used as the process's cwd.
 * Call stop() in afterAll.
 */
export async function startRegistry(
  kind: RegistryKind,
  opts: StartRegistryOptions = {}
): Promise<RunningRegistry> {
  const signal = opts.signal
  signal?.throwIfAborted()
  const bindIp = opts.bindIp ?? '127.0.0.1'
  const dir = await mkdtemp(join(tmpdir(), `imagestreams-registry-${kind}-`))
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })]
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
  }
  try {
    const tls = kind === 'basic-tls'
    const username = opts.username ?? 'alice'
    const password = opts.password ?? `pw-${randomBytes(9).toString('base64url')}`
    const withCreds = kind === 'basic-tls' || kind === 'basic-http' || kind === 'token'
    const cmdOpts = signal === undefined ? {} : { signal }

    // 1. Supporting files.
    const config: Record<string, unknown> = {
      version: 0.1,
      log: { level: 'info', formatter: 'text' },
      storage: {
        inmemory: {},
        delete: { enabled: true },
        maintenance: { uploadpurging: { enabled: false } },
      },
    }
    const http: Record<string, unknown> = { secret: randomBytes(16).toString('hex') }
    let caCertPem: string | undefined
    let caCertPath: string | undefined
    if (tls) {
      const ips = [...new Set([bindIp, '127.0.0.1'])]
      const cert = await createTlsCert({ dir, ips, ...cmdOpts })
      http.tls = { certificate: 'tls.crt', key: 'tls.key' }
      caCertPem = cert.certPem
      caCertPath = cert.certPath
    }
    if (kind === 'basic-tls' || kind === 'basic-http' || kind === 'deny-all') {
      // deny-all: a user whose random password is never revealed, so every request is 401.
      const [user, pass] =
        kind === 'deny-all' ? ['nobody', randomBytes(24).toString('hex')] : [username, password]
      const { stdout } = await runCommand('htpasswd', ['-Bbn', user, pass], {
        timeoutMs: 15_000,
        ...cmdOpts,
      })
      await writeFile(join(dir, 'htpasswd'), stdout)
      config.auth = { htpasswd: { realm: BASIC_REALM, path: 'htpasswd' } }
    }
    let issuer: TokenIssuer | undefined
    if (kind === 'token') {
      const signing = await createSigningCert({ dir, commonName: TOKEN_ISSUER, ...cmdOpts })
      issuer = await startTokenIssuer({
        keyPem: signing.keyPem,
        certPem: signing.certPem,
        issuer: TOKEN_ISSUER,
        service: TOKEN_SERVICE,
        username,
        password,
        ...cmdOpts,
      })
      const started = issuer
      cleanups.push(() => started.stop())
      config.auth = {
        token: {
          realm: issuer.url,
          service: TOKEN_SERVICE,
          issuer: TOKEN_ISSUER,
          rootcertbundle: 'token-signing.crt',
        },
      }
    }

    // 2. Spawn; retry with another port when a concurrent test took the one we picked.
    let proc: ManagedProcess | undefined
    let port = 0
    for (let attempt = 1; proc === undefined; attempt++) {
      port = opts.port ?? (await freePort({ host: bindIp }))
      config.http = { ...http, addr: `${bindIp}:${port}` }
      await writeFile(join(dir, 'config.yml'), stringify(config))
      const candidate = startProcess('docker-registry', ['serve', 'config.yml'], {
        cwd: dir,
        lifetimeMs: opts.lifetimeMs ?? 30 * 60_000,
        orphanCleanupDir: dir,
      })
      const outcome = await waitForListening(candidate, signal)
      if (outcome === 'listening') {
        proc = candidate
        break
      }
      await candidate.stop({ graceMs: 500 })
      if (outcome === 'aborted') throw signal?.reason ?? new Error('aborted')
      const output = candidate.lines.slice(-15).join('\n')
      const inUse = /address already in use/.test(output)
      if (!inUse || opts.port !== undefined || attempt >= START_ATTEMPTS) {
        throw new Error(
          `docker-registry (${kind}) on ${bindIp}:${port} did not start: ${outcome}\n${output}`
        )
      }
    }
    const running = proc

    // 3. Collect the access log.
    const requests: RegistryRequest[] = []
    const waiters = new Set<() => void>()
    running.onLine((line, stream) => {
      if (stream !== 'stdout') return
      const m = ACCESS_LOG.exec(line)
      if (m === null) return
      const uri = m[2] ?? ''
      const q = uri.indexOf('?')
      requests.push({
        method: m[1] ?? '',
        path: q < 0 ? uri : uri.slice(0, q),
        uri,
        status: Number(m[3]),
      })
      for (const w of waiters) w()
    })
    cleanups.push(() => running.stop())

    const defaultPort = tls ? 443 : 80
    const host = port === defaultPort ? bindIp : `${bindIp}:${port}`
    let stopping: Promise<void> | undefined
    return {
      kind,
      host,
      url: `${tls ? 'https' : 'http'}://${host}`,
      ...(withCreds ? { username, password } : {}),
      ...(caCertPem === undefined || caCertPath === undefined ? {} : { caCertPem, caCertPath }),
      ...(issuer === undefined
        ? {}
        : { tokenIssuer: { url: issuer.url, requests: issuer.requests } }),
      pid: running.pid,
      dir,
      requests: () => requests,
      waitForRequests: (count, waitOpts = {}) =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            if (requests.length < count) return
            clearTimeout(timer)
            waiters.delete(check)
            resolve(requests)
          }
          const timer = setTimeout(() => {
            waiters.delete(check)
            reject(new Error(`registry logged ${requests.length} requests, expected ${count}`))
          }, waitOpts.timeoutMs ?? 5000)
          waiters.add(check)
          check()
        }),
      logLines: () => running.lines,
      stop() {
        stopping ??= cleanup()
        return stopping
      },
    }
  } catch (err) {
    await cleanup()
    throw err
  }
}

async function waitForListening(
  proc: ManagedProcess,
  signal: AbortSignal | undefined
): Promise<'listening' | string> {
  return new Promise((resolve) => {
    const finish = (outcome: string): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(outcome)
    }
    const onAbort = (): void => finish('aborted')
    const timer = setTimeout(
      () => finish(`no "listening on" line after ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    proc.onLine((line) => {
      if (line.includes('msg="listening on')) finish('listening')
    })
    if (proc.lines.some((l) => l.includes('msg="listening on'))) finish('listening')
    proc.exited.then(
      (exit) => finish(`exited (code ${exit.code}, signal ${exit.signal})`),
      () => undefined
    )
  })
}
