import type { FieldError } from '../../../shared/errors.js'
import { forbidden, invalid, required, tooLong } from '../../field-errors.js'
import { isConfigMapKey, nameIsDNSLabel, nameIsDNSSubdomain } from '../../name-validation.js'
import {
  validateFinalizers,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../object-meta-validation.js'
import { decodeGoBase64 } from './go-base64.js'
import { goJsonObjectError } from './go-json.js'
import {
  MAX_SECRET_SIZE,
  type Namespace,
  type Secret,
  SecretKey,
  SecretType,
  type ServiceAccount,
} from './types.js'

// core/v1 validation with the messages of kubernetes pkg/apis/core/validation/validation.go
// (ValidateNamespace, ValidateSecret, ValidateServiceAccount).

const REDACTED = '<secret contents redacted>'
const IMMUTABLE_DETAIL = 'field is immutable when `immutable` is set'

/** ValidateNamespace: a DNS-1123 label name, cluster-scoped, valid spec finalizers. */
export function validateNamespace(ns: Namespace): FieldError[] {
  return [
    ...validateObjectMeta(ns.metadata, { namespaced: false, nameFn: nameIsDNSLabel }),
    ...validateFinalizers(ns.spec?.finalizers, 'spec.finalizers'),
  ]
}

/**
 * Decodes a secret's data as the API server sees it after conversion: base64 `data` values, overlaid by
 * plain `stringData` values. Undecodable values are reported in `errors` (Kubernetes rejects them while
 * decoding the request: `illegal base64 data at input byte N`).
 */
export function secretPayload(secret: Secret): {
  data: Map<string, Uint8Array>
  errors: FieldError[]
} {
  const data = new Map<string, Uint8Array>()
  const errors: FieldError[] = []
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    const decoded = decodeGoBase64(String(value ?? ''))
    if (decoded.ok) data.set(key, decoded.bytes)
    else errors.push(invalid(`data[${key}]`, REDACTED, decoded.error))
  }
  const utf8 = new TextEncoder()
  for (const [key, value] of Object.entries(secret.stringData ?? {})) {
    data.set(key, utf8.encode(String(value ?? '')))
  }
  return { data, errors }
}

function checkJson(data: Map<string, Uint8Array>, key: string): FieldError[] {
  const bytes = data.get(key)
  if (bytes === undefined) return [required(`data[${key}]`)]
  const problem = goJsonObjectError(bytes)
  return problem === undefined ? [] : [invalid(`data[${key}]`, REDACTED, problem)]
}

/**
 * ValidateSecret: DNS-1123 subdomain name, data keys (config-map key grammar), 1 MiB total, base64
 * values, and the keys each type requires: `kubernetes.io/dockerconfigjson` needs `.dockerconfigjson`
 * holding a JSON object, `kubernetes.io/dockercfg` needs `.dockercfg` likewise. Our extension
 * `kubernetes.io/podmanconfigjson` needs `auth.json` (or `.dockerconfigjson`) holding a JSON object.
 * Opaque, empty and unknown types need nothing.
 */
export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain })
  const { data, errors } = secretPayload(secret)
  errs.push(...errors)
  let total = 0
  for (const [key, value] of data) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(`data[${key}]`, key, msg))
    total += value.length
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE))

  switch (secret.type ?? '') {
    case SecretType.DockerConfigJson:
      errs.push(...checkJson(data, SecretKey.DockerConfigJson))
      break
    case SecretType.Dockercfg:
      errs.push(...checkJson(data, SecretKey.Dockercfg))
      break
    case SecretType.PodmanConfigJson:
      errs.push(
        ...checkJson(
          data,
          data.has(SecretKey.PodmanAuthJson) || !data.has(SecretKey.DockerConfigJson)
            ? SecretKey.PodmanAuthJson
            : SecretKey.DockerConfigJson
        )
      )
      break
    case SecretType.ServiceAccountToken:
      if ((secret.metadata?.annotations?.[SecretKey.ServiceAccountName] ?? '') === '') {
        errs.push(required(`metadata.annotations[${SecretKey.ServiceAccountName}]`))
      }
      break
    case SecretType.BasicAuth:
      if (!data.has(SecretKey.BasicAuthUsername) && !data.has(SecretKey.BasicAuthPassword)) {
        errs.push(required(`data[${SecretKey.BasicAuthUsername}]`))
        errs.push(required(`data[${SecretKey.BasicAuthPassword}]`))
      }
      break
    case SecretType.SSHAuth:
      if ((data.get(SecretKey.SSHAuthPrivateKey)?.length ?? 0) === 0) {
        errs.push(required(`data[${SecretKey.SSHAuthPrivateKey}]`))
      }
      break
    case SecretType.TLS:
      if (!data.has(SecretKey.TLSCert)) errs.push(required(`data[${SecretKey.TLSCert}]`))
      if (!data.has(SecretKey.TLSPrivateKey))
        errs.push(required(`data[${SecretKey.TLSPrivateKey}]`))
      break
    default:
      break
  }
  return errs
}

/**
 * ValidateSecretUpdate: metadata update rules, type immutable, data and immutable frozen once
 * `immutable: true`, then every create rule.
 */
export function validateSecretUpdate(next: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  if ((next.type ?? '') !== (old.type ?? '')) {
    errs.push(invalid('type', next.type ?? '', 'field is immutable'))
  }
  if (old.immutable === true) {
    if (next.immutable !== true) {
      errs.push(forbidden('immutable', IMMUTABLE_DETAIL))
    }
    const a = JSON.stringify(Object.entries(next.data ?? {}).sort())
    const b = JSON.stringify(Object.entries(old.data ?? {}).sort())
    if (a !== b || Object.keys(next.stringData ?? {}).length > 0) {
      errs.push(forbidden('data', IMMUTABLE_DETAIL))
    }
  }
  errs.push(...validateSecret(next))
  return errs
}

/**
 * ValidateServiceAccount: a DNS-1123 subdomain name. Beyond Kubernetes (which checks only metadata),
 * each `secrets[i].name` and `imagePullSecrets[i].name` must be a non-empty secret name.
 */
export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  const errs = validateObjectMeta(sa.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain })
  const refs: [string, readonly { name?: string }[] | null | undefined][] = [
    ['secrets', sa.secrets],
    ['imagePullSecrets', sa.imagePullSecrets],
  ]
  for (const [field, list] of refs) {
    for (const [i, ref] of (list ?? []).entries()) {
      const path = `${field}[${i}].name`
      const name = ref?.name ?? ''
      if (name === '') errs.push(required(path))
      else for (const msg of nameIsDNSSubdomain(name, false)) errs.push(invalid(path, name, msg))
    }
  }
  return errs
}

/** ValidateServiceAccountUpdate: metadata update rules, then every create rule. */
export function validateServiceAccountUpdate(
  next: ServiceAccount,
  old: ServiceAccount
): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateServiceAccount(next)]
}

/** ValidateNamespaceUpdate: metadata update rules, then every create rule. */
export function validateNamespaceUpdate(next: Namespace, old: Namespace): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateNamespace(next)]
}
