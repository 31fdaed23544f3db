import { setDefaultsSecret } from '../api/core/v1/defaults.js'
import type { Namespace, Secret, ServiceAccount } from '../api/core/v1/types.js'
import { NamespacePhase } from '../api/core/v1/types.js'
import {
  validateNamespace,
  validateNamespaceUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from '../api/core/v1/validation.js'
import { DEFAULT_SELECTABLE_FIELDS } from '../api/field-selector.js'
import { type ResourceInfo, resourceForPlural } from '../api/scheme.js'
import type { StoredObject } from '../store/store.js'
import type { Strategy } from './strategy.js'

// Strategies of the core/v1 kinds: Namespace, Secret, ServiceAccount (kubernetes pkg/registry/core/*).

function info(plural: string): ResourceInfo {
  const r = resourceForPlural(plural)
  if (r === undefined) throw new Error(`resource ${plural} is not in the scheme`)
  return r
}

/** The finalizer Kubernetes puts on every namespace. */
export const NAMESPACE_FINALIZER = 'kubernetes'

/** Namespaces: Active on create; spec and status are kept on update (they change only by deletion). */
export const namespaceStrategy: Strategy = {
  info: info('namespaces'),
  allowUnconditionalUpdate: true,
  selectableFields: [...DEFAULT_SELECTABLE_FIELDS, 'status.phase'],
  hasStatus: false,
  setDefaults() {},
  async prepareCreate(obj) {
    const ns = obj as StoredObject & Namespace
    ns.spec = { ...(ns.spec ?? {}), finalizers: [NAMESPACE_FINALIZER] }
    ns.status = { phase: NamespacePhase.Active }
    return validateNamespace(ns)
  },
  async prepareUpdate(next, old) {
    const ns = next as StoredObject & Namespace
    const prev = old as StoredObject & Namespace
    ns.spec = structuredClone(prev.spec ?? {})
    ns.status = structuredClone(prev.status ?? {})
    return validateNamespaceUpdate(ns, prev)
  },
}

// Kubernetes converts stringData into data while decoding; the API never returns stringData.
function foldStringData(secret: Secret): void {
  const stringData = secret.stringData
  if (stringData === null || stringData === undefined) return
  const data = { ...(secret.data ?? {}) }
  for (const [k, v] of Object.entries(stringData)) {
    data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64')
  }
  secret.data = data
  delete secret.stringData
}

/** Secrets: type Opaque by default, stringData folded into data, Kubernetes' validation. */
export const secretStrategy: Strategy = {
  info: info('secrets'),
  allowUnconditionalUpdate: true,
  selectableFields: [...DEFAULT_SELECTABLE_FIELDS, 'type'],
  hasStatus: false,
  setDefaults(obj) {
    setDefaultsSecret(obj as StoredObject & Secret)
  },
  async prepareCreate(obj) {
    const secret = obj as StoredObject & Secret
    // Validate first: it reports undecodable data, which folding would hide.
    const errs = validateSecret(secret)
    foldStringData(secret)
    return errs
  },
  async prepareUpdate(next, old) {
    const secret = next as StoredObject & Secret
    const errs = validateSecretUpdate(secret, old as StoredObject & Secret)
    foldStringData(secret)
    return errs
  },
}

/** Service accounts: only validation. */
export const serviceAccountStrategy: Strategy = {
  info: info('serviceaccounts'),
  allowUnconditionalUpdate: true,
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  hasStatus: false,
  setDefaults() {},
  async prepareCreate(obj) {
    return validateServiceAccount(obj as StoredObject & ServiceAccount)
  },
  async prepareUpdate(next, old) {
    return validateServiceAccountUpdate(
      next as StoredObject & ServiceAccount,
      old as StoredObject & ServiceAccount
    )
  },
}
