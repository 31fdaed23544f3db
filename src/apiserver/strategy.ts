import type { ResourceInfo } from '../api/scheme.js'
import type { FieldError } from '../shared/errors.js'
import type { Store, StoredObject } from '../store/store.js'
import type { Identity } from './authn.js'
import type { ApiSettings } from './deps.js'

// A strategy holds what differs between kinds when they are written (Kubernetes' RESTCreateStrategy and
// RESTUpdateStrategy): defaults, server-set fields, generations and validation. The generic handlers do
// the rest (names, namespaces, resourceVersion, uid and creationTimestamp, dry run, the store).

/** What a strategy may use while preparing an object. */
export type StrategyContext = {
  readonly store: Store
  readonly nowMs: number
  readonly settings: ApiSettings
  readonly identity: Identity
  readonly signal: AbortSignal
}

/**
 * Which part of the object an update writes: `main` the object without status, `status` only the status
 * (the status subresource), `internal` both (server-side edits such as deleting an image stream tag).
 */
export type UpdateMode = 'main' | 'status' | 'internal'

/** The kind-specific rules of a stored resource. */
export type Strategy = {
  readonly info: ResourceInfo
  /** Whether a PUT may omit metadata.resourceVersion (then it overwrites whatever is stored). */
  readonly allowUnconditionalUpdate: boolean
  /** Fields the kind accepts in field selectors. */
  readonly selectableFields: readonly string[]
  /** Whether the kind has a status subresource. */
  readonly hasStatus: boolean
  /** Server defaults of every decoded object (create, update, and the result of a patch). */
  setDefaults(obj: StoredObject, settings: ApiSettings): void
  /** PrepareForCreate then Validate: mutates obj, returns the field errors. */
  prepareCreate(obj: StoredObject, ctx: StrategyContext): Promise<FieldError[]>
  /** PrepareForUpdate then ValidateUpdate: mutates next, returns the field errors. */
  prepareUpdate(
    next: StoredObject,
    old: StoredObject,
    mode: UpdateMode,
    ctx: StrategyContext
  ): Promise<FieldError[]>
  /** Fills derived fields of an object being returned (e.g. the stream's repository). */
  decorate?(obj: StoredObject, settings: ApiSettings): void
}

/** The current time as Kubernetes writes it (RFC 3339, seconds). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
