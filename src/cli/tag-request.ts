import { goQuote } from '../api/field-errors.js'
import { IMAGE_API_VERSION, type ImageStreamTag, ImportMode } from '../api/image/v1/types.js'
import {
  exactReference,
  type ImageReference,
  isReferenceDigest,
  parseImageReference,
} from '../oci/reference.js'
import { AppError, Reason } from '../shared/errors.js'
import { UsageError } from './io.js'

// `oc tag` turned into data (oc pkg/cli/tag/tag.go): source kind inference, the flag rules, the
// destinations, the ImageStreamTag to write and the message to print.

/** The kinds a tag source can be. */
export type TagSourceKind = 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage'

/** The flags of `tag`. */
export type TagFlags = {
  readonly source?: string | undefined
  readonly delete: boolean
  readonly alias: boolean
  readonly reference: boolean
  readonly scheduled: boolean
  readonly insecure: boolean
  readonly importMode?: string | undefined
  readonly referencePolicy: string
}

/** A parsed source: its kind and reference. */
export type TagSource = { readonly kind: TagSourceKind; readonly ref: ImageReference }

/** A destination `[namespace/]stream:tag`. */
export type TagDestination = {
  readonly namespace: string
  /** `stream:tag` as given. */
  readonly nameAndTag: string
  readonly stream: string
  readonly tag: string
}

const VALID_SOURCES = [
  'docker',
  'dockerimage',
  'imagestreamimage',
  'imagestreamtag',
  'isimage',
  'istag',
]
const TAG_FORMAT = /^[\w][\w.-]{0,127}$/

/** determineSourceKind: the --source hint as a kind; throws UsageError for unknown values. */
export function sourceKindHint(hint: string | undefined): TagSourceKind | undefined {
  if (hint === undefined || hint === '') return undefined
  switch (hint.toLowerCase()) {
    case 'imagestreamtag':
    case 'istag':
      return 'ImageStreamTag'
    case 'imagestreamimage':
    case 'isimage':
      return 'ImageStreamImage'
    case 'docker':
    case 'dockerimage':
      return 'DockerImage'
    default:
      throw new UsageError(
        `invalid source ${goQuote(hint)}; valid values are ${VALID_SOURCES.join(', ')}`
      )
  }
}

/**
 * Parses SOURCE and infers its kind when --source is not given: a registry means a container image, an
 * ID an ImageStreamImage, a tag an ImageStreamTag, anything else a container image.
 */
export function parseTagSource(source: string, hint: TagSourceKind | undefined): TagSource {
  let ref: ImageReference
  try {
    ref = parseImageReference(source)
  } catch (err) {
    throw new AppError(Reason.BadRequest, `invalid SOURCE: ${(err as Error).message}`)
  }
  if (hint === 'ImageStreamTag' || hint === 'ImageStreamImage') {
    if (ref.registry !== '') {
      throw new AppError(
        Reason.BadRequest,
        'server in SOURCE is only allowed when providing a container image'
      )
    }
    if (hint === 'ImageStreamTag' && ref.tag === '') {
      throw new AppError(
        Reason.BadRequest,
        '--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE'
      )
    }
    if (hint === 'ImageStreamImage' && ref.id === '') {
      throw new AppError(
        Reason.BadRequest,
        '--source=ImageStreamImage requires a valid <name>@<id> in SOURCE'
      )
    }
    return { kind: hint, ref }
  }
  if (hint === 'DockerImage' || ref.registry !== '') return { kind: 'DockerImage', ref }
  if (ref.id !== '') return { kind: 'ImageStreamImage', ref }
  if (ref.tag !== '') return { kind: 'ImageStreamTag', ref }
  return { kind: 'DockerImage', ref }
}

/** parseStreamName plus SplitImageStreamTag: `[ns/]stream:tag`, with oc's messages. */
export function parseDestination(arg: string, defaultNamespace: string): TagDestination {
  let namespace = defaultNamespace
  let nameAndTag = arg
  if (arg.includes('/')) {
    const parts = arg.split('/')
    if (parts.length !== 2)
      throw new AppError(Reason.BadRequest, `invalid image stream ${goQuote(arg)}`)
    namespace = parts[0] ?? ''
    nameAndTag = parts[1] ?? ''
    if (namespace === '') {
      throw new AppError(
        Reason.BadRequest,
        `invalid namespace ${goQuote(namespace)} for image stream ${goQuote(arg)}`
      )
    }
    if (nameAndTag === '') {
      throw new AppError(
        Reason.BadRequest,
        `invalid name ${goQuote(nameAndTag)} for image stream ${goQuote(arg)}`
      )
    }
  }
  const i = nameAndTag.indexOf(':')
  if (i < 0) {
    throw new AppError(
      Reason.BadRequest,
      `${goQuote(nameAndTag)} must be of the form <stream_name>:<tag>`
    )
  }
  const stream = nameAndTag.slice(0, i)
  const tag = nameAndTag.slice(i + 1)
  if (!TAG_FORMAT.test(tag)) {
    throw new AppError(
      Reason.BadRequest,
      `invalid tag ${goQuote(tag)} format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters`
    )
  }
  return { namespace, nameAndTag, stream, tag }
}

/**
 * The flag rules of `oc tag` that need no server: --alias with --delete, the reference policy, the
 * import mode, and the delete-mode restrictions. Throws UsageError with oc's messages.
 */
export function validateTagFlags(flags: TagFlags, hasSource: boolean): void {
  if (flags.delete && flags.alias)
    throw new UsageError('--alias and --delete may not be both specified')
  if (flags.referencePolicy !== 'source' && flags.referencePolicy !== 'local') {
    throw new UsageError("reference policy must be set to 'source' or 'local'")
  }
  if (flags.delete) {
    if (flags.importMode !== undefined && flags.importMode !== '') {
      throw new UsageError('cannot specify an import mode when deleting')
    }
    if (flags.source !== undefined && flags.source !== '') {
      throw new UsageError('cannot specify a source kind when deleting')
    }
    if (hasSource) throw new UsageError('cannot specify a source when deleting')
    if (flags.scheduled || flags.insecure) {
      throw new UsageError('cannot set flags for importing images when deleting a tag')
    }
  }
  const mode = flags.importMode ?? ''
  if (mode !== '' && mode !== ImportMode.Legacy && mode !== ImportMode.PreserveOriginal) {
    throw new UsageError('valid ImportMode values are Legacy or PreserveOriginal')
  }
}

/** The rules that need the resolved source kind (after an ImageStreamTag was resolved). */
export function validateTagSource(
  flags: TagFlags,
  source: TagSource,
  namespace: string,
  dests: readonly TagDestination[]
): void {
  if (source.kind !== 'DockerImage' && (flags.scheduled || flags.insecure)) {
    throw new UsageError('only container images can have importing flags set')
  }
  if (flags.alias) {
    if (flags.scheduled || flags.insecure) {
      throw new UsageError('cannot set a container image tag as an alias and also set import flags')
    }
    const cross = dests.some((d) => d.namespace !== namespace || d.stream !== source.ref.name)
    if (cross) throw new UsageError('cannot set alias across different Image Streams')
  }
}

/** The ImageStreamTag `oc tag` writes for one destination. */
export function buildTagObject(
  flags: TagFlags,
  source: TagSource,
  dest: TagDestination,
  namespace: string
): ImageStreamTag {
  const istag: ImageStreamTag = {
    apiVersion: IMAGE_API_VERSION,
    kind: 'ImageStreamTag',
    metadata: { name: dest.nameAndTag, namespace: dest.namespace },
    tag: {
      name: dest.tag,
      reference: flags.reference,
      importPolicy: {
        insecure: flags.insecure,
        scheduled: flags.scheduled,
        importMode:
          flags.importMode === undefined || flags.importMode === ''
            ? ImportMode.Legacy
            : flags.importMode,
      },
      referencePolicy: { type: flags.referencePolicy === 'local' ? 'Local' : 'Source' },
      from: { kind: source.kind },
    },
  }
  const tag = istag.tag as NonNullable<ImageStreamTag['tag']>
  const from = tag.from as NonNullable<typeof tag.from>
  if (source.kind === 'DockerImage') {
    from.name = exactReference(source.ref)
    // Generation 0 asks the server to import the image now.
    tag.generation = 0
  } else {
    from.name = nameString(source.ref)
    let ns = source.ref.namespace
    if (ns === '' && dest.namespace !== namespace) ns = namespace
    if (ns !== '') from.namespace = ns
  }
  return istag
}

/** The line `oc tag` prints after writing a destination. */
export function tagMessage(
  flags: TagFlags,
  source: TagSource,
  dest: TagDestination,
  namespace: string
): string {
  const src = exactReference(source.ref)
  const same = dest.namespace === namespace
  const d = same ? dest.nameAndTag : `${dest.namespace}/${dest.nameAndTag}`
  if (flags.alias) return `Tag ${d} set up to track ${src}.`
  if (flags.scheduled) {
    return same
      ? `Tag ${d} set to import ${src} periodically.`
      : `Tag ${d} set to ${src} periodically.`
  }
  return `Tag ${d} set to ${src}.`
}

/** DockerImageReference.NameString: `name:tag`, `name@digest`, or the name. */
export function nameString(ref: ImageReference): string {
  if (ref.name === '') return ''
  if (ref.tag !== '') return `${ref.name}:${ref.tag}`
  if (ref.id !== '') return `${ref.name}${isReferenceDigest(ref.id) ? '@' : ':'}${ref.id}`
  return ref.name
}
