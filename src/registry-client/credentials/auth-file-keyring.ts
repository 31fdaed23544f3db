import { parseCredentialDocument } from './docker-config.js'
import { isDockerHubRegistry } from './docker-hub.js'
import { plainHttpNote } from './plain-http-note.js'
import { quote } from './quote.js'
import { splitHostPort } from './registry-key.js'
import type { Credential, CredentialLookup, CredentialTarget, Keyring } from './types.js'

type FileEntry = {
  readonly key: string
  /** The key as a registry, for the fallback pass (containers/image `normalizeAuthFileKey`). */
  readonly normalized: string
  readonly credential: Credential
}

/**
 * Builds a keyring from an `--authfile` (containers-auth.json(5), as skopeo and podman read it): a Podman
 * `auth.json`, a Docker `config.json`, or a legacy `.dockercfg` map. `source` names the file in messages,
 * e.g. its path.
 *
 * Lookup for `reg/ns/user/image`:
 * 1. exact keys, most specific first: `reg/ns/user/image`, `reg/ns/user`, `reg/ns`, `reg`;
 * 2. then keys normalised to a registry: `http(s)://` stripped and, for such keys or a legacy file, cut at the
 *    first '/'; `docker.io` and `registry-1.docker.io` read as `index.docker.io` on both sides, so
 *    `https://index.docker.io/v1/` serves `docker.io/...`.
 * Skopeo uses only the first match; this returns every match in that order, for the client to try in turn.
 * A Docker Hub target (`docker.io`, `index.docker.io`, `registry-1.docker.io`, none) is looked up as
 * `docker.io`, the name containers/image uses.
 *
 * The `:80` rule applies as for pull secrets: for `scheme: 'http'` and a registry without port the lookup
 * is for `reg:80`; keys for the plain `reg` yield a note instead.
 *
 * Credential helpers are never run (reported in `warnings`); an entry that cannot be read is skipped with a
 * warning. Throws AppError(Invalid) when the file as a whole is not a credential document.
 */
export function keyringFromAuthFile(
  text: string,
  source: string
): { keyring: Keyring; warnings: readonly string[] } {
  const origin = `auth file ${quote(source)}`
  const doc = parseCredentialDocument(text, 'auto', origin)
  const warnings = [...doc.notices, ...doc.badEntries.map((bad) => `${origin}: ignoring ${bad}`)]
  const entries: FileEntry[] = doc.entries.map((entry) => ({
    key: entry.key,
    normalized: normalizeAuthFileKey(entry.key, doc.legacy),
    credential: {
      ...(entry.username === undefined ? {} : { username: entry.username }),
      ...(entry.password === undefined ? {} : { password: entry.password }),
      ...(entry.identityToken === undefined ? {} : { identityToken: entry.identityToken }),
      ...(entry.registryToken === undefined ? {} : { registryToken: entry.registryToken }),
      source: `${origin} key ${quote(entry.key)}`,
    },
  }))
  return { keyring: { lookup: (target) => lookup(entries, doc.legacy, origin, target) }, warnings }
}

function lookup(
  entries: readonly FileEntry[],
  legacy: boolean,
  origin: string,
  target: CredentialTarget
): CredentialLookup {
  const registry = isDockerHubRegistry(target.registry) ? 'docker.io' : target.registry
  const authority = splitHostPort(registry)
  const plainHttp = target.scheme === 'http' && authority !== undefined && authority.port === ''
  const used = plainHttp ? `${registry}:80` : registry

  const matched = matches(entries, legacy, used, target.repository)
  const notes: string[] = []
  if (plainHttp) {
    for (const entry of matches(entries, legacy, registry, target.repository)) {
      if (matched.includes(entry)) continue
      const suggested = entry.key.startsWith(registry)
        ? `${used}${entry.key.slice(registry.length)}`
        : used
      notes.push(plainHttpNote(origin, entry.key, suggested))
    }
  }
  return { credentials: matched.map((e) => e.credential), notes }
}

function matches(
  entries: readonly FileEntry[],
  legacy: boolean,
  registry: string,
  repository: string
): FileEntry[] {
  const found: FileEntry[] = []
  // A legacy file only has registry keys (containers/image `findCredentialsInFile`).
  if (!legacy) {
    for (const key of authKeysForKey(repository === '' ? registry : `${registry}/${repository}`)) {
      for (const entry of entries) if (entry.key === key) found.push(entry)
    }
  }
  const normalizedRegistry = normalizeRegistry(registry)
  for (const entry of entries) {
    if (entry.normalized === normalizedRegistry && !found.includes(entry)) found.push(entry)
  }
  return found
}

// `quay.io/a/b` → `quay.io/a/b`, `quay.io/a`, `quay.io`.
function authKeysForKey(key: string): string[] {
  const keys = [key]
  for (let slash = key.lastIndexOf('/'); slash >= 0; slash = key.lastIndexOf('/', slash - 1)) {
    keys.push(key.slice(0, slash))
  }
  return keys
}

function normalizeAuthFileKey(key: string, legacy: boolean): string {
  const stripped = key.replace(/^https?:\/\//, '')
  const registry = legacy || stripped !== key ? (stripped.split('/')[0] ?? '') : stripped
  return normalizeRegistry(registry)
}

function normalizeRegistry(registry: string): string {
  return registry === 'docker.io' || registry === 'registry-1.docker.io'
    ? 'index.docker.io'
    : registry
}
