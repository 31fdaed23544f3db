import type { Keyring } from './types.js'

/**
 * Chains keyrings: lookup concatenates their credentials and notes in argument order (kubelet
 * `unionDockerKeyring`), e.g. `chainKeyrings(namespaceSecrets, nodeCredentials)` so secrets are tried first.
 * Identical notes are reported once.
 */
export function chainKeyrings(...keyrings: Keyring[]): Keyring {
  return {
    lookup(target) {
      const results = keyrings.map((k) => k.lookup(target))
      return {
        credentials: results.flatMap((r) => r.credentials),
        notes: [...new Set(results.flatMap((r) => r.notes))],
      }
    },
  }
}
