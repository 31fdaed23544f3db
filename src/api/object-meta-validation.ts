import type { FieldError } from '../shared/errors.js'
import { forbidden, invalid, required, tooLong } from './field-errors.js'
import type { ObjectMeta } from './meta.js'
import {
  isLabelValue,
  isQualifiedName,
  type NameValidator,
  nameIsDNSLabel,
} from './name-validation.js'

// ObjectMeta validation with the messages of k8s.io/apimachinery/pkg/api/validation/objectmeta.go.

const utf8 = new TextEncoder()

/** Maximum total size of all annotation keys and values (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

/** What validateObjectMeta needs to know about the kind. */
export type ObjectMetaRules = {
  /** Namespaced kinds need metadata.namespace; cluster-scoped kinds must not have one. */
  readonly namespaced: boolean
  /** The name rule of the kind (called with prefix=true for generateName). */
  readonly nameFn: NameValidator
  /** Path of the metadata (default `metadata`). */
  readonly path?: string
}

/** Validates labels: qualified-name keys and label values (errors at `<path>`). */
export function validateLabels(
  labels: Readonly<Record<string, string>> | null | undefined,
  path: string
): FieldError[] {
  const errs: FieldError[] = []
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg))
    for (const msg of isLabelValue(String(v))) errs.push(invalid(path, v, msg))
  }
  return errs
}

/** Validates annotations: qualified-name keys (case-insensitive) and a 256 KiB total. */
export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | null | undefined,
  path: string
): FieldError[] {
  const errs: FieldError[] = []
  let size = 0
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg))
    size += utf8.encode(k).length + utf8.encode(String(v)).length
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT))
  return errs
}

const FINALIZER_ORPHAN = 'orphan'
const FINALIZER_FOREGROUND = 'foregroundDeletion'

/** Validates finalizer names (qualified names; orphan and foregroundDeletion are exclusive). */
export function validateFinalizers(
  finalizers: readonly string[] | null | undefined,
  path: string
): FieldError[] {
  const errs: FieldError[] = []
  for (const f of finalizers ?? []) {
    for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg))
  }
  if (finalizers?.includes(FINALIZER_ORPHAN) && finalizers.includes(FINALIZER_FOREGROUND)) {
    errs.push(
      invalid(
        path,
        finalizers,
        `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`
      )
    )
  }
  return errs
}

/**
 * Validates metadata on create (ValidateObjectMeta): name or generateName, namespace presence and
 * DNS-1123 label form, generation, labels, annotations, owner references, finalizers.
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  rules: ObjectMetaRules
): FieldError[] {
  const path = rules.path ?? 'metadata'
  const m = meta ?? {}
  const errs: FieldError[] = []
  const generateName = m.generateName ?? ''
  if (generateName !== '') {
    for (const msg of rules.nameFn(generateName, true)) {
      errs.push(invalid(`${path}.generateName`, generateName, msg))
    }
  }
  const name = m.name ?? ''
  if (name === '') {
    errs.push(required(`${path}.name`, 'name or generateName is required'))
  } else {
    for (const msg of rules.nameFn(name, false)) errs.push(invalid(`${path}.name`, name, msg))
  }
  const namespace = m.namespace ?? ''
  if (rules.namespaced) {
    if (namespace === '') errs.push(required(`${path}.namespace`))
    else {
      for (const msg of nameIsDNSLabel(namespace, false)) {
        errs.push(invalid(`${path}.namespace`, namespace, msg))
      }
    }
  } else if (namespace !== '') {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'))
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(invalid(`${path}.generation`, m.generation, 'must be greater than or equal to 0'))
  }
  errs.push(...validateLabels(m.labels, `${path}.labels`))
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`))
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`))
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`))
  return errs
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  const errs: FieldError[] = []
  let controller: string | undefined
  for (const ref of refs ?? []) {
    const apiVersion = ref.apiVersion ?? ''
    const version = apiVersion.includes('/')
      ? apiVersion.slice(apiVersion.indexOf('/') + 1)
      : apiVersion
    if (version === '')
      errs.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'))
    if ((ref.kind ?? '') === '')
      errs.push(invalid(`${path}.kind`, ref.kind ?? '', 'must not be empty'))
    if ((ref.name ?? '') === '')
      errs.push(invalid(`${path}.name`, ref.name ?? '', 'must not be empty'))
    if ((ref.uid ?? '') === '')
      errs.push(invalid(`${path}.uid`, ref.uid ?? '', 'must not be empty'))
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`
      if (controller === undefined) controller = current
      else {
        errs.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`
          )
        )
      }
    }
  }
  return errs
}

/**
 * Validates metadata on update (ValidateObjectMetaUpdate): resourceVersion given, generation not
 * decremented, name, namespace, uid and creationTimestamp unchanged, then the create rules on labels,
 * annotations, owner references and finalizers.
 */
export function validateObjectMetaUpdate(
  next: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  path = 'metadata'
): FieldError[] {
  const n = next ?? {}
  const o = old ?? {}
  const errs: FieldError[] = []
  if ((n.resourceVersion ?? '') === '') {
    errs.push(invalid(`${path}.resourceVersion`, '', 'must be specified for an update'))
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(invalid(`${path}.generation`, n.generation ?? 0, 'must not be decremented'))
  }
  const immutable: [keyof ObjectMeta, unknown, unknown][] = [
    ['name', n.name ?? '', o.name ?? ''],
    ['namespace', n.namespace ?? '', o.namespace ?? ''],
    ['uid', n.uid ?? '', o.uid ?? ''],
    ['creationTimestamp', n.creationTimestamp ?? null, o.creationTimestamp ?? null],
    ['deletionTimestamp', n.deletionTimestamp ?? null, o.deletionTimestamp ?? null],
  ]
  for (const [field, a, b] of immutable) {
    if (a !== b) errs.push(invalid(`${path}.${field}`, a, 'field is immutable'))
  }
  errs.push(...validateLabels(n.labels, `${path}.labels`))
  errs.push(...validateAnnotations(n.annotations, `${path}.annotations`))
  errs.push(...validateOwnerReferences(n.ownerReferences, `${path}.ownerReferences`))
  errs.push(...validateFinalizers(n.finalizers, `${path}.finalizers`))
  return errs
}
