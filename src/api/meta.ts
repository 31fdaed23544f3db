// Object metadata and Status as k8s.io/apimachinery/pkg/apis/meta/v1/types.go puts them on the wire.
// Timestamps are RFC 3339 strings; Go serialises a zero metav1.Time as null, so those fields accept null.

/** An RFC 3339 timestamp such as `2026-08-22T10:00:00Z` (metav1.Time on the wire). */
export type Time = string

/** apiVersion and kind of a serialised object. */
export type TypeMeta = {
  apiVersion?: string
  kind?: string
}

/** A reference to the owner of an object (used by garbage collection). */
export type OwnerReference = {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean | null
  blockOwnerDeletion?: boolean | null
}

/** One server-side-apply record; kept opaque and preserved as given. */
export type ManagedFieldsEntry = Record<string, unknown>

/** Metadata of every stored object (metav1.ObjectMeta). */
export type ObjectMeta = {
  name?: string
  generateName?: string
  namespace?: string
  selfLink?: string
  uid?: string
  resourceVersion?: string
  generation?: number | null
  creationTimestamp?: Time | null
  deletionTimestamp?: Time | null
  deletionGracePeriodSeconds?: number | null
  labels?: Record<string, string> | null
  annotations?: Record<string, string> | null
  ownerReferences?: OwnerReference[] | null
  finalizers?: string[] | null
  managedFields?: ManagedFieldsEntry[] | null
}

/** Metadata of a list (metav1.ListMeta). */
export type ListMeta = {
  selfLink?: string
  resourceVersion?: string
  continue?: string
  remainingItemCount?: number | null
}

/** A list of objects of one kind, e.g. `ImageStreamList`. */
export type List<T> = TypeMeta & {
  metadata?: ListMeta
  items: T[]
}

/** One cause of a failure (metav1.StatusCause); `reason` holds the FieldErrorType. */
export type StatusCause = {
  reason?: string
  message?: string
  field?: string
}

/** Extra data of a failure (metav1.StatusDetails); `kind` is a kind or a resource name. */
export type StatusDetails = {
  name?: string
  group?: string
  kind?: string
  uid?: string
  causes?: StatusCause[]
  retryAfterSeconds?: number
}

/** The values of Status.status. */
export const StatusValue = { Success: 'Success', Failure: 'Failure' } as const
/** A value of StatusValue. */
export type StatusValue = (typeof StatusValue)[keyof typeof StatusValue]

/** The result of an API call that returns no object, and every API error (metav1.Status). */
export type Status = TypeMeta & {
  metadata?: ListMeta
  status?: string
  message?: string
  reason?: string
  details?: StatusDetails
  code?: number
}

/** Metadata of a namespaced or cluster-scoped object: what every kind of this API has. */
export type ApiObject = TypeMeta & { metadata?: ObjectMeta }
