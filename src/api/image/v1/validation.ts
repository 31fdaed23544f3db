import { type ImageReference, parseImageReference } from '../../../oci/reference.js'
import type { FieldError } from '../../../shared/errors.js'
import { duplicate, forbidden, invalid, required } from '../../field-errors.js'
import type { ObjectMeta } from '../../meta.js'
import { type NameValidator, validatePathSegmentName } from '../../name-validation.js'
import { validateObjectMeta, validateObjectMetaUpdate } from '../../object-meta-validation.js'
import {
  ImageAnnotation,
  type ImageStream,
  type ImageStreamImport,
  type ImageStreamTag,
  ImportMode,
  type TagImportPolicy,
  type TagReference,
  TagReferencePolicyType,
} from './types.js'

// Validation of image streams, tags and imports with the messages of openshift-apiserver
// pkg/image/apis/image/validation/validation.go. Validate after defaulting, as the server does (an empty
// referencePolicy.type is invalid there because defaulting always fills it).
//
// Deliberate differences from OpenShift (documented for the API docs):
//   - spec.tags is a list on the wire and a map inside OpenShift, so paths use the index
//     (`spec.tags[0].from.name`) where OpenShift prints the tag name (`spec.tags[latest].from.name`);
//   - a repeated tag name is rejected (FieldValueDuplicate) instead of the later entry silently winning;
//   - tag names must be valid registry tags (`[\w][\w.-]{0,127}`, the rule `oc tag` applies);
//   - ImageStreamTag/ImageStreamImage from.name with more than one ':' or '@' is rejected here with
//     the strategy's message instead of an internal error wrapped around it.

/** The path-component grammar stream names must match (distribution's v2.1.1 names.go). */
export const REPOSITORY_NAME_COMPONENT = '[a-z0-9]+(?:[._-][a-z0-9]+)*'
const repositoryNameComponent = new RegExp(`^${REPOSITORY_NAME_COMPONENT}$`)

/** Maximum length of `namespace/name` (reference.NameTotalLengthMax). */
export const NAME_TOTAL_LENGTH_MAX = 255

const TAG_NAME = /^[\w][\w.-]{0,127}$/
/** Detail for a spec tag name that is not a valid registry tag (wording of `oc tag`). */
export const TAG_NAME_DETAIL =
  "tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, " +
  'and have a maximum of 128 characters'

/** Detail for an unknown import mode. */
export const IMPORT_MODE_DETAIL = `invalid import mode, valid modes are '', '${ImportMode.Legacy}', '${ImportMode.PreserveOriginal}'`
/** Detail for an unknown reference policy type. */
export const REFERENCE_POLICY_DETAIL = `valid values are "${TagReferencePolicyType.Source}", "${TagReferencePolicyType.Local}"`
/** Detail for an unknown from.kind of a spec tag. */
export const FROM_KIND_DETAIL =
  "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'"
/** Detail for scheduling a tag that does not point to a registry. */
export const SCHEDULED_DETAIL =
  'only tags pointing to Docker repositories may be scheduled for background import'
/** Detail for a malformed ImageStreamTag/ImageStreamImage from.name. */
export const FROM_NAME_FORM_DETAIL = 'must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>'

/** Decides whether a registry reference may be imported (allowedRegistriesForImport); returns why not. */
export type ReferenceAdmitter = (ref: ImageReference, insecure: boolean) => string | undefined

/** Options of image stream validation. */
export type ImageValidationOptions = {
  /** When given, DockerImage references it refuses are Forbidden (OpenShift's registry whitelister). */
  readonly admit?: ReferenceAdmitter
}

/** ValidateImageStreamName: a path segment that is also one registry path component. */
export const validateImageStreamName: NameValidator = (name, prefix) => {
  const reasons = validatePathSegmentName(name, prefix)
  if (reasons.length > 0) return reasons
  // NB: applied to generateName too, so a generateName ending in '-' fails as in OpenShift.
  if (!repositoryNameComponent.test(name)) return [`must match "${REPOSITORY_NAME_COMPONENT}"`]
  return []
}

function parseError(spec: string): string | undefined {
  try {
    parseImageReference(spec)
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

function isInsecureRepository(meta: ObjectMeta | undefined): boolean {
  return meta?.annotations?.[ImageAnnotation.InsecureRepository] === 'true'
}

/** ValidateImportPolicy: importMode must be '', Legacy or PreserveOriginal. */
export function validateImportPolicy(
  policy: TagImportPolicy | undefined | null,
  path: string
): FieldError[] {
  const mode = policy?.importMode ?? ''
  if (mode === '' || mode === ImportMode.Legacy || mode === ImportMode.PreserveOriginal) return []
  return [invalid(`${path}.importMode`, mode, IMPORT_MODE_DETAIL)]
}

/**
 * ValidateImageStreamTagReference: from (kind and name), scheduling, reference policy and import policy of
 * one spec tag at path (e.g. `spec.tags[0]` or `tag`).
 */
export function validateTagReference(
  tag: TagReference,
  path: string,
  opts: ImageValidationOptions & { readonly insecureRepository?: boolean } = {}
): FieldError[] {
  const errs: FieldError[] = []
  const from = tag.from
  if (from !== null && from !== undefined) {
    const name = from.name ?? ''
    if (name === '') errs.push(required(`${path}.from.name`))
    switch (from.kind) {
      case 'DockerImage':
        if (name !== '') {
          const problem = parseError(name)
          if (problem !== undefined) errs.push(invalid(`${path}.from.name`, name, problem))
          else if (opts.admit !== undefined) {
            const insecure = tag.importPolicy?.insecure === true || opts.insecureRepository === true
            const refused = opts.admit(parseImageReference(name), insecure)
            if (refused !== undefined) errs.push(forbidden(`${path}.from.name`, refused))
          }
        }
        break
      case 'ImageStreamImage':
      case 'ImageStreamTag':
        if (tag.importPolicy?.scheduled === true) {
          errs.push(invalid(`${path}.importPolicy.scheduled`, true, SCHEDULED_DETAIL))
        }
        if (name.split(from.kind === 'ImageStreamTag' ? ':' : '@').length > 2) {
          errs.push(invalid(`${path}.from.name`, name, FROM_NAME_FORM_DETAIL))
        }
        break
      default:
        errs.push(required(`${path}.from.kind`, FROM_KIND_DETAIL))
    }
  }
  const policyType = tag.referencePolicy?.type ?? ''
  if (policyType !== TagReferencePolicyType.Source && policyType !== TagReferencePolicyType.Local) {
    errs.push(invalid(`${path}.referencePolicy.type`, policyType, REFERENCE_POLICY_DETAIL))
  }
  errs.push(...validateImportPolicy(tag.importPolicy, `${path}.importPolicy`))
  return errs
}

/** Validates the name of a spec tag (required, a registry tag). */
export function validateTagName(name: string, path: string): FieldError[] {
  if (name === '') return [required(path)]
  if (!TAG_NAME.test(name)) return [invalid(path, name, TAG_NAME_DETAIL)]
  return []
}

/** ValidateImageStream: metadata, spec.dockerImageRepository, spec tags and status history references. */
export function validateImageStream(
  stream: ImageStream,
  opts: ImageValidationOptions = {}
): FieldError[] {
  const meta = stream.metadata
  const errs = validateObjectMeta(meta, { namespaced: true, nameFn: validateImageStreamName })
  const name = meta?.name ?? ''
  if (`${meta?.namespace ?? ''}/${name}`.length > NAME_TOTAL_LENGTH_MAX) {
    errs.push(
      invalid(
        'metadata.name',
        name,
        `'namespace/name' cannot be longer than ${NAME_TOTAL_LENGTH_MAX} characters`
      )
    )
  }
  const insecureRepository = isInsecureRepository(meta)
  const repository = stream.spec?.dockerImageRepository ?? ''
  if (repository !== '') {
    const path = 'spec.dockerImageRepository'
    let ref: ImageReference | undefined
    try {
      ref = parseImageReference(repository)
    } catch (err) {
      errs.push(invalid(path, repository, err instanceof Error ? err.message : String(err)))
    }
    if (ref !== undefined) {
      let valid = true
      if (ref.tag !== '') {
        errs.push(invalid(path, repository, 'the repository name may not contain a tag'))
        valid = false
      }
      if (ref.id !== '') {
        errs.push(invalid(path, repository, 'the repository name may not contain an ID'))
        valid = false
      }
      const refused = valid ? opts.admit?.(ref, insecureRepository) : undefined
      if (refused !== undefined) errs.push(forbidden(path, refused))
    }
  }
  const seen = new Set<string>()
  for (const [i, tag] of (stream.spec?.tags ?? []).entries()) {
    const path = `spec.tags[${i}]`
    const tagName = tag.name ?? ''
    errs.push(...validateTagName(tagName, `${path}.name`))
    if (tagName !== '' && seen.has(tagName)) errs.push(duplicate(`${path}.name`, tagName))
    seen.add(tagName)
    errs.push(...validateTagReference(tag, path, { ...opts, insecureRepository }))
  }
  errs.push(...validateStatusTags(stream))
  return errs
}

function validateStatusTags(stream: ImageStream): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  for (const [i, list] of (stream.status?.tags ?? []).entries()) {
    const path = `status.tags[${i}]`
    const tag = list.tag ?? ''
    if (tag === '') errs.push(required(`${path}.tag`))
    else if (seen.has(tag)) errs.push(duplicate(`${path}.tag`, tag))
    seen.add(tag)
    for (const [j, item] of (list.items ?? []).entries()) {
      const itemPath = `${path}.items[${j}].dockerImageReference`
      const ref = item.dockerImageReference ?? ''
      if (ref === '') {
        errs.push(required(itemPath))
        continue
      }
      const problem = parseError(ref)
      if (problem !== undefined) errs.push(invalid(itemPath, ref, problem))
    }
  }
  return errs
}

/** ValidateImageStreamUpdate: the update rules of metadata, then every create rule on the new stream. */
export function validateImageStreamUpdate(
  next: ImageStream,
  old: ImageStream,
  opts: ImageValidationOptions = {}
): FieldError[] {
  return [
    ...validateObjectMetaUpdate(next.metadata, old.metadata),
    ...validateImageStream(next, opts),
  ]
}

function sameAnnotations(
  a: Readonly<Record<string, string>> | null | undefined,
  b: Readonly<Record<string, string>> | null | undefined
): boolean {
  // Semantic equality: a nil and an empty map are equal.
  const ea = Object.entries(a ?? {})
  const eb = b ?? {}
  return ea.length === Object.keys(eb).length && ea.every(([k, v]) => eb[k] === v)
}

/** Splits `<stream>:<tag>`; undefined unless there is exactly one ':' with text on both sides. */
export function splitImageStreamTagName(name: string): { stream: string; tag: string } | undefined {
  const parts = name.split(':')
  if (parts.length !== 2) return undefined
  const [stream = '', tag = ''] = parts
  return stream === '' || tag === '' ? undefined : { stream, tag }
}

/**
 * ValidateImageStreamTag: metadata (name `<stream>:<tag>`), the tag reference at `tag`, and tag
 * annotations equal to the object's annotations when given.
 */
export function validateImageStreamTag(
  istag: ImageStreamTag,
  opts: ImageValidationOptions = {}
): FieldError[] {
  const meta = istag.metadata
  const errs = validateObjectMeta(meta, { namespaced: true, nameFn: validatePathSegmentName })
  const name = meta?.name ?? ''
  if (name !== '' && splitImageStreamTagName(name) === undefined) {
    errs.push(invalid('metadata.name', name, 'must be of the form <stream_name>:<tag>'))
  }
  const tag = istag.tag
  if (tag !== null && tag !== undefined) {
    errs.push(
      ...validateTagReference(tag, 'tag', {
        ...opts,
        insecureRepository: isInsecureRepository(meta),
      })
    )
    if (
      tag.annotations !== null &&
      tag.annotations !== undefined &&
      !sameAnnotations(tag.annotations, meta?.annotations)
    ) {
      errs.push(
        invalid(
          'tag.annotations',
          '<map>',
          'tag annotations must not be provided or must be equal to the object meta annotations'
        )
      )
    }
  }
  return errs
}

/**
 * ValidateImageStreamImport: each spec.images entry (DockerImage only, a target tag name when `to` is
 * given, a parsable from.name or the legacy `*`), the repository (a repository without tag or ID), that one
 * of them is given, the import policies, then the metadata with stream-name rules.
 */
export function validateImageStreamImport(isi: ImageStreamImport): FieldError[] {
  const errs: FieldError[] = []
  const images = isi.spec?.images ?? []
  for (const [i, spec] of images.entries()) {
    const path = `spec.images[${i}]`
    const from = spec.from ?? {}
    if (from.kind === 'DockerImage') {
      const to = spec.to
      if (to !== null && to !== undefined && (to.name ?? '') === '') {
        errs.push(invalid(`${path}.to.name`, '', 'the name of the target tag must be specified'))
      }
      const name = from.name ?? ''
      if (name === '') {
        errs.push(required(`${path}.from.name`))
      } else {
        // NB: '*' is accepted for legacy clients, and OpenShift then skips the import policy check too.
        if (name === '*') continue
        const problem = parseError(name)
        if (problem !== undefined) errs.push(invalid(`${path}.from.name`, name, problem))
      }
    } else {
      errs.push(invalid(`${path}.from.kind`, from.kind ?? '', 'only DockerImage is supported'))
    }
    errs.push(...validateImportPolicy(spec.importPolicy, `${path}.importPolicy`))
  }
  const repository = isi.spec?.repository
  if (repository !== null && repository !== undefined) {
    const path = 'spec.repository'
    const from = repository.from ?? {}
    if (from.kind === 'DockerImage') {
      const name = from.name ?? ''
      if (name === '') {
        errs.push(required(`${path}.from.name`, 'container image references require a name'))
      } else {
        try {
          const ref = parseImageReference(name)
          if (ref.id !== '' || ref.tag !== '') {
            errs.push(
              invalid(
                `${path}.from.name`,
                name,
                'you must specify an image repository, not a tag or ID'
              )
            )
          }
        } catch (err) {
          errs.push(
            invalid(`${path}.from.name`, name, err instanceof Error ? err.message : String(err))
          )
        }
      }
    } else {
      errs.push(invalid(`${path}.from.kind`, from.kind ?? '', 'only DockerImage is supported'))
    }
    errs.push(...validateImportPolicy(repository.importPolicy, `${path}.importPolicy`))
  }
  if (images.length === 0 && (repository === null || repository === undefined)) {
    errs.push(
      invalid('spec.images', null, 'you must specify at least one image or a repository import')
    )
  }
  errs.push(
    ...validateObjectMeta(isi.metadata, { namespaced: true, nameFn: validateImageStreamName })
  )
  return errs
}
