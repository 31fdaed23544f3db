import { goQuote } from '../api/field-errors.js'
import { type ImageReference, registryApiHost } from '../oci/reference.js'
import type { AllowedRegistry } from './importer-deps.js'

// allowedRegistriesForImport after openshift-apiserver validation/whitelist/whitelister.go and
// validation.ValidateRegistryAllowedForImport: entries are host[:port] globs ('*', '?'); an entry without
// a port means :443, or :80 when marked insecure. The imported reference's port is its own, else :80 when
// the import is insecure and :443 otherwise (library-go RegistryHostPort). Docker Hub hosts are first
// matched as `docker.io`. Our registry's hostname is always allowed.

type HostPortGlob = { readonly host: string; readonly port: string }

const SHOW_MAX = 5

/**
 * Decides whether a reference may be imported; returns undefined when allowed, else OpenShift's reason, e.g.
 * `registry "quay.io:443" not allowed by whitelist: "registry.example.com:443"`.
 */
export type RegistryAdmitter = (ref: ImageReference, insecure: boolean) => string | undefined

/**
 * Builds the admitter for an allowedRegistriesForImport list. Undefined `allowed` admits everything (the
 * setting is off); an empty list admits only our registry.
 */
export function createRegistryAdmitter(
  allowed: readonly AllowedRegistry[] | undefined,
  ownRegistry?: string
): RegistryAdmitter {
  if (allowed === undefined) return () => undefined
  const globs: HostPortGlob[] = []
  // Prepended in OpenShift, so our registry is listed first in messages.
  if (ownRegistry !== undefined && ownRegistry !== '') globs.push(...toGlobs(ownRegistry, false))
  for (const entry of allowed) {
    for (const g of toGlobs(entry.domainName, entry.insecure === true)) {
      if (!globs.some((x) => x.host === g.host && x.port === g.port)) globs.push(g)
    }
  }
  return (ref, insecure) => {
    const [host, port] = registryHostPort(ref, insecure)
    const hostname = `${host}:${port}`
    const matches = (h: string): boolean =>
      globs.some((g) => isWildcardMatch(h, g.host) && isWildcardMatch(port, g.port))
    if (host === 'index.docker.io' || host === 'registry-1.docker.io') {
      // Try plain docker.io first so that a `docker.io` entry allows Docker Hub.
      if (matches('docker.io')) return undefined
    }
    if (matches(host)) return undefined
    const why =
      globs.length === 0
        ? `registry ${goQuote(hostname)} not allowed by empty whitelist`
        : `registry ${goQuote(hostname)} not allowed by whitelist: ${listGlobs(globs)}`
    return `importing images from registry ${goQuote(hostname)} is forbidden: ${why}`
  }
}

function toGlobs(domainName: string, insecure: boolean): HostPortGlob[] {
  const parts = domainName.split(':')
  if (parts.length === 1) return [{ host: domainName, port: insecure ? '80' : '443' }]
  if (parts.length === 2) return [{ host: parts[0] ?? '', port: parts[1] ?? '' }]
  // OpenShift refuses to start with such an entry; here it simply matches nothing.
  return []
}

function listGlobs(globs: readonly HostPortGlob[]): string {
  const shown = globs.map((g) => goQuote(`${g.host}:${g.port}`))
  if (shown.length <= SHOW_MAX) return shown.join(', ')
  return `${shown.slice(0, SHOW_MAX - 1).join(', ')}, and ${shown.length - SHOW_MAX + 1} more ...`
}

/**
 * library-go `RegistryHostPort`: the registry of the reference after Docker defaults (Docker Hub as
 * `registry-1.docker.io`), split into host and port; without a port :80 when insecure, else :443.
 */
export function registryHostPort(ref: ImageReference, insecure: boolean): [string, string] {
  const registry = registryApiHost(ref.registry)
  const m = /^(.*):(\d+)$/.exec(registry)
  if (m !== null && !registry.endsWith(']')) return [unbracket(m[1] ?? ''), m[2] ?? '']
  return [unbracket(registry), insecure ? '80' : '443']
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/** OpenShift's `IsWildcardMatch(s, p)`: p may contain '*' (any run) and '?' (one character). */
export function isWildcardMatch(s: string, p: string): boolean {
  // dp[i] = does p[0:j] match s[0:i]; rolled over j.
  let dp: boolean[] = [true, ...Array<boolean>(s.length).fill(false)]
  for (const pc of p) {
    const next: boolean[] = [dp[0] === true && pc === '*']
    for (let i = 1; i <= s.length; i++) {
      next[i] =
        pc === '*'
          ? next[i - 1] === true || dp[i] === true
          : dp[i - 1] === true && (pc === '?' || pc === s[i - 1])
    }
    dp = next
  }
  return dp[s.length] === true
}
