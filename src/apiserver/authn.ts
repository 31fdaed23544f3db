import { timingSafeEqual } from 'node:crypto'
import { AppError, Reason } from '../shared/errors.js'
import type { Store } from '../store/store.js'
import type { TokenAuthority } from './token-authority.js'

/** The user name of the administrator. */
export const ADMIN_USER = 'system:admin'

/** Who is calling: the administrator or a service account. */
export type Identity =
  | { readonly kind: 'admin'; readonly user: string }
  | {
      readonly kind: 'serviceaccount'
      /** `system:serviceaccount:<namespace>:<name>`, as Kubernetes names it. */
      readonly user: string
      readonly namespace: string
      readonly name: string
      readonly uid: string
    }

/** What authenticate needs. */
export type AuthnDeps = {
  readonly adminToken: string
  readonly tokens: TokenAuthority
  readonly store: Store
}

function unauthorized(): AppError {
  return new AppError(Reason.Unauthorized, 'Unauthorized')
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Authenticates a request by its `Authorization: Bearer <token>` header: the admin token or a valid
 * service-account token. Throws Unauthorized (401, message "Unauthorized" as Kubernetes) otherwise.
 */
export async function authenticate(
  headers: Headers,
  deps: AuthnDeps,
  signal?: AbortSignal
): Promise<Identity> {
  const header = headers.get('authorization') ?? ''
  const match = /^bearer\s+(\S+)\s*$/i.exec(header)
  const token = match?.[1]
  if (token === undefined) throw unauthorized()
  if (deps.adminToken !== '' && sameSecret(token, deps.adminToken)) {
    return { kind: 'admin', user: ADMIN_USER }
  }
  const claims = await deps.tokens.verify(token, {
    store: deps.store,
    ...(signal === undefined ? {} : { signal }),
  })
  if (claims === undefined) throw unauthorized()
  return {
    kind: 'serviceaccount',
    user: `system:serviceaccount:${claims.namespace}:${claims.name}`,
    namespace: claims.namespace,
    name: claims.name,
    uid: claims.uid,
  }
}
