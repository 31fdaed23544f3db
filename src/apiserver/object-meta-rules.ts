import { randomInt } from 'node:crypto'
import { conflictError, notFoundError, OPTIMISTIC_LOCK_DETAIL } from '../api/api-error.js'
import type { ResourceInfo } from '../api/scheme.js'
import { AppError, Reason } from '../shared/errors.js'
import type { Store, StoredObject } from '../store/store.js'

// The metadata rules every kind shares (k8s.io/apiserver rest.BeforeCreate / BeforeUpdate and the
// generic registry): namespaces from the URL, generated names, system fields, optimistic concurrency.

// Kubernetes' generateName alphabet: no vowels (no words) and no look-alike characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
const MAX_GENERATE_NAME_PREFIX = 58

/** Appends five random characters to a generateName prefix (names.SimpleNameGenerator). */
export function generateName(prefix: string): string {
  let suffix = ''
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)]
  return prefix.slice(0, MAX_GENERATE_NAME_PREFIX) + suffix
}

/**
 * Checks that the body names the same object as the URL and fills what it leaves out: the namespace
 * (namespaced kinds) and, when the URL has one, the name.
 */
export function bindToUrl(
  obj: StoredObject,
  info: ResourceInfo,
  url: { namespace: string | undefined; name: string | undefined }
): void {
  const meta = obj.metadata
  if (info.namespaced) {
    const ns = meta.namespace ?? ''
    if (ns !== '' && ns !== url.namespace) {
      throw new AppError(
        Reason.BadRequest,
        'the namespace of the provided object does not match the namespace sent on the request'
      )
    }
    if (url.namespace !== undefined) meta.namespace = url.namespace
  } else {
    delete meta.namespace
  }
  if (url.name !== undefined) {
    const name = meta.name ?? ''
    if (name !== '' && name !== url.name) {
      throw new AppError(
        Reason.BadRequest,
        `the name of the object (${name}) does not match the name on the URL (${url.name})`
      )
    }
    meta.name = url.name
  }
}

/** BeforeCreate: no resourceVersion, a generated name when asked, no client-set system fields. */
export function prepareMetaForCreate(obj: StoredObject): void {
  const meta = obj.metadata
  if ((meta.resourceVersion ?? '') !== '') {
    throw new AppError(
      Reason.BadRequest,
      'resourceVersion should not be set on objects to be created'
    )
  }
  delete meta.resourceVersion
  const prefix = typeof meta.generateName === 'string' ? meta.generateName : ''
  if ((meta.name ?? '') === '' && prefix !== '') meta.name = generateName(prefix)
  delete meta.uid
  delete meta.creationTimestamp
  delete meta.deletionTimestamp
  // Strategies that use generation set it.
  delete meta.generation
  delete (meta as Record<string, unknown>).selfLink
}

/**
 * BeforeUpdate: a stale resourceVersion is a Conflict; an absent one becomes the stored one when the
 * kind allows unconditional updates (otherwise validation reports it); uid, creationTimestamp,
 * deletionTimestamp and generation are the stored ones (strategies manage generation).
 */
export function prepareMetaForUpdate(
  next: StoredObject,
  current: StoredObject,
  o: { info: ResourceInfo; allowUnconditional: boolean }
): void {
  const meta = next.metadata
  const rv = meta.resourceVersion ?? ''
  if (rv === '') {
    if (o.allowUnconditional) meta.resourceVersion = current.metadata.resourceVersion ?? ''
  } else if (rv !== current.metadata.resourceVersion) {
    throw conflictError(o.info.kind, current.metadata.name, OPTIMISTIC_LOCK_DETAIL)
  }
  if ((meta.uid ?? '') === '') meta.uid = current.metadata.uid ?? ''
  copyField(meta, current.metadata, 'creationTimestamp')
  copyField(meta, current.metadata, 'deletionTimestamp')
  copyField(meta, current.metadata, 'generation')
  delete (meta as Record<string, unknown>).selfLink
}

function copyField(to: Record<string, unknown>, from: Record<string, unknown>, key: string): void {
  if (from[key] === undefined) delete to[key]
  else to[key] = from[key]
}

/** Fails with `namespaces "x" not found` unless the namespace exists. */
export async function ensureNamespaceExists(store: Store, namespace: string): Promise<void> {
  // No namespace at all is for validation to report (metadata.namespace: Required value).
  if (namespace === '') return
  const ns = await store.get({ resource: 'namespaces', name: namespace })
  if (ns === undefined) throw notFoundError('Namespace', namespace)
}
