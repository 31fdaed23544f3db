// The patch strategies of list fields, as the Go types declare them with `patchStrategy` and
// `patchMergeKey` tags (openshift/api image/v1/types.go, k8s.io/api core/v1/types.go, metav1 ObjectMeta).
// Strategic merge patches merge these lists by key; every other list is replaced. The OpenAPI documents
// publish the same table as x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key so that kubectl
// computes strategic merge patches.

/** How a list field is patched. */
export type PatchMeta = {
  /** `merge` merges the list (by mergeKey for lists of objects, as a set for scalars). */
  readonly strategy: 'merge'
  /** The field identifying an element of a list of objects. */
  readonly mergeKey?: string
}

const OBJECT_META: Readonly<Record<string, PatchMeta>> = {
  'metadata.finalizers': { strategy: 'merge' },
  'metadata.ownerReferences': { strategy: 'merge', mergeKey: 'uid' },
}

const BY_KIND: Readonly<Record<string, Readonly<Record<string, PatchMeta>>>> = {
  ImageStream: {
    'spec.tags': { strategy: 'merge', mergeKey: 'name' },
    'status.tags': { strategy: 'merge', mergeKey: 'tag' },
  },
  ServiceAccount: {
    secrets: { strategy: 'merge', mergeKey: 'name' },
    imagePullSecrets: { strategy: 'merge', mergeKey: 'name' },
  },
}

/**
 * Returns the patch strategy of a field of a kind, by its dotted path without list indices
 * (`spec.tags`, `metadata.finalizers`); undefined for fields that are replaced.
 */
export function patchMetaFor(kind: string, path: string): PatchMeta | undefined {
  return OBJECT_META[path] ?? BY_KIND[kind]?.[path]
}
