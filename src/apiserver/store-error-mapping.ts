import { ApiError, alreadyExistsError, conflictError, notFoundError } from '../api/api-error.js'
import type { ResourceInfo } from '../api/scheme.js'
import { isAppError, Reason } from '../shared/errors.js'

// The store words its errors with bare resource names (`imagestreams "x" not found`); the API names the
// group too (`imagestreams.image.openshift.io "x" not found`) and fills Status.details.

/** Rewrites a store error about one object of a resource in the API's words; other errors pass. */
export function translateStoreError(err: unknown, info: ResourceInfo, name: string): unknown {
  // Errors already in the API's words (raised by a mutate function) pass unchanged.
  if (err instanceof ApiError) return err
  if (isAppError(err, Reason.NotFound)) return notFoundError(info.kind, name)
  if (isAppError(err, Reason.AlreadyExists)) return alreadyExistsError(info.kind, name)
  if (isAppError(err, Reason.Conflict)) {
    const message = (err as Error).message
    const at = message.indexOf('": ')
    return conflictError(info.kind, name, at < 0 ? message : message.slice(at + 3))
  }
  return err
}

/** Runs a store call and translates its errors for the named object. */
export async function storeCall<T>(
  info: ResourceInfo,
  name: string,
  fn: () => Promise<T>
): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw translateStoreError(err, info, name)
  }
}
