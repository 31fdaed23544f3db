import { Buffer } from 'node:buffer'
import type { Command } from 'commander'
import { parseDurationMs } from '../server/config.js'
import { type ApiClient, createApiClient } from './api-client.js'
import { type GlobalFlags, globalFlags } from './global-flags.js'
import { type CliIo, UsageError } from './io.js'
import {
  type Kubeconfig,
  type KubeconfigFile,
  kubeconfigPaths,
  mergeKubeconfigs,
  parseKubeconfigFile,
} from './kubeconfig.js'

/** The namespace used when neither -n nor the kubeconfig context names one. */
export const DEFAULT_NAMESPACE = 'default'

/** Everything resolved from flags and kubeconfig that a command needs to talk to the server. */
export type Connection = {
  readonly client: ApiClient
  /** The namespace of this request: -n, else the context's namespace, else `default`. */
  readonly namespace: string
  /** True when -n/--namespace was given (kubectl then insists objects in files agree). */
  readonly namespaceExplicit: boolean
  readonly kubeconfig: Kubeconfig
  /** The context in use, if any. */
  readonly contextName?: string
}

/** What resolveClientSettings returns: the client options and where they came from. */
export type ClientSettings = {
  readonly server: string
  readonly token?: string
  readonly caPem?: string
  readonly caData?: string
  readonly insecure: boolean
  readonly timeoutMs: number
  readonly namespace: string
  readonly namespaceExplicit: boolean
  readonly kubeconfig: Kubeconfig
  readonly contextName?: string
}

/** Reads every kubeconfig file that exists; an explicit --kubeconfig that is missing is an error. */
export async function loadKubeconfig(flags: GlobalFlags, io: CliIo): Promise<Kubeconfig> {
  const paths = kubeconfigPaths(flags.kubeconfig, io.env)
  const files: KubeconfigFile[] = []
  for (const path of paths) {
    let text: string
    try {
      text = await io.readFile(path)
    } catch (err) {
      if (flags.kubeconfig !== undefined && flags.kubeconfig !== '') {
        throw new UsageError(`stat ${path}: ${(err as Error).message.replace(/^.*?: /, '')}`)
      }
      // Missing files in KUBECONFIG or the default path are skipped, as client-go does.
      continue
    }
    files.push(parseKubeconfigFile(path, text))
  }
  return mergeKubeconfigs(files)
}

/** Resolves server, credentials, TLS and namespace from the global flags and the kubeconfig. */
export async function resolveClientSettings(
  flags: GlobalFlags,
  io: CliIo
): Promise<ClientSettings> {
  const kubeconfig = await loadKubeconfig(flags, io)
  const contextName = flags.context ?? kubeconfig.currentContext
  const context = contextName === undefined ? undefined : kubeconfig.context(contextName)
  if (flags.context !== undefined && context === undefined) {
    throw new UsageError(`context was not found for specified context: ${flags.context}`)
  }
  const cluster = context?.cluster === undefined ? undefined : kubeconfig.cluster(context.cluster)
  const user = context?.user === undefined ? undefined : kubeconfig.user(context.user)
  const server = flags.server ?? cluster?.server
  if (server === undefined || server === '') {
    throw new UsageError(
      'no server found: pass --server or --kubeconfig, or set KUBECONFIG (isctl serve writes DATA_DIR/admin.kubeconfig)'
    )
  }
  let token = flags.token ?? user?.token
  if (token === undefined && user?.tokenFile !== undefined) {
    token = (await io.readFile(user.tokenFile)).trim()
  }
  let caPem: string | undefined
  let caData: string | undefined
  if (flags.certificateAuthority !== undefined) {
    caPem = await io.readFile(flags.certificateAuthority)
    caData = Buffer.from(caPem).toString('base64')
  } else if (cluster?.['certificate-authority-data'] !== undefined) {
    caData = cluster['certificate-authority-data']
    caPem = Buffer.from(caData, 'base64').toString('utf8')
  } else if (cluster?.['certificate-authority'] !== undefined) {
    caPem = await io.readFile(cluster['certificate-authority'])
    caData = Buffer.from(caPem).toString('base64')
  }
  const timeout = flags.requestTimeout ?? '0'
  const timeoutMs = parseDurationMs(timeout)
  if (timeoutMs === undefined || timeoutMs < 0) {
    throw new UsageError(
      `invalid argument "${timeout}" for "--request-timeout" flag: use e.g. 30s, 5m or a number of seconds`
    )
  }
  const namespaceExplicit = flags.namespace !== undefined && flags.namespace !== ''
  const namespace = namespaceExplicit
    ? (flags.namespace as string)
    : context?.namespace !== undefined && context.namespace !== ''
      ? context.namespace
      : DEFAULT_NAMESPACE
  return {
    server,
    ...(token === undefined ? {} : { token }),
    ...(caPem === undefined ? {} : { caPem }),
    ...(caData === undefined ? {} : { caData }),
    insecure:
      flags.insecureSkipTlsVerify === true || cluster?.['insecure-skip-tls-verify'] === true,
    timeoutMs,
    namespace,
    namespaceExplicit,
    kubeconfig,
    ...(contextName === undefined ? {} : { contextName }),
  }
}

/** An API client for resolved settings. Call `close()` when done. */
export function clientFor(s: ClientSettings): ApiClient {
  return createApiClient({
    server: s.server,
    token: s.token,
    caPem: s.caPem,
    insecureSkipTlsVerify: s.insecure,
    timeoutMs: s.timeoutMs,
  })
}

/** Builds the connection of a command from its global flags. Call `client.close()` when done. */
export async function connect(cmd: Command, io: CliIo): Promise<Connection> {
  const s = await resolveClientSettings(globalFlags(cmd), io)
  return {
    client: clientFor(s),
    namespace: s.namespace,
    namespaceExplicit: s.namespaceExplicit,
    kubeconfig: s.kubeconfig,
    ...(s.contextName === undefined ? {} : { contextName: s.contextName }),
  }
}

/** Runs fn with a connection and closes the client afterwards. */
export async function withConnection<T>(
  cmd: Command,
  io: CliIo,
  fn: (conn: Connection) => Promise<T>
): Promise<T> {
  const conn = await connect(cmd, io)
  try {
    return await fn(conn)
  } finally {
    await conn.client.close()
  }
}
