import { formatFieldErrors, goQuote, invalid } from '../api/field-errors.js'
import { AppError, type FieldError, Reason } from '../shared/errors.js'

/** What `runImagePrune` is asked to do; the JSON body of `POST …/imageprunes` (durations in ms). */
export type ImagePruneOptions = {
  /** False: a dry run that reports what would be deleted and changes nothing. */
  readonly confirm: boolean
  /** History items kept per tag regardless of use (oc `--keep-tag-revisions`, default 3). */
  readonly keepTagRevisions: number
  /**
   * Minimum age of images, streams and history items before they may be pruned (oc
   * `--keep-younger-than`, default 60m); also how recent a pull or push through our registry must be
   * to protect what it touched.
   */
  readonly keepYoungerThanMs: number
  /** Prune history items whose image exceeds its namespace's `openshift.io/Image` max storage instead. */
  readonly pruneOverSizeLimit: boolean
  /** False: only images annotated `openshift.io/image.managed=true` are candidates (oc `--all`). */
  readonly all: boolean
  /** Only this namespace's histories; Images and blobs are then left alone, as in oc. */
  readonly namespace?: string
  /** False: only API objects are pruned, the registry's blobs stay (oc `--prune-registry`). */
  readonly pruneRegistry: boolean
  /** Pull specs workloads use (`--in-use-from`): by digest or by tag of our registry. */
  readonly inUse: readonly string[]
  /** host[:port] names of our registry; a pull spec by tag protects a stream tag only through these. */
  readonly registryHostnames: readonly string[]
}

/** oc's defaults. */
export const DEFAULT_PRUNE_OPTIONS: ImagePruneOptions = {
  confirm: false,
  keepTagRevisions: 3,
  keepYoungerThanMs: 60 * 60 * 1000,
  pruneOverSizeLimit: false,
  all: true,
  pruneRegistry: true,
  inUse: [],
  registryHostnames: [],
}

// Bounds that keep a request from holding the server with absurd values.
const MAX_IN_USE = 100_000
const MAX_SPEC_LENGTH = 4096

const BOOLEAN_FIELDS = ['confirm', 'pruneOverSizeLimit', 'all', 'pruneRegistry'] as const
const KNOWN_FIELDS = new Set<string>([
  ...BOOLEAN_FIELDS,
  'apiVersion',
  'kind',
  'keepTagRevisions',
  'keepYoungerThanMs',
  'namespace',
  'inUse',
  'registryHostnames',
])

/**
 * Reads the body of an image prune request: absent fields take DEFAULT_PRUNE_OPTIONS. Throws AppError
 * BadRequest when the body is not an object and Invalid (with field causes) for wrong values, including
 * oc's rule that `pruneOverSizeLimit` cannot be combined with the keep limits.
 */
export function parseImagePruneOptions(body: unknown): ImagePruneOptions {
  if (body === undefined || body === null) return DEFAULT_PRUNE_OPTIONS
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError(Reason.BadRequest, 'the image prune request must be a JSON object')
  }
  const b = body as Record<string, unknown>
  const unknown = Object.keys(b).filter((k) => !KNOWN_FIELDS.has(k))
  if (unknown.length > 0) {
    // Kubernetes' strict decoding wording.
    throw new AppError(
      Reason.BadRequest,
      `strict decoding error: ${unknown.map((k) => `unknown field ${goQuote(k)}`).join(', ')}`
    )
  }
  const errs: FieldError[] = []
  const out: { -readonly [K in keyof ImagePruneOptions]: ImagePruneOptions[K] } = {
    ...DEFAULT_PRUNE_OPTIONS,
  }
  for (const k of BOOLEAN_FIELDS) {
    const v = b[k]
    if (v === undefined) continue
    if (typeof v !== 'boolean') errs.push(invalid(k, v, 'must be a boolean'))
    else out[k] = v
  }
  const count = (k: 'keepTagRevisions' | 'keepYoungerThanMs'): void => {
    const v = b[k]
    if (v === undefined) return
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      errs.push(invalid(k, v, 'must be an integer greater than or equal to 0'))
    } else out[k] = v
  }
  count('keepTagRevisions')
  count('keepYoungerThanMs')
  if (b.namespace !== undefined && b.namespace !== '') {
    if (typeof b.namespace !== 'string')
      errs.push(invalid('namespace', b.namespace, 'must be a string'))
    else out.namespace = b.namespace
  }
  const list = (k: 'inUse' | 'registryHostnames'): void => {
    const v = b[k]
    if (v === undefined) return
    if (!Array.isArray(v) || v.length > MAX_IN_USE) {
      errs.push(invalid(k, `(${typeof v})`, `must be a list of at most ${MAX_IN_USE} strings`))
      return
    }
    const bad = v.findIndex((s) => typeof s !== 'string' || s.length > MAX_SPEC_LENGTH)
    if (bad >= 0) errs.push(invalid(`${k}[${bad}]`, v[bad], 'must be a string'))
    else out[k] = v as string[]
  }
  list('inUse')
  list('registryHostnames')
  if (
    out.pruneOverSizeLimit &&
    (b.keepTagRevisions !== undefined || b.keepYoungerThanMs !== undefined)
  ) {
    errs.push(
      invalid(
        'pruneOverSizeLimit',
        true,
        '--prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than'
      )
    )
  }
  if (errs.length > 0) {
    throw new AppError(
      Reason.Invalid,
      `ImagePrune.imagestreams.io is invalid: ${formatFieldErrors(errs)}`,
      { causes: errs }
    )
  }
  // oc drops both keep limits in size mode: only the size decides.
  if (out.pruneOverSizeLimit) {
    out.keepTagRevisions = 0
    out.keepYoungerThanMs = 0
  }
  return out
}
