import { latestTagEvent } from '../api/image/v1/tag-history.js'
import type { ImageStream } from '../api/image/v1/types.js'
import { computeDigest, type Digest, digestAlgorithm, isDigest } from '../oci/digest.js'
import { type Descriptor, type ParsedManifest, parseManifest } from '../oci/manifest.js'
import { isAppError } from '../shared/errors.js'
import { findManifest } from './content.js'
import { type RegistryContext, requestBody, requestSignal } from './context.js'
import {
  digestInvalid,
  manifestInvalid,
  manifestUnknown,
  OciError,
  OciErrorCode,
  unsupported,
} from './errors.js'
import { RegistryAction } from './identity.js'
import { mapPushedManifest } from './image-mapping.js'
import type { StoredManifest } from './manifest-store.js'
import { isTag, type RepositoryName } from './names.js'
import {
  getStream,
  PUSH_ACTIONS,
  type RegistryServices,
  repositoryFor,
  requireNamespace,
} from './services.js'

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests

/** Most `?tag=` parameters one manifest PUT may carry (the spec allows 414 above 10 or more). */
const MAX_TAG_PARAMS = 10
// Layers that registries may legitimately not hold (foreign / non-distributable, fetched from `urls`).
const FOREIGN_LAYER = /nondistributable|foreign/

/** Serves `/v2/<name>/manifests/<reference>` for every method. */
export async function handleManifest(
  c: RegistryContext,
  svc: RegistryServices,
  name: string,
  reference: string
): Promise<Response> {
  switch (c.req.method) {
    case 'GET':
    case 'HEAD':
      return getManifest(c, svc, name, reference)
    case 'PUT':
      return putManifest(c, svc, name, reference)
    case 'DELETE':
      return deleteManifest(c, svc, name, reference)
    default:
      throw unsupported()
  }
}

/** Checks a reference's grammar: a tag, or a digest we can verify (400 DIGEST_INVALID otherwise). */
export function checkReference(reference: string): { tag?: string; digest?: Digest } {
  if (isDigest(reference)) return { digest: reference }
  if (reference.includes(':')) {
    throw digestInvalid(`invalid digest ${JSON.stringify(reference.slice(0, 200))}`)
  }
  if (!isTag(reference)) {
    throw manifestInvalid(`invalid tag ${JSON.stringify(reference.slice(0, 200))}`)
  }
  return { tag: reference }
}

/**
 * GET/HEAD a manifest:
 *  1. name grammar, then pull access;
 *  2. a tag resolves through the stream's status (its current image), a digest is taken as it is;
 *  3. the manifest is found locally or pulled through (content.ts findManifest);
 *  4. Accept negotiation: the stored type must be acceptable, there is no conversion;
 *  5. the exact stored bytes with Content-Type, Docker-Content-Digest and Content-Length; GETs count as
 *     pulls (LastPullRecorder).
 */
async function getManifest(
  c: RegistryContext,
  svc: RegistryServices,
  name: string,
  reference: string
): Promise<Response> {
  const repo = await repositoryFor(c, svc, name, [RegistryAction.Pull])
  const ref = checkReference(reference)
  let stream: ImageStream | undefined
  let digest: Digest
  if (ref.tag !== undefined) {
    stream = await getStream(svc, repo)
    if (stream === undefined) throw manifestUnknown(reference)
    const event = latestTagEvent(stream, ref.tag)
    if (event === undefined || !isDigest(event.image)) throw manifestUnknown(reference)
    digest = event.image
  } else {
    digest = ref.digest as Digest
  }
  const manifest = await findManifest(svc, repo, digest, { stream, signal: requestSignal(c) })
  if (manifest === undefined) throw manifestUnknown(reference)
  if (!acceptable(c.req.header('accept'), manifest.mediaType)) {
    throw manifestUnknown(
      reference,
      `manifest found, but the accept header does not support ${manifest.mediaType}`
    )
  }
  if (c.req.method === 'GET') svc.lastPull.record(digest)
  const headers = manifestHeaders(manifest)
  return new Response(c.req.method === 'HEAD' ? null : manifest.bytes, { status: 200, headers })
}

function manifestHeaders(m: StoredManifest): Record<string, string> {
  return {
    'content-type': m.mediaType,
    'content-length': String(m.bytes.byteLength),
    'docker-content-digest': m.digest,
    etag: `"${m.digest}"`,
  }
}

/**
 * Reports whether an Accept header admits a media type: no header (or an empty one) admits anything, as do
 * `*\/*` and `type/*`; entries with `q=0` admit nothing.
 */
export function acceptable(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined || accept.trim() === '') return true
  const [type] = mediaType.split('/')
  for (const entry of accept.split(',')) {
    const [range = '', ...params] = entry.split(';').map((p) => p.trim().toLowerCase())
    if (range === '') continue
    if (params.some((p) => /^q=0(?:\.0*)?$/.test(p))) continue
    if (range === '*/*' || range === mediaType || range === `${type}/*`) return true
  }
  return false
}

/**
 * PUT a manifest (by tag, or by digest with optional `?tag=`):
 *  1. name, push access, namespace exists; reference grammar;
 *  2. body capped at maxManifestBytes (413 above), parsed strictly (ambiguous documents rejected,
 *     CVE-2021-41190), schema 1 refused;
 *  3. digest of the exact bytes, with the algorithm of the reference when pushed by digest (must match);
 *  4. every referenced blob (config, layers) or child manifest must be in this repository
 *     (MANIFEST_BLOB_UNKNOWN); a missing `subject` is allowed;
 *  5. exact bytes stored and linked as pushed content (pinned, with the blobs they need);
 *  6. the Image is created and tags move (image-mapping.ts);
 *  7. 201 with Location, Docker-Content-Digest and, for a manifest with a subject, OCI-Subject.
 */
async function putManifest(
  c: RegistryContext,
  svc: RegistryServices,
  name: string,
  reference: string
): Promise<Response> {
  const repo = await repositoryFor(c, svc, name, PUSH_ACTIONS)
  await requireNamespace(svc, repo)
  const ref = checkReference(reference)
  const tags = ref.tag !== undefined ? [ref.tag] : (c.req.queries('tag') ?? [])
  if (tags.length > MAX_TAG_PARAMS) throw manifestInvalid(`too many tags (most ${MAX_TAG_PARAMS})`)
  for (const t of tags) {
    if (!isTag(t)) throw manifestInvalid(`invalid tag ${JSON.stringify(t.slice(0, 200))}`)
  }

  const bytes = await readManifestBody(c, svc.maxManifestBytes)
  const contentType = c.req.header('content-type') ?? ''
  let manifest: ParsedManifest
  try {
    manifest = parseManifest(bytes, contentType)
  } catch (err) {
    if (isAppError(err)) throw manifestInvalid(err.message)
    throw err
  }
  if (manifest.kind === 'schema1') {
    throw manifestInvalid('schema 1 manifests are not accepted; push an OCI or Docker v2 manifest')
  }
  const algorithm = ref.digest === undefined ? 'sha256' : digestAlgorithm(ref.digest)
  const digest = computeDigest(bytes, algorithm)
  if (ref.digest !== undefined && ref.digest !== digest) {
    throw digestInvalid('the manifest does not match the digest it was pushed under', {
      expected: ref.digest,
      computed: digest,
    })
  }
  const blobs = await checkReferences(svc, repo, manifest)

  await svc.manifests.putManifest(repo, { digest, mediaType: manifest.mediaType, bytes }, 'push')
  for (const b of blobs) await svc.manifests.linkBlob(repo, b, 'push')
  const subject = manifest.subject
  if (subject !== undefined) {
    await svc.manifests.addReferrer(
      repo,
      subject.digest,
      referrerDescriptor(manifest, digest, bytes)
    )
  }
  await mapPushedManifest(
    {
      store: svc.store,
      now: () => svc.clock.now(),
      registryHostname: svc.registryHostname(),
      readConfig: async (d) => {
        try {
          return await svc.blobStore.readBytes(d, 8 * 1024 * 1024)
        } catch {
          // Too large to be an image config: the image is built from the manifest alone.
          return undefined
        }
      },
    },
    { repo, digest, bytes, manifest, tags }
  )
  const headers: Record<string, string> = {
    location: `/v2/${repo.name}/manifests/${digest}`,
    'docker-content-digest': digest,
    'content-length': '0',
  }
  if (subject !== undefined) headers['oci-subject'] = subject.digest
  return new Response(null, { status: 201, headers })
}

async function readManifestBody(c: RegistryContext, limit: number): Promise<Uint8Array> {
  const tooLarge = (): OciError =>
    manifestInvalid(`manifest too large: the limit is ${limit} bytes`, 413)
  const declared = Number(c.req.header('content-length') ?? '')
  if (Number.isFinite(declared) && declared > limit) throw tooLarge()
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of requestBody(c)) {
    total += chunk.byteLength
    if (total > limit) throw tooLarge()
    chunks.push(chunk)
  }
  return new Uint8Array(Buffer.concat(chunks, total))
}

// Returns the blobs the manifest needs (to pin them), after checking each is in the repository.
async function checkReferences(
  svc: RegistryServices,
  repo: RepositoryName,
  manifest: ParsedManifest
): Promise<Digest[]> {
  const missing = (d: Descriptor): OciError =>
    new OciError({
      status: 400,
      code: OciErrorCode.ManifestBlobUnknown,
      message: `manifest references ${d.digest}, which is not in the repository`,
      detail: { digest: d.digest },
    })
  if (manifest.kind === 'index') {
    for (const child of manifest.manifests) {
      const linked = await svc.manifests.manifestLink(repo, child.digest)
      const stored = await svc.blobStore.stat(child.digest)
      if (linked === undefined || stored === undefined) throw missing(child)
    }
    return []
  }
  if (manifest.kind !== 'image') return []
  const needed: Digest[] = []
  for (const d of [manifest.config, ...manifest.layers]) {
    const linked = await svc.manifests.blobLink(repo, d.digest)
    const stored = await svc.blobStore.stat(d.digest)
    if (linked === undefined || stored === undefined) {
      if (FOREIGN_LAYER.test(d.mediaType) && (d.urls?.length ?? 0) > 0) continue
      throw missing(d)
    }
    if (stored.size !== d.size) {
      throw manifestInvalid(
        `descriptor of ${d.digest} has size ${d.size}, the blob has ${stored.size}`
      )
    }
    needed.push(d.digest)
  }
  return needed
}

function referrerDescriptor(
  manifest: ParsedManifest,
  digest: Digest,
  bytes: Uint8Array
): Descriptor {
  const artifactType =
    manifest.kind === 'schema1'
      ? undefined
      : (manifest.artifactType ??
        (manifest.kind === 'image' ? manifest.config.mediaType : undefined))
  const annotations = manifest.kind === 'schema1' ? undefined : manifest.annotations
  return {
    mediaType: manifest.mediaType,
    digest,
    size: bytes.byteLength,
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(annotations === undefined ? {} : { annotations }),
  }
}

/**
 * DELETE a manifest: by digest, the stream forgets the image (every history item of it, tags left empty
 * disappear) and the repository link goes; by tag, the tag goes (status and spec, as `oc tag -d`). The
 * content itself stays until pruning. 202, or 404 when there was nothing to delete.
 */
async function deleteManifest(
  c: RegistryContext,
  svc: RegistryServices,
  name: string,
  reference: string
): Promise<Response> {
  const repo = await repositoryFor(c, svc, name, [RegistryAction.Delete])
  const ref = checkReference(reference)
  const key = { resource: 'imagestreams', namespace: repo.namespace, name: repo.stream }
  let found = false
  const stream = await getStream(svc, repo)
  if (ref.tag !== undefined) {
    const tag = ref.tag
    if (stream !== undefined && (stream.status?.tags ?? []).some((t) => t.tag === tag)) {
      await svc.store.guaranteedUpdate<ImageStream & { metadata: { name: string } }>(key, (s) => {
        if (s.status?.tags) s.status.tags = s.status.tags.filter((t) => t.tag !== tag)
        if (s.spec?.tags) s.spec.tags = s.spec.tags.filter((t) => t.name !== tag)
        return s
      })
      found = true
    }
    if (!found) throw manifestUnknown(reference)
    return new Response(null, { status: 202, headers: { 'content-length': '0' } })
  }
  const digest = ref.digest as Digest
  const hasImage = (stream?.status?.tags ?? []).some((t) =>
    (t.items ?? []).some((i) => i.image === digest)
  )
  if (hasImage) {
    await svc.store.guaranteedUpdate<ImageStream & { metadata: { name: string } }>(key, (s) => {
      for (const t of s.status?.tags ?? [])
        t.items = (t.items ?? []).filter((i) => i.image !== digest)
      if (s.status?.tags) s.status.tags = s.status.tags.filter((t) => (t.items ?? []).length > 0)
      return s
    })
    found = true
  }
  const stored = await svc.manifests.readManifest(digest, svc.maxManifestBytes)
  if (await svc.manifests.unlinkManifest(repo, digest)) found = true
  if (stored !== undefined) {
    try {
      const subject = parseManifest(stored.bytes, stored.mediaType)
      if (subject.kind !== 'schema1' && subject.subject !== undefined) {
        await svc.manifests.removeReferrer(repo, subject.subject.digest, digest)
      }
    } catch {
      // A stored manifest that does not parse names no subject.
    }
  }
  if (!found) throw manifestUnknown(reference)
  return new Response(null, { status: 202, headers: { 'content-length': '0' } })
}
