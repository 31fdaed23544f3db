import { ApiError } from '../api/api-error.js'
import { goQuote } from '../api/field-errors.js'
import { qualifiedResource, type ResourceInfo } from '../api/scheme.js'
import { Reason } from '../shared/errors.js'
import type { Identity } from './authn.js'

// Authorization rules (a fixed policy instead of RBAC):
//   - the administrator may do everything;
//   - a service account may do everything to namespaced kinds in its own namespace, read (get, list,
//     watch) the cluster-scoped images, and get its own namespace; nothing else.

/** The attributes of an authorization check. */
export type AuthzAttributes = {
  readonly verb: string
  readonly resource: ResourceInfo
  readonly subresource?: string | undefined
  /** The namespace of the request; for a namespace object, its own name. */
  readonly namespace?: string | undefined
  readonly name?: string | undefined
}

const READ_VERBS = new Set(['get', 'list', 'watch'])

/** Reports whether the identity may perform the request. */
export function isAllowed(identity: Identity, a: AuthzAttributes): boolean {
  if (identity.kind === 'admin') return true
  const r = a.resource
  if (r.namespaced) return a.namespace !== undefined && a.namespace === identity.namespace
  if (r.plural === 'images') return READ_VERBS.has(a.verb)
  if (r.plural === 'namespaces') {
    return a.verb === 'get' && a.subresource === undefined && a.name === identity.namespace
  }
  return false
}

/**
 * Builds Kubernetes' Forbidden error, e.g. `imagestreams.image.openshift.io is forbidden: User
 * "system:serviceaccount:a:default" cannot list resource "imagestreams" in API group
 * "image.openshift.io" in the namespace "b"`.
 */
export function forbiddenError(identity: Identity, a: AuthzAttributes): ApiError {
  const r = a.resource
  const resource = a.subresource === undefined ? r.plural : `${r.plural}/${a.subresource}`
  const scope =
    a.namespace === undefined || a.namespace === ''
      ? 'at the cluster scope'
      : `in the namespace ${goQuote(a.namespace)}`
  const why = `User ${goQuote(identity.user)} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(r.group)} ${scope}`
  const subject = a.name === undefined || a.name === '' ? '' : ` ${goQuote(a.name)}`
  return new ApiError(Reason.Forbidden, `${qualifiedResource(r)}${subject} is forbidden: ${why}`, {
    group: r.group,
    kind: r.plural,
    name: a.name ?? '',
  })
}

/** Throws Forbidden unless the identity may perform the request. */
export function authorize(identity: Identity, a: AuthzAttributes): void {
  if (!isAllowed(identity, a)) throw forbiddenError(identity, a)
}
