import { ApiError, invalidError, notFoundError } from '../api/api-error.js'
import { goQuote } from '../api/field-errors.js'
import { setDefaultsImageStream, setDefaultsImageStreamImport } from '../api/image/v1/defaults.js'
import {
  applyTagChanges,
  setGenerationsOnCreate,
  setGenerationsOnUpdate,
} from '../api/image/v1/generations.js'
import {
  IMAGE_API_VERSION,
  IMAGE_GROUP,
  type Image,
  ImageAnnotation,
  type ImageImportStatus,
  type ImageStream,
  type ImageStreamImport,
} from '../api/image/v1/types.js'
import { validateImageStream, validateImageStreamImport } from '../api/image/v1/validation.js'
import { AppError, isAppError, Reason } from '../shared/errors.js'
import type { ResourceKey } from '../store/store.js'
import { createRegistryAdmitter } from './allowed-registries.js'
import { applyImport } from './apply-import.js'
import { formatTime, withoutManifest } from './image-objects.js'
import { importImages } from './import-images.js'
import { ImportSession } from './import-session.js'
import { isSuccess } from './import-status.js'
import type { ImporterDeps } from './importer-deps.js'
import { namespaceKeyring } from './namespace-keyring.js'
import { persistImages } from './persist-images.js'
import { semanticallyEqual } from './semantic-equal.js'

/** Options of createImageStreamImport. */
export type CreateImageStreamImportOptions = {
  /** Aborts the import: in-flight registry requests stop and nothing more is written. */
  readonly signal?: AbortSignal
}

type NamedStream = ImageStream & { metadata: { name: string } }

/**
 * Creates an ImageStreamImport the way OpenShift's `imagestreamimport` REST.Create does
 * (openshift-behaviour §2.1), and returns it with its status:
 *  1. Status cleared, defaults applied (an import without a mode takes settings.defaultImportMode),
 *     validation (AppError Invalid `ImageStreamImport.image.openshift.io "x" is invalid: …`).
 *  2. The stream `metadata.name`: when missing it is created, unless the request names a resourceVersion or
 *     uid (NotFound); a resourceVersion that differs is a Conflict (`the image stream was updated from "a"
 *     to "b"`), a uid that differs is NotFound.
 *  3. Credentials: the namespace's pull secrets (see namespaceKeyring). OpenShift re-runs a whole import
 *     without secrets when an image failed with "incorrect username or password" (origin PR #18012); our
 *     registry client already tries every matching credential and then anonymous access for each request,
 *     so a wrong secret never hides a public image and that second pass would change nothing: it is not run.
 *  4. importImages fills the status: one status per image, failures included (never thrown).
 *  5. `spec.import: false` (dry run): returned as is; nothing is written, not even Images.
 *  6. Otherwise the Images are created (existing ones reused), then the stream is created, or updated with
 *     store.guaranteedUpdate (re-applied on a concurrent write) with the tag history, conditions and
 *     generation rules of §3; an existing stream that already has the
 *     `openshift.io/image.dockerRepositoryCheck` annotation and would not change is not written at all.
 *  7. `status.import` is the stored stream; raw manifests are dropped unless `includeManifest`.
 * Throws AppErrors for request-level failures (validation, stream preconditions, store errors, abort).
 */
export async function createImageStreamImport(
  deps: ImporterDeps,
  namespace: string,
  request: ImageStreamImport,
  opts: CreateImageStreamImportOptions = {}
): Promise<ImageStreamImport> {
  const signal = opts.signal ?? new AbortController().signal
  const settings = deps.settings
  if (namespace === '') {
    throw new AppError(Reason.BadRequest, 'a namespace must be specified to import images')
  }
  const isi: ImageStreamImport = structuredClone({
    ...request,
    apiVersion: IMAGE_API_VERSION,
    kind: 'ImageStreamImport',
  })
  delete isi.status
  isi.metadata ??= {}
  if ((isi.metadata.namespace ?? '') !== '' && isi.metadata.namespace !== namespace) {
    throw new AppError(
      Reason.BadRequest,
      'the namespace of the provided object does not match the namespace sent on the request'
    )
  }
  isi.metadata.namespace = namespace
  setDefaultsImageStreamImport(isi, { importMode: settings.defaultImportMode })
  const errs = validateImageStreamImport(isi)
  const name = isi.metadata.name ?? ''
  if (errs.length > 0) throw invalidError('ImageStreamImport', name, errs)

  const key: ResourceKey = { resource: 'imagestreams', namespace, name }
  const existing = await deps.store.get<NamedStream>(key)
  checkPreconditions(isi, existing)
  signal.throwIfAborted()

  const keyring = await namespaceKeyring({
    store: deps.store,
    logger: deps.logger,
    namespace,
    ...(deps.nodeKeyring === undefined ? {} : { nodeKeyring: deps.nodeKeyring }),
    signal,
  })
  const session = new ImportSession({
    client: deps.client,
    store: deps.store,
    keyring,
    logger: deps.logger,
    signal,
  })
  const now = formatTime(deps.clock.now())
  const stream = existing ?? freshStream(namespace, name)
  isi.status = await importImages(isi, stream, {
    session,
    settings,
    admit: createRegistryAdmitter(settings.allowedRegistriesForImport, settings.registryHostname),
    now,
  })
  signal.throwIfAborted()

  if (!isi.spec.import) {
    clearManifests(isi)
    logResult(deps, isi, 'dry run')
    return isi
  }

  await persistImages(deps.store, isi)
  signal.throwIfAborted()
  const { stored, outcome } = await writeStream(deps, isi, key, existing, now, signal)
  isi.status.import = decorate(stored, settings.registryHostname)
  clearManifests(isi)
  logResult(deps, isi, outcome)
  return isi
}

function checkPreconditions(isi: ImageStreamImport, stream: NamedStream | undefined): void {
  const name = isi.metadata.name ?? ''
  const rv = isi.metadata.resourceVersion ?? ''
  const uid = isi.metadata.uid ?? ''
  if (stream === undefined) {
    // Consistency check: a request made for a known version of the stream needs the stream.
    if (rv !== '' || uid !== '') throw notFoundError('ImageStream', name)
    return
  }
  if (rv !== '' && rv !== stream.metadata.resourceVersion) {
    throw new ApiError(
      Reason.Conflict,
      `Operation cannot be fulfilled on imagestream.${IMAGE_GROUP} ${goQuote(name)}: the image stream was updated from ${goQuote(rv)} to ${goQuote(stream.metadata.resourceVersion ?? '')}`,
      { group: IMAGE_GROUP, kind: 'imagestream', name }
    )
  }
  if (uid !== '' && uid !== stream.metadata.uid) {
    throw new ApiError(Reason.NotFound, `imagestream.${IMAGE_GROUP} ${goQuote(name)} not found`, {
      group: IMAGE_GROUP,
      kind: 'imagestream',
      name,
    })
  }
}

function freshStream(namespace: string, name: string): NamedStream {
  return {
    apiVersion: IMAGE_API_VERSION,
    kind: 'ImageStream',
    metadata: { name, namespace, generation: 0 },
    spec: {},
  }
}

type WriteOutcome = 'created' | 'updated' | 'unchanged'

async function writeStream(
  deps: ImporterDeps,
  isi: ImageStreamImport,
  key: ResourceKey,
  existing: NamedStream | undefined,
  now: string,
  signal: AbortSignal
): Promise<{ stored: ImageStream; outcome: WriteOutcome }> {
  const settings = deps.settings
  const defaults = { importMode: settings.defaultImportMode }
  if (existing === undefined) {
    const stream = freshStream(key.namespace ?? '', key.name)
    applyImport(stream, isi, { now, nextGeneration: 1 })
    setDefaultsImageStream(stream, defaults)
    stream.metadata.annotations = { [ImageAnnotation.DockerRepositoryCheck]: now }
    setGenerationsOnCreate(stream)
    prepareWrite(stream, undefined, now, settings.registryHostname)
    try {
      return { stored: await deps.store.create('imagestreams', stream), outcome: 'created' }
    } catch (err) {
      // Created meanwhile by someone else: import into theirs.
      if (!isAppError(err, Reason.AlreadyExists)) throw err
    }
  }
  let outcome: WriteOutcome = 'unchanged'
  const stored = await deps.store.guaranteedUpdate<NamedStream>(
    key,
    (current) => {
      checkPreconditions(isi, current)
      const original = structuredClone(current)
      setDefaultsImageStream(original, defaults)
      applyImport(current, isi, {
        now,
        nextGeneration: (current.metadata.generation ?? 0) + 1,
      })
      setDefaultsImageStream(current, defaults)
      const annotations = current.metadata.annotations ?? {}
      const checked = Object.hasOwn(annotations, ImageAnnotation.DockerRepositoryCheck)
      // Level-driven: an import that changes nothing writes nothing.
      if (checked && semanticallyEqual(original, current)) {
        outcome = 'unchanged'
        return undefined
      }
      current.metadata.annotations = {
        ...annotations,
        [ImageAnnotation.DockerRepositoryCheck]: now,
      }
      setGenerationsOnUpdate(current, original)
      prepareWrite(current, original, now, settings.registryHostname)
      outcome = 'updated'
      return current
    },
    { signal }
  )
  return { stored, outcome }
}

// The image stream strategy's part of a write: tags resolved from other tags, validation, our registry's
// repository in status.
function prepareWrite(
  stream: NamedStream,
  old: ImageStream | undefined,
  now: string,
  registryHostname: string | undefined
): void {
  const tagErrs = applyTagChanges(stream, old, { now })
  const name = stream.metadata.name
  if (tagErrs.length > 0) throw invalidError('ImageStream', name, tagErrs)
  if (registryHostname !== undefined && registryHostname !== '') {
    stream.status ??= {}
    stream.status.dockerImageRepository = repositoryOf(stream, registryHostname)
  }
  const errs = validateImageStream(stream)
  if (errs.length > 0) throw invalidError('ImageStream', name, errs)
}

function repositoryOf(stream: ImageStream, host: string): string {
  return `${host}/${stream.metadata.namespace ?? ''}/${stream.metadata.name ?? ''}`
}

function decorate(stream: ImageStream, registryHostname: string | undefined): ImageStream {
  if (registryHostname === undefined || registryHostname === '') return stream
  return {
    ...stream,
    status: { ...stream.status, dockerImageRepository: repositoryOf(stream, registryHostname) },
  }
}

// clearManifests: raw manifests and configs only for requests that asked for them.
function clearManifests(isi: ImageStreamImport): void {
  const strip = (status: ImageImportStatus): void => {
    if (status.image !== undefined && status.image !== null)
      status.image = withoutManifest(status.image)
    if (status.manifests) status.manifests = status.manifests.map((m: Image) => withoutManifest(m))
  }
  for (const [i, status] of (isi.status?.images ?? []).entries()) {
    if (isi.spec.images?.[i]?.includeManifest !== true) strip(status)
  }
  if (isi.spec.repository?.includeManifest !== true) {
    for (const status of isi.status?.repository?.images ?? []) strip(status)
  }
}

function logResult(deps: ImporterDeps, isi: ImageStreamImport, outcome: string): void {
  const statuses = [...(isi.status?.images ?? []), ...(isi.status?.repository?.images ?? [])]
  deps.logger.info('image stream import', {
    namespace: isi.metadata.namespace,
    name: isi.metadata.name,
    images: statuses.length,
    failed: statuses.filter((s) => !isSuccess(s.status)).length,
    stream: outcome,
  })
}
