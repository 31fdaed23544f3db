import { parse as parseYaml } from 'yaml'
import { parsePlatform } from '../oci/platform.js'
import { AppError, Reason } from '../shared/errors.js'

/** A registry host pattern allowed for imports (OpenShift's allowedRegistriesForImport entry). */
export type AllowedRegistry = { readonly domainName: string; readonly insecure?: boolean }

/** Everything `isctl serve` can be told, with defaults applied. */
export type ServerConfig = {
  readonly dataDir: string
  readonly listen: { readonly host: string; readonly port: number }
  readonly tlsCertFile?: string
  readonly tlsPrivateKeyFile?: string
  /** Serve plain HTTP; refused unless listening on loopback. */
  readonly insecureHttp: boolean
  readonly defaultImportMode: 'Legacy' | 'PreserveOriginal'
  readonly defaultPlatform: {
    readonly os: string
    readonly architecture: string
    readonly variant?: string
  }
  readonly allowedRegistriesForImport?: readonly AllowedRegistry[]
  readonly maxImagesBulkImportedPerRepository: number
  readonly scheduledImportIntervalMs: number
  readonly maxScheduledImportsPerMinute: number
  /** Host[:port] clients use to reach our registry; defaults to the listen address. */
  readonly registryHostname?: string
  /** Extra CA bundles (PEM files) trusted when importing. */
  readonly additionalTrustedCA: readonly string[]
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** Regular expressions of source tags never re-checked once imported (e.g. semver). */
  readonly immutableTagPatterns: readonly string[]
  readonly disableScheduledImport: boolean
  /** Server-side image pruning schedule (cron in UTC, `@daily`, `@every 6h`); off when absent. */
  readonly pruneSchedule?: string
}

/** The raw settings as flags or a config file give them (strings or numbers, all optional). */
export type RawServerSettings = Partial<Record<string, unknown>>

/** Defaults of the server settings, in one place. */
export const SERVER_DEFAULTS = {
  dataDir: './data',
  listen: '127.0.0.1:8443',
  defaultImportMode: 'Legacy',
  defaultPlatform: 'linux/amd64',
  maxImagesBulkImportedPerRepository: 50,
  scheduledImportInterval: '15m',
  maxScheduledImportsPerMinute: 60,
  logLevel: 'info',
} as const

/** Parses a config file (YAML or JSON) whose keys are the flag names in camelCase or kebab-case. */
export function parseConfigFile(text: string, path: string): RawServerSettings {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new AppError(Reason.Invalid, `config file ${path}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AppError(Reason.Invalid, `config file ${path}: expected a mapping of settings`)
  }
  const out: RawServerSettings = {}
  for (const [k, v] of Object.entries(doc)) out[camelCase(k)] = v
  return out
}

/**
 * Resolves settings (flags override the config file, which overrides defaults) into a validated config.
 * Throws AppError(Invalid) naming the setting that is wrong.
 */
export function resolveServerConfig(
  fromFile: RawServerSettings,
  fromFlags: RawServerSettings
): ServerConfig {
  const s: RawServerSettings = { ...fromFile }
  for (const [k, v] of Object.entries(fromFlags)) if (v !== undefined) s[k] = v
  const str = (k: string, d: string): string => {
    const v = s[k]
    if (v === undefined) return d
    if (typeof v !== 'string' && typeof v !== 'number') throw invalid(k, v, 'expected a string')
    return String(v)
  }
  const listen = parseListen(str('listen', SERVER_DEFAULTS.listen))
  const mode = str('defaultImportMode', SERVER_DEFAULTS.defaultImportMode)
  if (mode !== 'Legacy' && mode !== 'PreserveOriginal') {
    throw invalid(
      'defaultImportMode',
      mode,
      'valid ImportMode values are Legacy or PreserveOriginal'
    )
  }
  let platform: ServerConfig['defaultPlatform']
  try {
    platform = parsePlatform(str('defaultPlatform', SERVER_DEFAULTS.defaultPlatform))
  } catch (err) {
    throw invalid('defaultPlatform', s.defaultPlatform, (err as Error).message)
  }
  const insecureHttp = bool(s.insecureHttp, 'insecureHttp')
  if (insecureHttp && !isLoopback(listen.host)) {
    throw invalid(
      'insecureHttp',
      true,
      `plain HTTP is only allowed on a loopback address, not ${listen.host}`
    )
  }
  const tlsCertFile = optionalString(s.tlsCertFile)
  const tlsPrivateKeyFile = optionalString(s.tlsPrivateKeyFile)
  if ((tlsCertFile === undefined) !== (tlsPrivateKeyFile === undefined)) {
    throw invalid(
      'tlsCertFile',
      tlsCertFile ?? '',
      '--tls-cert-file and --tls-private-key-file go together'
    )
  }
  const registryHostname = optionalString(s.registryHostname)
  const pruneSchedule = optionalString(s.pruneSchedule)
  const allowed = parseAllowedRegistries(s.allowedRegistriesForImport)
  return {
    dataDir: str('dataDir', SERVER_DEFAULTS.dataDir),
    listen,
    ...(tlsCertFile === undefined ? {} : { tlsCertFile }),
    ...(tlsPrivateKeyFile === undefined ? {} : { tlsPrivateKeyFile }),
    insecureHttp,
    defaultImportMode: mode,
    defaultPlatform: platform,
    ...(allowed === undefined ? {} : { allowedRegistriesForImport: allowed }),
    maxImagesBulkImportedPerRepository: int(
      s.maxImagesBulkImportedPerRepository,
      'maxImagesBulkImportedPerRepository',
      SERVER_DEFAULTS.maxImagesBulkImportedPerRepository,
      -1
    ),
    scheduledImportIntervalMs: durationMs(
      str('scheduledImportInterval', SERVER_DEFAULTS.scheduledImportInterval),
      'scheduledImportInterval'
    ),
    maxScheduledImportsPerMinute: int(
      s.maxScheduledImportsPerMinute,
      'maxScheduledImportsPerMinute',
      SERVER_DEFAULTS.maxScheduledImportsPerMinute,
      1
    ),
    ...(registryHostname === undefined ? {} : { registryHostname }),
    additionalTrustedCA: list(s.additionalTrustedCA),
    logLevel: level(str('logLevel', SERVER_DEFAULTS.logLevel)),
    immutableTagPatterns: list(s.immutableTags),
    disableScheduledImport: bool(s.disableScheduledImport, 'disableScheduledImport'),
    ...(pruneSchedule === undefined ? {} : { pruneSchedule }),
  }
}

/** Parses `HOST:PORT` (IPv6 in brackets). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+):(\d{1,5})$/.exec(s)
  const port = Number(m?.[2])
  if (m === null || !(port >= 0 && port <= 65535)) {
    throw invalid('listen', s, 'expected HOST:PORT, e.g. 127.0.0.1:8443')
  }
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port }
}

/** Parses Go-style durations (`15m`, `30s`, `1h30m`, `500ms`) into milliseconds. */
export function parseDurationMs(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy
  let total = 0
  let matched = 0
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const n = Number(m[1])
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000)
    matched = re.lastIndex
  }
  if (matched !== s.length || s === '') return /^\d+$/.test(s) ? Number(s) * 1000 : undefined
  return total
}

/** Reports whether a host is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function durationMs(s: string, key: string): number {
  const ms = parseDurationMs(s)
  if (ms === undefined || ms <= 0)
    throw invalid(key, s, 'expected a duration such as 15m, 30s or 1h')
  return ms
}

function parseAllowedRegistries(v: unknown): AllowedRegistry[] | undefined {
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v === 'string') {
    // Flag form: comma-separated domain names; a trailing "(insecure)" marker is not needed for flags.
    return v
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d !== '')
      .map((domainName) => ({ domainName }))
  }
  if (!Array.isArray(v)) throw invalid('allowedRegistriesForImport', v, 'expected a list')
  return v.map((e, i) => {
    if (typeof e === 'string') return { domainName: e }
    const entry = e as { domainName?: unknown; insecure?: unknown }
    if (typeof entry?.domainName !== 'string' || entry.domainName === '') {
      throw invalid(`allowedRegistriesForImport[${i}].domainName`, entry?.domainName, 'required')
    }
    return { domainName: entry.domainName, insecure: entry.insecure === true }
  })
}

function camelCase(k: string): string {
  return k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

function list(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return []
  if (typeof v === 'string') return v.split(',').filter((x) => x !== '')
  if (Array.isArray(v)) return v.map(String)
  return [String(v)]
}

function bool(v: unknown, key: string): boolean {
  if (v === undefined || v === false || v === 'false') return false
  if (v === true || v === 'true') return true
  throw invalid(key, v, 'expected true or false')
}

function int(v: unknown, key: string, d: number, min: number): number {
  if (v === undefined) return d
  const n = typeof v === 'number' ? v : Number(v)
  if (!Number.isInteger(n) || n < min) throw invalid(key, v, `expected an integer >= ${min}`)
  return n
}

function level(s: string): ServerConfig['logLevel'] {
  if (s === 'debug' || s === 'info' || s === 'warn' || s === 'error') return s
  throw invalid('logLevel', s, 'expected debug, info, warn or error')
}

function invalid(key: string, value: unknown, why: string): AppError {
  const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  return new AppError(Reason.Invalid, `invalid --${flag} ${JSON.stringify(value)}: ${why}`)
}
