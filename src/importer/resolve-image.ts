import { type Image, ImportMode } from '../api/image/v1/types.js'
import type { Status } from '../api/meta.js'
import { type Digest, isDigest } from '../oci/digest.js'
import type { Descriptor } from '../oci/manifest.js'
import { AppError, Reason } from '../shared/errors.js'
import {
  imageFromIndex,
  SELECTED_PLATFORM_ANNOTATION,
  SOURCE_MANIFEST_LIST_ANNOTATION,
} from './image-objects.js'
import {
  type ImportSession,
  type ParsedFetch,
  pullSpecFor,
  type RepositoryTarget,
} from './import-session.js'
import { type ImportErrorContext, statusForImportError } from './import-status.js'
import type { DefaultPlatform } from './importer-deps.js'
import { mapLimit } from './map-limit.js'
import { chooseLegacyChild, type PlatformPreference } from './platform-choice.js'

/** One image to import from a repository: by tag or by digest, in a mode. */
export type ImageRequest = {
  readonly target: RepositoryTarget
  readonly tag?: string
  readonly digest?: string
  /** '' or Legacy: one child of a list; PreserveOriginal: the list and all its children. */
  readonly mode: string
  /** Tag annotations of the destination spec tag (never used for digests, as in OpenShift). */
  readonly prefer: PlatformPreference
  /** Keep the raw manifest and config (`includeManifest`): stored Images cannot stand in then. */
  readonly withManifest: boolean
}

/** The result of importing one image: the Image (and a list's children) or the failure status. */
export type ImageResult =
  | {
      readonly ok: true
      readonly image: Image
      readonly manifests?: readonly Image[]
      /** For Legacy imports of a list: which child was taken and why. */
      readonly message?: string
    }
  | { readonly ok: false; readonly status: Status }

/** What resolveImage needs besides the session. */
export type ResolveOptions = {
  readonly defaultPlatform: DefaultPlatform
  readonly childConcurrency: number
  readonly now: string
}

/**
 * Imports one image (OpenShift `importRepositoryFromDocker` + `importManifest` for one tag or digest):
 *  1. The top manifest: a by-digest request whose Image is stored needs no request at all; otherwise GET
 *     by tag or digest (verified by the client), then the stored Image of that digest is reused if any.
 *  2. A single image becomes its Image (config fetched unless known).
 *  3. A list in Legacy mode: one child chosen (chooseLegacyChild), fetched by digest; the result is the
 *     child, annotated with the chosen platform and the reason.
 *  4. A list in PreserveOriginal mode: the list's Image plus every child, fetched concurrently (bounded);
 *     any failed child fails the request, as in OpenShift.
 * Never throws for a registry or content failure: those become the status of §2.10. Throws only when the
 * session's signal aborts.
 */
export async function resolveImage(
  session: ImportSession,
  req: ImageRequest,
  o: ResolveOptions
): Promise<ImageResult> {
  const target = req.target
  const refText =
    req.digest !== undefined
      ? `${target.normalizedName}@${req.digest}`
      : `${target.normalizedName}:${req.tag ?? 'latest'}`
  const where: ImportErrorContext = {
    ref: refText,
    repositoryName: target.repository,
    insecure: target.insecure,
  }
  try {
    return await resolve(session, req, o, where)
  } catch (err) {
    if (session.signal.aborted) throw session.signal.reason
    return { ok: false, status: statusForImportError(err, where) }
  }
}

type Top =
  | { readonly kind: 'known'; readonly digest: string; readonly image: Image }
  | { readonly kind: 'fetched'; readonly fetched: ParsedFetch; readonly known?: Image }

async function resolve(
  session: ImportSession,
  req: ImageRequest,
  o: ResolveOptions,
  where: ImportErrorContext
): Promise<ImageResult> {
  const target = req.target
  const top = await topManifest(session, req)
  const digest = top.kind === 'known' ? top.digest : top.fetched.digest
  const known = top.kind === 'known' ? top.image : top.known
  const listed = listedManifests(top)

  if (listed === undefined) {
    const image =
      known ?? (top.kind === 'fetched' ? await session.imageOf(target, top.fetched) : undefined)
    if (image === undefined) throw new AppError(Reason.InternalError, 'no image')
    return { ok: true, image: at(target, image, digest) }
  }

  if (req.mode !== ImportMode.PreserveOriginal) {
    const choice = chooseLegacyChild(listed, req.prefer, o.defaultPlatform)
    if (choice === undefined) throw new AppError(Reason.BadRequest, 'no manifests in manifest list')
    const child = await session.singleImage(target, choice.descriptor.digest, req.withManifest)
    const why = `${choice.platform} (${choice.reason})`
    const annotated: Image = {
      ...child,
      metadata: {
        ...child.metadata,
        annotations: {
          ...(child.metadata.annotations ?? {}),
          [SELECTED_PLATFORM_ANNOTATION]: why,
          [SOURCE_MANIFEST_LIST_ANNOTATION]: digest,
        },
      },
    }
    return {
      ok: true,
      image: at(target, annotated, choice.descriptor.digest),
      message: `imported ${why} from manifest list ${digest}`,
    }
  }

  const listImage =
    known ??
    (top.kind === 'fetched' && top.fetched.parsed.kind === 'index'
      ? imageFromIndex({ digest: top.fetched.digest, manifest: top.fetched.parsed, now: o.now })
      : undefined)
  if (listImage === undefined) throw new AppError(Reason.InternalError, 'no manifest list image')
  const children = await mapLimit(
    listed,
    o.childConcurrency,
    async (d): Promise<ImageResult> => {
      const childWhere = { ...where, ref: `${target.normalizedName}@${d.digest}` }
      try {
        const child = await session.singleImage(target, d.digest, req.withManifest)
        return { ok: true, image: at(target, child, d.digest) }
      } catch (err) {
        if (session.signal.aborted) throw session.signal.reason
        return { ok: false, status: statusForImportError(err, childWhere) }
      }
    },
    session.signal
  )
  const failed = children.find((c) => !c.ok)
  if (failed !== undefined) return failed
  return {
    ok: true,
    image: at(target, listImage, digest),
    manifests: children.flatMap((c) => (c.ok ? [c.image] : [])),
  }
}

async function topManifest(session: ImportSession, req: ImageRequest): Promise<Top> {
  if (req.digest !== undefined && !req.withManifest) {
    const image = await session.knownImage(req.digest)
    if (image !== undefined) return { kind: 'known', digest: req.digest, image }
  }
  const fetched = await session.manifest(req.target, req.digest ?? req.tag ?? 'latest')
  if (req.withManifest) return { kind: 'fetched', fetched }
  const known = await session.knownImage(fetched.digest)
  return known === undefined ? { kind: 'fetched', fetched } : { kind: 'fetched', fetched, known }
}

// The children of a list (from the fetched list, or from a stored list Image); undefined for one image.
function listedManifests(top: Top): readonly Descriptor[] | undefined {
  if (top.kind === 'fetched' && top.fetched.parsed.kind === 'index') {
    return top.fetched.parsed.manifests
  }
  const image = top.kind === 'known' ? top.image : top.known
  const manifests = image?.dockerImageManifests ?? []
  if (manifests.length === 0) return undefined
  return manifests.flatMap((m): Descriptor[] =>
    isDigest(m.digest)
      ? [
          {
            mediaType: m.mediaType,
            digest: m.digest as Digest,
            size: m.manifestSize,
            platform: {
              architecture: m.architecture,
              os: m.os,
              ...(m.variant === undefined || m.variant === '' ? {} : { variant: m.variant }),
            },
          },
        ]
      : []
  )
}

// A copy of image with the pull spec of this repository.
function at(target: RepositoryTarget, image: Image, digest: string): Image {
  return { ...image, dockerImageReference: pullSpecFor(target, digest) }
}
