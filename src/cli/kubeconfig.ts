import { dirname, isAbsolute, join } from 'node:path'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { AppError, Reason } from '../shared/errors.js'

// Reads and updates kubeconfig files the way client-go's loading rules do: KUBECONFIG may list several
// files (first one wins for each named entry and for current-context), relative paths are relative to
// the file that names them, and a namespace switch is written back to the file that holds the context.

/** A cluster entry: where the server is and how to trust it. */
export type KubeconfigCluster = {
  readonly server?: string
  readonly 'certificate-authority'?: string
  readonly 'certificate-authority-data'?: string
  readonly 'insecure-skip-tls-verify'?: boolean
}

/** A user entry: the bearer token (directly or in a file). */
export type KubeconfigUser = {
  readonly token?: string
  readonly tokenFile?: string
}

/** A context entry: cluster, user and namespace names. */
export type KubeconfigContext = {
  readonly cluster?: string
  readonly user?: string
  readonly namespace?: string
}

type Named<T> = { name: string } & Record<string, unknown> & { [K in Kind]?: T }
type Kind = 'cluster' | 'user' | 'context'

/** One kubeconfig file as read from disk, kept as the raw document so a rewrite loses nothing. */
export type KubeconfigFile = {
  readonly path: string
  readonly doc: Record<string, unknown>
}

/** The merged view of all kubeconfig files. */
export type Kubeconfig = {
  readonly files: readonly KubeconfigFile[]
  readonly currentContext?: string
  context(name: string): KubeconfigContext | undefined
  cluster(name: string): KubeconfigCluster | undefined
  user(name: string): KubeconfigUser | undefined
  /** The file whose `contexts` defines name, else the first file. */
  fileOfContext(name: string): KubeconfigFile | undefined
}

/** The default location: `$HOME/.kube/config`. */
export function defaultKubeconfigPath(home: string | undefined): string {
  return join(home ?? '', '.kube', 'config')
}

/**
 * The kubeconfig paths to read: `--kubeconfig` alone when given, else every entry of `KUBECONFIG`
 * (':'-separated), else `~/.kube/config`.
 */
export function kubeconfigPaths(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>
): string[] {
  if (flag !== undefined && flag !== '') return [flag]
  const list = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '')
  if (list.length > 0) return [...new Set(list)]
  return [defaultKubeconfigPath(env.HOME)]
}

/** Parses one kubeconfig document; throws AppError(Invalid) naming the file when it is not a mapping. */
export function parseKubeconfigFile(path: string, text: string): KubeconfigFile {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new AppError(
      Reason.Invalid,
      `error loading config file "${path}": ${(err as Error).message}`,
      {
        cause: err,
      }
    )
  }
  if (doc === null || doc === undefined) return { path, doc: {} }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AppError(
      Reason.Invalid,
      `error loading config file "${path}": not a kubeconfig mapping`
    )
  }
  return { path, doc: doc as Record<string, unknown> }
}

/** Merges files as client-go does: the first file that names an entry (or sets current-context) wins. */
export function mergeKubeconfigs(files: readonly KubeconfigFile[]): Kubeconfig {
  const find = <T>(list: 'clusters' | 'users' | 'contexts', kind: Kind, name: string) => {
    for (const f of files) {
      const entries = f.doc[list]
      if (!Array.isArray(entries)) continue
      const hit = (entries as Named<T>[]).find((e) => e?.name === name)
      if (hit !== undefined) return { file: f, value: (hit[kind] ?? {}) as T }
    }
    return undefined
  }
  const current = files
    .map((f) => f.doc['current-context'])
    .find((c): c is string => typeof c === 'string' && c !== '')
  const resolvePaths = (file: KubeconfigFile, c: KubeconfigCluster): KubeconfigCluster => {
    const ca = c['certificate-authority']
    if (ca === undefined || isAbsolute(ca)) return c
    return { ...c, 'certificate-authority': join(dirname(file.path), ca) }
  }
  return {
    files,
    ...(current === undefined ? {} : { currentContext: current }),
    context: (name) => find<KubeconfigContext>('contexts', 'context', name)?.value,
    cluster: (name) => {
      const hit = find<KubeconfigCluster>('clusters', 'cluster', name)
      return hit === undefined ? undefined : resolvePaths(hit.file, hit.value)
    },
    user: (name) => {
      const hit = find<KubeconfigUser>('users', 'user', name)
      if (hit === undefined) return undefined
      const tf = hit.value.tokenFile
      if (tf === undefined || isAbsolute(tf)) return hit.value
      return { ...hit.value, tokenFile: join(dirname(hit.file.path), tf) }
    },
    fileOfContext: (name) => find<KubeconfigContext>('contexts', 'context', name)?.file ?? files[0],
  }
}

/**
 * Returns the text of file with the namespace of context set (the context is created, pointing at
 * cluster and user, when the file does not have it), and current-context set to it.
 */
export function withContextNamespace(
  file: KubeconfigFile,
  contextName: string,
  namespace: string,
  create?: { cluster: string; user: string }
): string {
  const doc: Record<string, unknown> = structuredClone(file.doc)
  const contexts = Array.isArray(doc.contexts) ? (doc.contexts as Named<KubeconfigContext>[]) : []
  const entry = contexts.find((c) => c?.name === contextName)
  if (entry !== undefined) {
    entry.context = { ...(entry.context ?? {}), namespace }
  } else {
    contexts.push({ name: contextName, context: { ...(create ?? {}), namespace } })
  }
  doc.contexts = contexts
  doc['current-context'] = contextName
  doc.apiVersion ??= 'v1'
  doc.kind ??= 'Config'
  return stringifyYaml(doc)
}

/** A new kubeconfig for a server given by flags only (no file existed): one cluster, user and context. */
export function newKubeconfig(o: {
  server: string
  token?: string | undefined
  caData?: string | undefined
  insecure?: boolean | undefined
  namespace: string
}): { text: string; contextName: string } {
  const host = o.server.replace(/^https?:\/\//, '').replace(/[/.:]/g, '-')
  const contextName = `${o.namespace}/${host}`
  const cluster: Record<string, unknown> = { server: o.server }
  if (o.caData !== undefined) cluster['certificate-authority-data'] = o.caData
  if (o.insecure === true) cluster['insecure-skip-tls-verify'] = true
  const text = stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: host, cluster }],
    users: [{ name: host, user: o.token === undefined ? {} : { token: o.token } }],
    contexts: [
      { name: contextName, context: { cluster: host, user: host, namespace: o.namespace } },
    ],
    'current-context': contextName,
    preferences: {},
  })
  return { text, contextName }
}
