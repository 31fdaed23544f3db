import { isAppError, Reason } from '../../shared/errors.js'
import { DOCKER_HUB_KEY_HOSTS, isDockerHubRegistry } from './docker-hub.js'
import { plainHttpNote } from './plain-http-note.js'
import {
  formatHostPort,
  parseRegistryKey,
  type RegistryKey,
  splitHostPort,
} from './registry-key.js'
import type { Credential, CredentialLookup, CredentialTarget, Keyring } from './types.js'

/** A credential under a key, with the origin (e.g. `secret "default/my-pull"`) used in notes and warnings. */
export type KeyedCredential = {
  /** The key as written in the document. */
  readonly key: string
  readonly credential: Credential
  /** Names the secret or file in notes and warnings; safe to show. */
  readonly origin: string
}

type IndexEntry = {
  readonly parsed: RegistryKey
  readonly sortKey: string
  readonly items: KeyedCredential[]
}

/**
 * Builds a keyring with kubelet pull-secret semantics (kubernetes pkg/credentialprovider keyring.go), plus
 * the OpenShift `:80` rule for plain-HTTP registries.
 *
 * Keys are normalised by parseRegistryKey and de-duplicated; credentials under the same key keep their input
 * order (secret order). The index is reverse-sorted so more specific keys come first (`quay.io/team` before
 * `quay.io`). A key matches a target when the port is equal (none matches none), the host has as many labels
 * and each label glob-matches, and the key path is a string prefix of `/<repository>` (so `quay.io/team` also
 * matches `quay.io/teamx/app`). Lookup returns every match, most specific first.
 *
 * Docker Hub: for a target on `docker.io`, `index.docker.io`, `registry-1.docker.io` or no registry, keys
 * on `index.docker.io` and `docker.io` (paths included, no port) match too, sorted as one host.
 *
 * The `:80` rule: for `scheme: 'http'` and a registry without port, keys must say `host:80`; keys for the
 * plain host are not used and each yields a note saying how to key them. Over https a `host:80` key does not
 * match a port-less registry; a registry with a port matches only keys with that exact port.
 *
 * Invalid keys are skipped with a warning prefixed by their origin.
 */
export function createKubeletKeyring(items: readonly KeyedCredential[]): {
  keyring: Keyring
  warnings: readonly string[]
} {
  const warnings: string[] = []
  const byKey = new Map<string, IndexEntry>()
  for (const item of items) {
    let parsed: RegistryKey
    try {
      parsed = parseRegistryKey(item.key)
    } catch (err) {
      if (!isAppError(err, Reason.Invalid)) throw err
      warnings.push(`${item.origin}: ${err.message}; ignored`)
      continue
    }
    const existing = byKey.get(parsed.canonical)
    if (existing === undefined) {
      byKey.set(parsed.canonical, { parsed, sortKey: sortKeyOf(parsed), items: [item] })
    } else {
      existing.items.push(item)
    }
  }
  // Stable sort: keys that sort equal (docker.io vs index.docker.io) keep input order.
  const index = [...byKey.values()].sort((a, b) =>
    a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0
  )
  return { keyring: { lookup: (target) => lookup(index, target) }, warnings }
}

function lookup(index: readonly IndexEntry[], target: CredentialTarget): CredentialLookup {
  const authority = splitHostPort(target.registry)
  if (authority === undefined) return { credentials: [], notes: [] }
  const host = authority.host.toLowerCase()
  const path = target.repository === '' ? '' : `/${target.repository}`
  const plainHttp = target.scheme === 'http' && authority.port === ''
  const port = plainHttp ? '80' : authority.port
  const dockerHub = isDockerHubRegistry(target.registry) && !plainHttp

  const credentials: Credential[] = []
  const notes: string[] = []
  for (const entry of index) {
    const key = entry.parsed
    if (!path.startsWith(key.path)) continue
    const hostMatches = host !== '' && key.matchHost(host)
    if (key.port === port && hostMatches) {
      for (const item of entry.items) credentials.push(item.credential)
    } else if (dockerHub && key.port === '' && DOCKER_HUB_KEY_HOSTS.includes(key.host)) {
      for (const item of entry.items) credentials.push(item.credential)
    } else if (plainHttp && key.port === '' && hostMatches) {
      for (const item of entry.items) {
        notes.push(
          plainHttpNote(item.origin, item.key, `${formatHostPort(key.host, '80')}${key.path}`)
        )
      }
    }
  }
  return { credentials, notes: [...new Set(notes)] }
}

// Docker Hub key hosts sort as one host so `docker.io/team` stays ahead of `index.docker.io`.
function sortKeyOf(key: RegistryKey): string {
  if (key.port === '' && DOCKER_HUB_KEY_HOSTS.includes(key.host)) return `docker.io${key.path}`
  return key.canonical
}
