import { AppError, Reason } from '../shared/errors.js'
import { type Digest, isDigest } from './digest.js'

/** The value of an `ExposedPorts` or `Volumes` entry: always an empty object. */
export type EmptyObject = Readonly<Record<string, never>>

/** The runtime defaults of an image (`config`, and Docker's `container_config`), with Docker's field names. */
export type ContainerConfig = {
  readonly User?: string
  readonly ExposedPorts?: Readonly<Record<string, EmptyObject>>
  readonly Env?: readonly string[]
  readonly Entrypoint?: readonly string[]
  readonly Cmd?: readonly string[]
  readonly Volumes?: Readonly<Record<string, EmptyObject>>
  readonly WorkingDir?: string
  readonly Labels?: Readonly<Record<string, string>>
  readonly StopSignal?: string
}

/** One entry of the config's `history`. */
export type HistoryEntry = {
  readonly created?: string
  readonly created_by?: string
  readonly author?: string
  readonly comment?: string
  readonly empty_layer?: boolean
}

/** The layer chain of an image: uncompressed layer digests, base layer first. */
export type RootFs = {
  readonly type: string
  readonly diff_ids: readonly Digest[]
}

/**
 * A Docker or OCI image config blob (image-spec config.md; Docker's image JSON). `architecture` and `os` are ''
 * when absent; the Docker-only `container`, `docker_version` and `container_config` are kept when present.
 */
export type ImageConfig = {
  readonly architecture: string
  readonly os: string
  readonly variant?: string
  readonly 'os.version'?: string
  readonly 'os.features'?: readonly string[]
  readonly created?: string
  readonly author?: string
  readonly comment?: string
  readonly config?: ContainerConfig
  readonly rootfs?: RootFs
  readonly history?: readonly HistoryEntry[]
  readonly container?: string
  readonly docker_version?: string
  readonly container_config?: ContainerConfig
}

type Json = Record<string, unknown>

/**
 * Parses a Docker or OCI image config (also a schema 1 `v1Compatibility` entry). Missing and null fields are
 * absent; a field of the wrong type, a malformed diff_id or a document that is not a JSON object throws
 * AppError(BadRequest, 'config invalid: …').
 */
export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  let doc: unknown
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes))
  } catch (cause) {
    throw invalid('document is not valid JSON', cause)
  }
  if (!isObject(doc)) throw invalid('document is not a JSON object')

  const config = containerConfig(doc.config, 'config')
  const containerCfg = containerConfig(doc.container_config, 'container_config')
  const rootfs = rootFs(doc.rootfs)
  const history = historyEntries(doc.history)
  return {
    architecture: str(doc.architecture, 'architecture') ?? '',
    os: str(doc.os, 'os') ?? '',
    ...field('variant', str(doc.variant, 'variant')),
    ...field('os.version', str(doc['os.version'], 'os.version')),
    ...field('os.features', strings(doc['os.features'], 'os.features')),
    ...field('created', str(doc.created, 'created')),
    ...field('author', str(doc.author, 'author')),
    ...field('comment', str(doc.comment, 'comment')),
    ...field('config', config),
    ...field('rootfs', rootfs),
    ...field('history', history),
    ...field('container', str(doc.container, 'container')),
    ...field('docker_version', str(doc.docker_version, 'docker_version')),
    ...field('container_config', containerCfg),
  }
}

function containerConfig(value: unknown, at: string): ContainerConfig | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw invalid(`${at} must be an object`)
  return {
    ...field('User', str(value.User, `${at}.User`)),
    ...field('ExposedPorts', keySet(value.ExposedPorts, `${at}.ExposedPorts`)),
    ...field('Env', strings(value.Env, `${at}.Env`)),
    ...field('Entrypoint', command(value.Entrypoint, `${at}.Entrypoint`)),
    ...field('Cmd', command(value.Cmd, `${at}.Cmd`)),
    ...field('Volumes', keySet(value.Volumes, `${at}.Volumes`)),
    ...field('WorkingDir', str(value.WorkingDir, `${at}.WorkingDir`)),
    ...field('Labels', labels(value.Labels, `${at}.Labels`)),
    ...field('StopSignal', str(value.StopSignal, `${at}.StopSignal`)),
  }
}

function rootFs(value: unknown): RootFs | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw invalid('rootfs must be an object')
  const ids = value.diff_ids ?? []
  if (!Array.isArray(ids)) throw invalid('rootfs.diff_ids must be an array')
  return {
    type: str(value.type, 'rootfs.type') ?? '',
    diff_ids: ids.map((id: unknown, i) => {
      // Layer digests end up in URLs, cache keys and paths: strict grammar only.
      if (typeof id !== 'string' || !isDigest(id))
        throw invalid(`rootfs.diff_ids[${i}] is not a valid digest`)
      return id
    }),
  }
}

function historyEntries(value: unknown): readonly HistoryEntry[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw invalid('history must be an array')
  return value.map((h: unknown, i) => {
    const at = `history[${i}]`
    if (!isObject(h)) throw invalid(`${at} must be an object`)
    const empty = h.empty_layer ?? undefined
    if (empty !== undefined && typeof empty !== 'boolean')
      throw invalid(`${at}.empty_layer must be a boolean`)
    return {
      ...field('created', str(h.created, `${at}.created`)),
      ...field('created_by', str(h.created_by, `${at}.created_by`)),
      ...field('author', str(h.author, `${at}.author`)),
      ...field('comment', str(h.comment, `${at}.comment`)),
      ...field('empty_layer', empty),
    }
  })
}

// Docker's strslice accepts a single string for Entrypoint and Cmd.
function command(value: unknown, at: string): readonly string[] | undefined {
  if (typeof value === 'string') return [value]
  return strings(value, at)
}

function keySet(value: unknown, at: string): Readonly<Record<string, EmptyObject>> | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw invalid(`${at} must be an object`)
  return Object.fromEntries(Object.keys(value).map((k) => [k, {}]))
}

function labels(value: unknown, at: string): Readonly<Record<string, string>> | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid(`${at} must map strings to strings`)
  }
  return value as Record<string, string>
}

function str(value: unknown, at: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(`${at} must be a string`)
  return value
}

function strings(value: unknown, at: string): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalid(`${at} must be an array of strings`)
  }
  return value
}

// Spreads to nothing for an absent value, so that optional fields stay absent rather than undefined.
function field<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(detail: string, cause?: unknown): AppError {
  return new AppError(
    Reason.BadRequest,
    `config invalid: ${detail}`,
    cause === undefined ? {} : { cause }
  )
}
