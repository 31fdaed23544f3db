import { isAppError, Reason } from '../../shared/errors.js'
import { decodeBase64Text } from './base64.js'
import { type DocumentLayout, parseCredentialDocument } from './docker-config.js'
import { createKubeletKeyring, type KeyedCredential } from './kubelet-keyring.js'
import { quote } from './quote.js'
import type { Credential, Keyring } from './types.js'

/** The parts of a Kubernetes Secret this module reads. `data` values are base64; `stringData` values are plain. */
export type PullSecretLike = {
  readonly metadata: {
    readonly name: string
    readonly namespace?: string | undefined
    readonly annotations?: Readonly<Record<string, string>> | undefined
  }
  readonly type?: string | undefined
  readonly data?: Readonly<Record<string, string>> | undefined
  readonly stringData?: Readonly<Record<string, string>> | undefined
}

/** Secret types that hold registry credentials. */
export const PullSecretType = {
  DockerConfigJson: 'kubernetes.io/dockerconfigjson',
  Dockercfg: 'kubernetes.io/dockercfg',
  PodmanConfigJson: 'kubernetes.io/podmanconfigjson',
} as const
/** A value of PullSecretType. */
export type PullSecretType = (typeof PullSecretType)[keyof typeof PullSecretType]

/** Annotation that keeps a secret out of image imports when set to "true" (OpenShift). */
export const EXCLUDE_SECRET_ANNOTATION = 'openshift.io/image.excludeSecret'

type SecretFormat = { readonly dataKeys: readonly string[]; readonly layout: DocumentLayout }

const FORMATS: Readonly<Record<PullSecretType, SecretFormat>> = {
  [PullSecretType.DockerConfigJson]: { dataKeys: ['.dockerconfigjson'], layout: 'auths' },
  [PullSecretType.Dockercfg]: { dataKeys: ['.dockercfg'], layout: 'legacy' },
  // `oc create secret generic --from-file=<dir>/auth.json` names the key after the file.
  [PullSecretType.PodmanConfigJson]: {
    dataKeys: ['auth.json', '.dockerconfigjson'],
    layout: 'auths',
  },
}

/**
 * Builds the keyring for image imports from a namespace's pull secrets, with kubelet matching semantics and
 * the `:80` rule (see createKubeletKeyring). Secrets are read in order, so for equal keys the earlier
 * secret's credential comes first.
 *
 * Read: `kubernetes.io/dockerconfigjson` (`.dockerconfigjson`), `kubernetes.io/dockercfg` (`.dockercfg`) and
 * `kubernetes.io/podmanconfigjson` (`auth.json`, else `.dockerconfigjson`); `stringData` wins over `data`.
 * Skipped quietly: other types and secrets annotated `openshift.io/image.excludeSecret: "true"`.
 *
 * Unlike OpenShift, which fails the whole import when one secret is malformed, a malformed secret (bad
 * base64, bad JSON, a bad entry such as an undecodable `auth`) is skipped and reported by name in
 * `warnings`, e.g. `secret "ns/name": .dockerconfigjson is not valid JSON`; the others still work.
 * Credential helpers named in a secret are never run; that is reported too. Warnings hold no secret material.
 */
export function keyringFromSecrets(secrets: readonly PullSecretLike[]): {
  keyring: Keyring
  warnings: readonly string[]
} {
  const warnings: string[] = []
  const items: KeyedCredential[] = []
  for (const secret of secrets) {
    if (secret.metadata.annotations?.[EXCLUDE_SECRET_ANNOTATION] === 'true') continue
    const format = secret.type === undefined ? undefined : formatOf(secret.type)
    if (format === undefined) continue
    const { namespace, name } = secret.metadata
    const id = namespace === undefined || namespace === '' ? name : `${namespace}/${name}`
    const origin = `secret ${quote(id)}`
    const read = readSecret(secret, format)
    if (typeof read === 'string') {
      warnings.push(`${origin}: ${read}`)
      continue
    }
    for (const notice of read.notices) warnings.push(`${origin}: ${notice}`)
    for (const entry of read.entries) {
      const credential: Credential = {
        ...(entry.username === undefined ? {} : { username: entry.username }),
        ...(entry.password === undefined ? {} : { password: entry.password }),
        ...(entry.identityToken === undefined ? {} : { identityToken: entry.identityToken }),
        ...(entry.registryToken === undefined ? {} : { registryToken: entry.registryToken }),
        source: `secret ${id} key ${quote(entry.key)}`,
      }
      items.push({ key: entry.key, credential, origin })
    }
  }
  const built = createKubeletKeyring(items)
  return { keyring: built.keyring, warnings: [...warnings, ...built.warnings] }
}

function formatOf(type: string): SecretFormat | undefined {
  return Object.hasOwn(FORMATS, type) ? FORMATS[type as PullSecretType] : undefined
}

type ReadSecret = ReturnType<typeof parseCredentialDocument>

// Returns the parsed document, or a message saying why the whole secret is skipped.
function readSecret(secret: PullSecretLike, format: SecretFormat): ReadSecret | string {
  let text: string | undefined
  let dataKey: string | undefined
  for (const key of format.dataKeys) {
    const plain = secret.stringData?.[key]
    if (plain !== undefined) {
      text = plain
      dataKey = key
      break
    }
    const encoded = secret.data?.[key]
    if (encoded !== undefined) {
      text = decodeBase64Text(encoded)
      dataKey = key
      if (text === undefined) return `${key} is not valid base64 of UTF-8 text`
      break
    }
  }
  if (text === undefined || dataKey === undefined) {
    return `has no ${format.dataKeys.join(' or ')} key`
  }
  if (text.trim() === '') return `${dataKey} is empty`
  let doc: ReadSecret
  try {
    doc = parseCredentialDocument(text, format.layout, dataKey)
  } catch (err) {
    if (isAppError(err, Reason.Invalid)) return err.message
    throw err
  }
  if (doc.badEntries.length > 0) return `${dataKey}: ${doc.badEntries.join('; ')}`
  return doc
}
