import { isIP } from 'node:net'
import { Reason } from '../shared/errors.js'
import { RegistryError, RegistryErrorCode } from './errors.js'

/** Options of checkRealm. */
export type CheckRealmOptions = {
  /** The `realm` parameter of the Bearer challenge. */
  readonly realm: string
  /** The registry's base URL as reached (scheme and host). */
  readonly registryBase: URL
  /** Extra trusted realm hosts: `host` or `host:port`. */
  readonly allowedRealmHosts?: readonly string[]
}

/**
 * Validates a token realm before any credential is sent there (registry-protocol §5.1; ggcr
 * `validateRealmURL`, oras-go CVE-2026-48978). The realm is server-controlled, so:
 *  1. it must be an absolute http(s) URL without user info;
 *  2. it must be https, unless the registry itself is reached over http (insecure registry);
 *  3. a realm host that is `localhost` or an IP literal in a loopback, private, link-local, CGNAT or
 *     unspecified range is accepted only when its hostname equals the registry's (any port), or when it is
 *     listed in allowedRealmHosts.
 * Returns the parsed realm URL; throws RegistryError REALM_REJECTED (Forbidden) otherwise.
 */
export function checkRealm(o: CheckRealmOptions): URL {
  const reject = (why: string, host: string): RegistryError =>
    new RegistryError({
      code: RegistryErrorCode.RealmRejected,
      reason: Reason.Forbidden,
      message: `token realm host ${host} rejected: ${why}; no credentials were sent to it`,
    })
  let url: URL
  try {
    url = new URL(o.realm)
  } catch {
    throw reject('the realm is not an absolute URL', JSON.stringify(o.realm.slice(0, 100)))
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw reject(`unsupported scheme ${url.protocol}`, url.host)
  }
  if (url.username !== '' || url.password !== '') {
    throw reject('the realm URL carries user info', url.host)
  }
  if (url.protocol === 'http:' && o.registryBase.protocol !== 'http:') {
    throw reject('the realm must use https', url.host)
  }
  const allowed = (o.allowedRealmHosts ?? []).map((h) => h.toLowerCase())
  if (allowed.includes(url.host.toLowerCase()) || allowed.includes(url.hostname.toLowerCase())) {
    return url
  }
  if (isInternalHost(url.hostname) && url.hostname !== o.registryBase.hostname.toLowerCase()) {
    throw reject(
      `internal addresses are accepted only on the registry's own host ${o.registryBase.hostname} ` +
        '(or list the host in allowedRealmHosts)',
      url.host
    )
  }
  return url
}

/**
 * Reports whether a URL hostname (as WHATWG URL normalises it: lower case, IPv4 in dotted decimal, IPv6 in
 * brackets) is localhost or an IP literal in a loopback, private, link-local, CGNAT or unspecified range.
 */
export function isInternalHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  const family = isIP(h)
  if (family === 4) return isInternalIPv4(h)
  if (family === 6) return isInternalIPv6(h)
  return false
}

function isInternalIPv4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split('.').map(Number)
  return (
    a === 0 || // unspecified / "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  )
}

function isInternalIPv6(ip: string): boolean {
  const groups = expandIPv6(ip)
  if (groups === undefined) return true
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (zeroPrefix && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return true // :: and ::1
  if (zeroPrefix && g5 === 0xffff) {
    // IPv4-mapped ::ffff:a.b.c.d
    return isInternalIPv4(`${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`)
  }
  if ((g0 & 0xfe00) === 0xfc00) return true // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return true // fe80::/10 link-local
  return false
}

function expandIPv6(ip: string): number[] | undefined {
  let text = ip.split('%')[0] ?? ''
  // A trailing dotted IPv4 becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4 !== null) {
    const [, a, b, c, d] = v4.map(Number)
    text = `${text.slice(0, v4.index)}${(((a ?? 0) << 8) | (b ?? 0)).toString(16)}:${(((c ?? 0) << 8) | (d ?? 0)).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const h = head === '' ? [] : head.split(':')
  const t = tail === undefined || tail === '' ? [] : tail.split(':')
  const missing = 8 - h.length - t.length
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined
  const all = [...h, ...Array<string>(missing).fill('0'), ...t].map((g) => Number.parseInt(g, 16))
  return all.some((n) => Number.isNaN(n)) ? undefined : all
}
