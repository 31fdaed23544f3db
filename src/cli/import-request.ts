import { goQuote } from '../api/field-errors.js'
import { resolveTagReference, TagResolutionError } from '../api/image/v1/tag-history.js'
import {
  DEFAULT_IMAGE_TAG,
  IMAGE_API_VERSION,
  ImageAnnotation,
  type ImageImportSpec,
  type ImageStream,
  type ImageStreamImport,
  ImportMode,
  type TagImportPolicy,
  type TagReference,
  type TagReferencePolicy,
} from '../api/image/v1/types.js'
import { parseImageReference } from '../oci/reference.js'
import { AppError, Reason } from '../shared/errors.js'
import { UsageError } from './io.js'

// `oc import-image` turned into data (oc pkg/cli/importimage/importimage.go): the flag rules, the target
// parsing and the ImageStreamImport built from the existing stream. Pure, so every message is testable.

/** The flags of import-image after parsing. */
export type ImportImageFlags = {
  readonly from?: string | undefined
  readonly confirm: boolean
  readonly all: boolean
  readonly scheduled: boolean
  /** --insecure when given (it overrides the stream's insecure annotation only then). */
  readonly insecure?: boolean | undefined
  readonly importMode: ImportMode
  /** '' when --reference-policy was not given. */
  readonly referencePolicy: '' | 'source' | 'local'
  readonly dryRun: boolean
}

/** The stream and tag named by the IMAGESTREAM[:TAG] argument. */
export type ImportTarget = {
  readonly target: string
  readonly name: string
  /** '' with --all. */
  readonly tag: string
}

/** What to send, and the stream as oc prints it with -o. */
export type ImportPlan = {
  readonly stream: ImageStream
  readonly isi: ImageStreamImport
}

/**
 * Validates the flag values: `--reference-policy` source or local (any case), `--import-mode` Legacy or
 * PreserveOriginal (exactly). Throws UsageError with oc's messages.
 */
export function parseImportFlagValues(raw: {
  referencePolicy?: string | undefined
  importMode?: string | undefined
}): { referencePolicy: '' | 'source' | 'local'; importMode: ImportMode } {
  const policy = (raw.referencePolicy ?? '').toLowerCase()
  if (policy !== '' && policy !== 'source' && policy !== 'local') {
    throw new UsageError('valid reference policy values are source or local')
  }
  const mode = raw.importMode ?? ImportMode.Legacy
  if (mode !== ImportMode.Legacy && mode !== ImportMode.PreserveOriginal) {
    throw new UsageError('valid ImportMode values are Legacy or PreserveOriginal')
  }
  return { referencePolicy: policy, importMode: mode }
}

/** Parses IMAGESTREAM[:TAG] as oc does (a pull spec of which only name and tag are used). */
export function parseImportTarget(target: string | undefined, all: boolean): ImportTarget {
  if (target === undefined || target === '') {
    throw new UsageError('you must specify the name of an image stream')
  }
  let ref: ReturnType<typeof parseImageReference>
  try {
    ref = parseImageReference(target)
  } catch {
    throw new UsageError(
      'the image name must be a valid container image pull spec or reference to an image stream (e.g. myregistry/myteam/image:tag)'
    )
  }
  if (ref.id !== '') throw new UsageError("to import images by ID, use the 'tag' command")
  if (ref.tag !== '' && all)
    throw new UsageError(`cannot specify a tag ${goQuote(target)} as well as --all`)
  const tag = ref.tag === '' && !all ? DEFAULT_IMAGE_TAG : ref.tag
  return { target, name: ref.name, tag }
}

/**
 * Builds the ImageStreamImport for the stream (undefined when it does not exist yet), following oc:
 * a missing stream needs --confirm; --all imports the repository (--from, else the stream's
 * dockerImageRepository, else every DockerImage spec tag); a single tag follows in-stream aliases and
 * refuses to change a tag's source. Throws AppError(BadRequest) with oc's messages.
 */
export function planImport(
  existing: ImageStream | undefined,
  target: ImportTarget,
  flags: ImportImageFlags,
  namespace: string
): ImportPlan {
  if (existing === undefined) {
    if (!flags.confirm) {
      throw fail(
        `no image stream named ${goQuote(target.name)} exists, pass --confirm to create and import`
      )
    }
    return newStreamPlan(target, flags, namespace)
  }
  const stream: ImageStream = structuredClone(existing)
  stream.apiVersion ??= IMAGE_API_VERSION
  stream.kind ??= 'ImageStream'
  const isi = flags.all
    ? importAll(stream, flags, namespace)
    : importTag(stream, target, flags, namespace)
  return { stream, isi }
}

function fail(message: string): AppError {
  return new AppError(Reason.BadRequest, message)
}

function newStreamPlan(
  target: ImportTarget,
  flags: ImportImageFlags,
  namespace: string
): ImportPlan {
  const from = nonEmpty(flags.from) ?? target.target
  const base = {
    apiVersion: IMAGE_API_VERSION,
    kind: 'ImageStream',
    metadata: { name: target.name },
  }
  if (flags.all) {
    const stream: ImageStream = { ...base, spec: { dockerImageRepository: from } }
    return { stream, isi: repositoryImport(stream, from, flags, namespace) }
  }
  const stream: ImageStream = {
    ...base,
    spec: {
      tags: [
        {
          name: target.tag,
          from: { kind: 'DockerImage', name: from },
          referencePolicy: referencePolicy(flags),
        },
      ],
    },
  }
  return { stream, isi: tagsImport(stream, [[target.tag, from]], flags, namespace) }
}

function importAll(
  stream: ImageStream,
  flags: ImportImageFlags,
  namespace: string
): ImageStreamImport {
  const current = stream.spec.dockerImageRepository ?? ''
  let from = nonEmpty(flags.from)
  if (from === undefined) {
    if (current !== '') from = current
    else {
      const tags: [string, string][] = (stream.spec.tags ?? [])
        .filter((t) => t.from?.kind === 'DockerImage')
        .map((t) => [t.name, t.from?.name ?? ''])
      if (tags.length === 0)
        throw fail('image stream does not have tags pointing to external container images')
      return tagsImport(stream, tags, flags, namespace)
    }
  }
  if (from !== current) {
    if (!flags.confirm) {
      if (current === '') {
        throw fail(
          'the image stream does not currently import an entire Docker repository, pass --confirm to update'
        )
      }
      throw fail(
        `the image stream has a different import spec ${goQuote(current)}, pass --confirm to update`
      )
    }
    stream.spec.dockerImageRepository = from
  }
  return repositoryImport(stream, from, flags, namespace)
}

function importTag(
  stream: ImageStream,
  target: ImportTarget,
  flags: ImportImageFlags,
  namespace: string
): ImageStreamImport {
  let from = nonEmpty(flags.from)
  let tag = target.tag
  const r = resolveTagReference(stream, tag)
  let existing: TagReference
  if (!r.ok && r.error !== TagResolutionError.NotFound) throw fail(r.message)
  if (!r.ok) {
    if (from === undefined && tag === DEFAULT_IMAGE_TAG)
      from = nonEmpty(stream.spec.dockerImageRepository)
    if (from === undefined) throw fail(r.message)
    existing = { name: tag, from: { kind: 'DockerImage', name: from } }
  } else {
    existing = structuredClone(r.ref)
    const ef = existing.from
    if (ef !== null && ef !== undefined && ef.kind !== 'DockerImage') {
      throw fail(
        `tag ${goQuote(tag)} points to existing ${ef.kind ?? ''} ${goQuote(ef.name ?? '')}, it cannot be re-imported`
      )
    }
    if (ef === null || ef === undefined) {
      throw fail(
        `tag ${goQuote(tag)} already exists - you must use the 'tag' command if you want to change the source to ${goQuote(from ?? '')}`
      )
    }
    const current = ef.name ?? ''
    if (from !== undefined && from !== current) {
      if (r.multiple) {
        throw fail(
          `the tag ${goQuote(tag)} points to the tag ${goQuote(r.tag)} which points to ${goQuote(current)} - use the 'tag' command if you want to change the source to ${goQuote(from)}`
        )
      }
      throw fail(
        `the tag ${goQuote(tag)} points to ${goQuote(current)} - use the 'tag' command if you want to change the source to ${goQuote(from)}`
      )
    }
    from = current
    if (r.multiple) tag = r.tag
    if (existing.annotations) delete existing.annotations[ImageAnnotation.DockerRepositoryCheck]
    existing.generation = 0
  }
  const tags = stream.spec.tags ?? []
  const at = tags.findIndex((t) => t.name === tag)
  if (at >= 0) tags[at] = existing
  else tags.push(existing)
  stream.spec.tags = tags
  return tagsImport(stream, [[tag, from]], flags, namespace)
}

function baseImport(stream: ImageStream, flags: ImportImageFlags, namespace: string) {
  const rv = stream.metadata.resourceVersion ?? ''
  const isi: ImageStreamImport = {
    apiVersion: IMAGE_API_VERSION,
    kind: 'ImageStreamImport',
    metadata: {
      name: stream.metadata.name ?? '',
      namespace,
      ...(rv === '' ? {} : { resourceVersion: rv }),
    },
    spec: { import: !flags.dryRun },
  }
  let insecure = stream.metadata.annotations?.[ImageAnnotation.InsecureRepository] === 'true'
  // --insecure, when given, takes precedence over the stream's annotation.
  if (flags.insecure !== undefined) insecure = flags.insecure
  return { isi, insecure }
}

function repositoryImport(
  stream: ImageStream,
  from: string,
  flags: ImportImageFlags,
  namespace: string
): ImageStreamImport {
  const { isi, insecure } = baseImport(stream, flags, namespace)
  isi.spec.repository = {
    from: { kind: 'DockerImage', name: from },
    importPolicy: importPolicy(insecure, flags.scheduled, flags.importMode),
    referencePolicy: referencePolicy(flags),
  }
  return isi
}

function tagsImport(
  stream: ImageStream,
  tags: readonly (readonly [string, string])[],
  flags: ImportImageFlags,
  namespace: string
): ImageStreamImport {
  const { isi, insecure: streamInsecure } = baseImport(stream, flags, namespace)
  const images: ImageImportSpec[] = []
  for (const [tag, from] of tags) {
    let insecure = streamInsecure
    let scheduled = flags.scheduled
    const old = (stream.spec.tags ?? []).find((t) => t.name === tag)
    if (old !== undefined) {
      // import-image can set these but never clear them.
      insecure = insecure || old.importPolicy?.insecure === true
      scheduled = scheduled || old.importPolicy?.scheduled === true
    }
    images.push({
      from: { kind: 'DockerImage', name: from },
      to: { name: tag },
      importPolicy: importPolicy(insecure, scheduled, flags.importMode),
      referencePolicy: referencePolicy(flags),
    })
  }
  isi.spec.images = images
  return isi
}

// The import mode is always sent, so a plain re-import turns a PreserveOriginal tag back into Legacy.
function importPolicy(
  insecure: boolean,
  scheduled: boolean,
  importMode: ImportMode
): TagImportPolicy {
  return { insecure, scheduled, importMode }
}

function referencePolicy(flags: ImportImageFlags): TagReferencePolicy {
  if (flags.referencePolicy === 'source') return { type: 'Source' }
  if (flags.referencePolicy === 'local') return { type: 'Local' }
  return {}
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s
}
