import {
  type DocumentLayout,
  parseCredentialDocument,
} from '../registry-client/credentials/docker-config.js'
import { quote } from '../registry-client/credentials/quote.js'
import { parseRegistryKey } from '../registry-client/credentials/registry-key.js'
import { AppError, isAppError, Reason } from '../shared/errors.js'
import { findDuplicateKeys } from './json-duplicate-keys.js'

/**
 * Checks a registry credential file before it goes into a pull secret (Docker `config.json`, Podman
 * `auth.json`, or a legacy `.dockercfg`). Throws AppError(Invalid) saying what is wrong: not JSON, not an
 * object, an entry that cannot be read (undecodable `auth`, a non-string field), a key that is not a
 * registry host, or two entries for the same registry path (a file may have `quay.io` and
 * `quay.io/team`, never `quay.io` twice). Returns warnings for things ignored on purpose (credential
 * helpers, entries without a username, a file with no credentials). No message quotes secret material.
 */
export function checkAuthFile(text: string, path: string, layout: DocumentLayout): string[] {
  const doc = parseCredentialDocument(text, layout, path)
  const problems = [...doc.badEntries]
  for (const d of findDuplicateKeys(text)) {
    if (d.path === '' || d.path === 'auths') {
      problems.push(`entry ${quote(d.key)} appears twice`)
    }
  }
  const byCanonical = new Map<string, string>()
  for (const e of doc.entries) {
    let canonical: string
    try {
      canonical = parseRegistryKey(e.key).canonical
    } catch (err) {
      if (!isAppError(err, Reason.Invalid)) throw err
      problems.push(err.message)
      continue
    }
    const other = byCanonical.get(canonical)
    if (other !== undefined) {
      problems.push(
        `entries ${quote(other)} and ${quote(e.key)} are for the same registry path ${quote(canonical)}; keep one`
      )
    } else byCanonical.set(canonical, e.key)
  }
  if (problems.length > 0) {
    throw new AppError(Reason.Invalid, `${path}: ${problems.join('; ')}`)
  }
  const warnings = [...doc.notices]
  if (doc.entries.length === 0) warnings.push(`${path} holds no registry credentials`)
  return warnings
}
