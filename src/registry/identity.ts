/**
 * Who is calling, as the server's token authority tells it: the admin (everywhere) or a service account
 * (pull and push in its own namespace). Anonymous callers have no Identity.
 */
export type Identity =
  | { readonly kind: 'admin' }
  | { readonly kind: 'serviceaccount'; readonly namespace: string; readonly name: string }

/** Resolves a secret (a Bearer token, or the password of Basic auth) to an identity; undefined if invalid. */
export type Authenticate = (secret: string) => Promise<Identity | undefined>

/** The namespace annotation that opens a namespace to anonymous pulls. */
export const PUBLIC_PULL_ANNOTATION = 'imagestreams.io/public-pull'

/** The registry actions of a repository scope (`repository:<name>:<actions>`). */
export const RegistryAction = { Pull: 'pull', Push: 'push', Delete: 'delete' } as const
/** One of the registry actions. */
export type RegistryAction = (typeof RegistryAction)[keyof typeof RegistryAction]

/**
 * Decides whether an identity may do an action in a namespace: the admin everywhere; a service account
 * only in its own namespace (pull, push and delete); anonymous callers only pull, and only from namespaces
 * marked public.
 */
export function identityMay(
  identity: Identity | undefined,
  namespace: string,
  action: RegistryAction,
  namespaceIsPublic: boolean
): boolean {
  if (identity === undefined) return action === RegistryAction.Pull && namespaceIsPublic
  if (identity.kind === 'admin') return true
  if (identity.namespace === namespace) return true
  return action === RegistryAction.Pull && namespaceIsPublic
}

/** A short, non-secret description of an identity for logs and token subjects. */
export function describeIdentity(identity: Identity | undefined): string {
  if (identity === undefined) return 'anonymous'
  if (identity.kind === 'admin') return 'admin'
  return `system:serviceaccount:${identity.namespace}:${identity.name}`
}
