import { AppError, Reason } from '../../shared/errors.js'
import { compileHostGlob, type HostMatcher } from './host-glob.js'
import { quote } from './quote.js'

/** A pull-secret key normalised the kubelet way (keyring.go `BasicDockerKeyring.Add`). */
export type RegistryKey = {
  /** `host[:port][/path]` without scheme, host in lower case: the keyring's index key. */
  readonly canonical: string
  /** Host pattern without port, lower case; may contain globs. */
  readonly host: string
  /** Port digits, or '' when the key has none (then it only matches targets without a port). */
  readonly port: string
  /** '' or a path starting with '/', matched as a plain string prefix of `/<repository>`. */
  readonly path: string
  readonly matchHost: HostMatcher
}

const SCHEME = /^https?:\/\//i

/**
 * Normalises a pull-secret key: an `http://` or `https://` scheme is dropped; a path starting with `/v1/` or
 * `/v2/` loses those three characters, so `https://index.docker.io/v1/` is `index.docker.io`. Beyond kubelet,
 * a scheme'd key whose whole path is `/v1` or `/v2` (as many hand-written secrets say
 * `https://index.docker.io/v1`) is the API URL of the registry too. The port is kept as written: no implicit
 * 443 or 80. Throws AppError(Invalid) for keys that are not registry hosts; a key with user info is rejected
 * without being quoted, as the user info may be a password.
 */
export function parseRegistryKey(raw: string): RegistryKey {
  const schemed = SCHEME.test(raw)
  const rest = raw.replace(SCHEME, '')
  const slash = rest.indexOf('/')
  const hostPort = slash < 0 ? rest : rest.slice(0, slash)
  let path = slash < 0 ? '' : rest.slice(slash)
  if (hostPort.includes('@')) {
    throw new AppError(Reason.Invalid, 'a key has user info (credentials do not belong in keys)')
  }
  const split = splitHostPort(hostPort)
  if (
    split === undefined ||
    split.host === '' ||
    /\s/.test(hostPort) ||
    hasControlCharacter(hostPort) ||
    rest.includes('://')
  ) {
    throw new AppError(Reason.Invalid, `key ${quote(raw)} is not a registry host[:port][/path]`)
  }
  const matchHost = compileHostGlob(split.host)
  if (matchHost === undefined) {
    throw new AppError(Reason.Invalid, `key ${quote(raw)} has a malformed host pattern`)
  }
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) path = path.slice(3)
  else if (schemed && (path === '/v1' || path === '/v2')) path = ''
  if (path === '/') path = ''
  const host = split.host.toLowerCase()
  const authority = formatHostPort(host, split.port)
  return { canonical: authority + path, host, port: split.port, path, matchHost }
}

/**
 * Splits `host[:port]` (IPv6 literals in brackets) into host and port ('' when absent). Returns undefined for
 * a malformed authority: a non-numeric port, an unclosed bracket, or a bare IPv6 address.
 */
export function splitHostPort(authority: string): { host: string; port: string } | undefined {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']')
    if (close < 0) return undefined
    const after = authority.slice(close + 1)
    if (after !== '' && !/^:\d+$/.test(after)) return undefined
    return { host: authority.slice(1, close), port: after.slice(1) }
  }
  const colon = authority.lastIndexOf(':')
  if (colon < 0) return { host: authority, port: '' }
  const host = authority.slice(0, colon)
  const port = authority.slice(colon + 1)
  if (host.includes(':') || !/^\d+$/.test(port)) return undefined
  return { host, port }
}

/** Joins a host and port ('' for none), bracketing IPv6 literals. */
export function formatHostPort(host: string, port: string): string {
  const h = host.includes(':') ? `[${host}]` : host
  return port === '' ? h : `${h}:${port}`
}

function hasControlCharacter(text: string): boolean {
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
