import { findSpecTag } from '../api/image/v1/tag-history.js'
import {
  DEFAULT_IMAGE_TAG,
  type Image,
  ImageAnnotation,
  type ImageImportStatus,
  type ImageStream,
  type ImageStreamImport,
  type ImageStreamImportStatus,
  type RepositoryImportStatus,
} from '../api/image/v1/types.js'
import type { Status } from '../api/meta.js'
import {
  dockerClientDefaults,
  exactReference,
  type ImageReference,
  normalizedName,
  parseImageReference,
  registryApiHost,
  repositoryPath,
} from '../oci/reference.js'
import { isRegistryError, RegistryErrorCode } from '../registry-client/errors.js'
import type { RegistryAdmitter } from './allowed-registries.js'
import {
  type ImportSession,
  pullSpecFor,
  type RepositoryTarget,
  repositoryKey,
} from './import-session.js'
import {
  forbiddenStatus,
  internalErrorStatus,
  invalidNameStatus,
  notV2RegistryStatus,
  repositoryFailedStatus,
  statusForImportError,
  successStatus,
} from './import-status.js'
import type { ImporterSettings } from './importer-deps.js'
import { prioritizeTags } from './prioritize-tags.js'
import { type ImageRequest, type ImageResult, resolveImage } from './resolve-image.js'

/** What importImages needs besides the request. */
export type ImportImagesOptions = {
  readonly session: ImportSession
  readonly settings: ImporterSettings
  readonly admit: RegistryAdmitter
  /** RFC 3339 time of the import (Created of list Images). */
  readonly now: string
}

type Planned = {
  readonly request: ImageRequest
  readonly result: Promise<ImageResult>
}

/**
 * Fills the status of an ImageStreamImport from the registries (OpenShift `ImageStreamImporter.Import`:
 * importImages, then importFromRepository), without persisting anything. Per image: parse (`invalid name`
 * ⇒ Invalid), allowedRegistriesForImport (⇒ Forbidden), group by repository, de-duplicate identical requests
 * (same repository, tag or digest, prefer-arch/os, mode, includeManifest), and import concurrently. Then the
 * repository (`--all`) import: tag list, PrioritizeTags, the first maxImagesBulkImportedPerRepository,
 * additionalTags for the rest (minus those this request already imported). A failure is a status, never an
 * exception; only the signal aborting throws.
 */
export async function importImages(
  isi: ImageStreamImport,
  stream: ImageStream,
  o: ImportImagesOptions
): Promise<ImageStreamImportStatus> {
  const planner = new Planner(o)
  const specs = isi.spec.images ?? []
  const pending = specs.map((spec): (() => Promise<ImageImportStatus>) | ImageImportStatus => {
    if (spec.from?.kind !== 'DockerImage') return { status: { metadata: {} } }
    const name = spec.from.name ?? ''
    const parsed = parse(name)
    if (typeof parsed === 'string') return { status: invalidNameStatus(name, parsed) }
    if (parsed === undefined) return legacyWildcard()
    const insecure = spec.importPolicy?.insecure === true
    const refused = o.admit(parsed, insecure)
    if (refused !== undefined) return { status: forbiddenStatus(refused) }
    const defaulted = dockerClientDefaults(parsed)
    const target = planner.target(parsed, insecure)
    if (defaulted.id !== '') {
      const planned = planner.plan({
        target,
        digest: defaulted.id,
        mode: spec.importPolicy?.importMode ?? '',
        prefer: {},
        withManifest: spec.includeManifest === true,
      })
      return async () => statusOf(await planned.result)
    }
    // Prefer-arch/os come from the destination spec tag of the existing stream.
    const toName = spec.to?.name ?? defaulted.tag
    const annotations = findSpecTag(stream, toName)?.annotations ?? {}
    const preferArch = annotations[ImageAnnotation.PreferArch]
    const preferOS = annotations[ImageAnnotation.PreferOS]
    const planned = planner.plan({
      target,
      tag: defaulted.tag,
      mode: spec.importPolicy?.importMode ?? '',
      prefer: {
        ...(preferArch === undefined ? {} : { preferArch }),
        ...(preferOS === undefined ? {} : { preferOS }),
      },
      withManifest: spec.includeManifest === true,
    })
    return async () => ({ ...statusOf(await planned.result), tag: defaulted.tag })
  })
  // Everything of spec.images is planned by now, so the repository import can run alongside and still
  // see which of its tags this request imports anyway.
  const repository = isi.spec.repository
  const [images, repositoryStatus] = await Promise.all([
    Promise.all(pending.map((p) => (typeof p === 'function' ? p() : p))),
    repository === null || repository === undefined
      ? undefined
      : importRepository(repository, planner, o),
  ])
  return { images, ...(repositoryStatus === undefined ? {} : { repository: repositoryStatus }) }
}

/** The sole use of a from.name of `*` (accepted by validation for old clients) fails as OpenShift's does. */
function legacyWildcard(): ImageImportStatus {
  return {
    status: internalErrorStatus(
      'unable to parse docker reference docker.io/library/*:latest: invalid reference format'
    ),
    tag: DEFAULT_IMAGE_TAG,
  }
}

function parse(name: string): ImageReference | string | undefined {
  if (name === '*') return undefined
  try {
    return parseImageReference(name)
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

function statusOf(result: ImageResult): ImageImportStatus {
  if (!result.ok) return { status: result.status }
  return {
    status: successStatus(result.message),
    image: result.image,
    ...(result.manifests === undefined ? {} : { manifests: [...result.manifests] }),
  }
}

// Groups requests by repository and runs each distinct request once, at most childConcurrency at a time.
class Planner {
  readonly #o: ImportImagesOptions
  readonly #targets = new Map<string, RepositoryTarget>()
  readonly #planned = new Map<string, Planned>()
  #running = 0
  readonly #queue: (() => void)[] = []

  constructor(o: ImportImagesOptions) {
    this.#o = o
  }

  // The first image of a repository decides its reference and insecure flag, as in OpenShift.
  target(ref: ImageReference, insecure: boolean): RepositoryTarget {
    const d = dockerClientDefaults(ref)
    const repository = repositoryPath(d)
    const key = repositoryKey(d.registry, repository)
    let t = this.#targets.get(key)
    if (t === undefined) {
      t = {
        key,
        registry: d.registry,
        repository,
        insecure,
        baseRef: ref,
        normalizedName: normalizedName(d),
      }
      this.#targets.set(key, t)
    }
    return t
  }

  plan(request: ImageRequest): Planned {
    const mode = request.mode === '' ? 'Legacy' : request.mode
    const key = [
      request.target.key,
      request.digest === undefined ? `:${request.tag}` : `@${request.digest}`,
      request.prefer.preferArch ?? '',
      request.prefer.preferOS ?? '',
      mode,
      request.withManifest,
    ].join('|')
    let p = this.#planned.get(key)
    if (p === undefined) {
      const result = this.#limited(() =>
        resolveImage(this.#o.session, request, {
          defaultPlatform: this.#o.settings.defaultPlatform,
          childConcurrency: this.#o.settings.childConcurrency,
          now: this.#o.now,
        })
      )
      // Awaited by every image that shares it; this only keeps an aborted one from going unhandled.
      result.catch(() => undefined)
      p = { request, result }
      this.#planned.set(key, p)
    }
    return p
  }

  /** A request planned with exactly these parameters, if any (repository imports reuse them). */
  find(
    target: RepositoryTarget,
    tag: string,
    mode: string,
    withManifest: boolean
  ): Planned | undefined {
    const m = mode === '' ? 'Legacy' : mode
    return this.#planned.get([target.key, `:${tag}`, '', '', m, withManifest].join('|'))
  }

  async #limited<T>(fn: () => Promise<T>): Promise<T> {
    const limit = Math.max(1, this.#o.settings.childConcurrency)
    if (this.#running >= limit) await new Promise<void>((resolve) => this.#queue.push(resolve))
    this.#running++
    try {
      return await fn()
    } finally {
      this.#running--
      this.#queue.shift()?.()
    }
  }
}

async function importRepository(
  spec: NonNullable<ImageStreamImport['spec']['repository']>,
  planner: Planner,
  o: ImportImagesOptions
): Promise<RepositoryImportStatus> {
  if (spec.from?.kind !== 'DockerImage') return {}
  const name = spec.from.name ?? ''
  const parsed = parse(name)
  if (typeof parsed === 'string') return { status: invalidNameStatus(name, parsed) }
  if (parsed === undefined) return { status: legacyWildcard().status }
  const insecure = spec.importPolicy?.insecure === true
  const refused = o.admit(parsed, insecure)
  if (refused !== undefined) return { status: forbiddenStatus(refused) }
  const mode = spec.importPolicy?.importMode ?? ''
  const withManifest = spec.includeManifest === true
  const target = planner.target(parsed, insecure)
  // The repository import has its own reference (without tag), as its pull specs are built from it.
  const repoTarget: RepositoryTarget = { ...target, baseRef: parsed, insecure }
  const max = o.settings.maxImagesBulkImportedPerRepository

  let selected: string[] = []
  let additional: string[] = []
  if (max > 0 || max === -1) {
    let tags: string[]
    try {
      tags = await o.session.repository(repoTarget).tagList({ signal: o.session.signal })
    } catch (err) {
      if (o.session.signal.aborted) throw o.session.signal.reason
      return { status: repositoryErrorStatus(err, repoTarget, parsed) }
    }
    // Some images on Docker Hub have empty tags: those are `latest`.
    const unique = [...new Set(tags.map((t) => (t === '' ? DEFAULT_IMAGE_TAG : t)))].sort()
    const ordered = prioritizeTags(unique)
    selected = max === -1 ? ordered : ordered.slice(0, max)
    additional = max === -1 ? [] : ordered.slice(max)
  }

  const planned = selected.map((tag) => ({
    tag,
    planned:
      planner.find(repoTarget, tag, mode, withManifest) ??
      planner.plan({ target: repoTarget, tag, mode, prefer: {}, withManifest }),
  }))
  // Tags beyond the limit that this request imported anyway (through spec.images) are reported too.
  const additionalTags: string[] = []
  for (const tag of additional) {
    const p = planner.find(repoTarget, tag, mode, withManifest)
    const result = p === undefined ? undefined : await p.result
    if (result?.ok === true) planned.push({ tag, planned: p as Planned })
    else additionalTags.push(tag)
  }
  const images: ImageImportStatus[] = []
  let failures = 0
  for (const { tag, planned: p } of planned) {
    const result = await p.result
    if (!result.ok) failures++
    const st = statusOf(result)
    // Pull specs come from the repository reference, whichever request fetched the image.
    if (st.image !== undefined && st.image !== null) st.image = rebase(st.image, repoTarget)
    if (st.manifests) st.manifests = st.manifests.map((m) => rebase(m, repoTarget))
    images.push({ ...st, tag })
  }
  return {
    status: failures > 0 ? repositoryFailedStatus(failures) : successStatus(),
    images,
    additionalTags,
  }
}

function rebase(image: Image, target: RepositoryTarget): Image {
  return { ...image, dockerImageReference: pullSpecFor(target, image.metadata.name ?? '') }
}

// Tag-list and ping failures of a repository import (importRepositoryFromDocker, §2.9).
function repositoryErrorStatus(
  err: unknown,
  target: RepositoryTarget,
  ref: ImageReference
): Status {
  if (isRegistryError(err, RegistryErrorCode.NotV2)) {
    return notV2RegistryStatus(registryApiHost(target.registry))
  }
  return statusForImportError(err, {
    ref: exactReference(ref),
    repositoryName: target.repository,
    insecure: target.insecure,
  })
}
