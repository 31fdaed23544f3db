import { ApiError, conflictError, invalidError, notFoundError } from '../api/api-error.js'
import { goQuote } from '../api/field-errors.js'
import { matchesFields } from '../api/field-selector.js'
import { setDefaultsImageStreamTag } from '../api/image/v1/defaults.js'
import { findSpecTag, findStatusTag, latestTagEvent } from '../api/image/v1/tag-history.js'
import {
  IMAGE_GROUP,
  type Image,
  type ImageStream,
  type ImageStreamTag,
  type TagEvent,
  TagReferencePolicyType,
} from '../api/image/v1/types.js'
import { splitImageStreamTagName, validateImageStreamTag } from '../api/image/v1/validation.js'
import type { ApiObject } from '../api/meta.js'
import { apiVersionOf, type ResourceInfo, resourceForPlural } from '../api/scheme.js'
import { AppError, Reason } from '../shared/errors.js'
import type { StoredObject } from '../store/store.js'
import { applyPatch, parsePatch } from './apply-patch.js'
import { mediaTypeOf, readBodyText, readObjectBody } from './body.js'
import { decodeObject } from './decode.js'
import { imageStreamStrategy } from './imagestream-strategy.js'
import { bindToUrl } from './object-meta-rules.js'
import { parseListQuery, parseWriteOptions } from './query-options.js'
import type { Handler, RequestContext, ResourceHandlers } from './request-context.js'
import { type OutputObject, outputObject } from './response.js'
import { createStored, selectorFilter, updateStored } from './stored-resource.js'

// ImageStreamTag is virtual (openshift-apiserver registry/imagestreamtag/rest.go): reading one shows a
// stream's status tag with its Image; writing one edits the stream's spec tag.

type Stream = StoredObject & ImageStream

function resource(plural: string): ResourceInfo {
  const r = resourceForPlural(plural)
  if (r === undefined) throw new Error(`${plural} are not in the scheme`)
  return r
}

const ISTAG = resource('imagestreamtags')
const STREAMS = resource('imagestreams')

function parseName(name: string): { stream: string; tag: string } {
  const parsed = splitImageStreamTagName(name)
  if (parsed === undefined) {
    throw new AppError(Reason.BadRequest, 'ImageStreamTags must be retrieved with <name>:<tag>')
  }
  return parsed
}

/**
 * ResolveReferenceForTagEvent: the pull spec of a tag's image; with referencePolicy Local and a known
 * stream repository, `<repository>@<image>` (pulled through our registry).
 */
export function resolveReferenceForTagEvent(
  stream: ImageStream,
  tag: string,
  event: TagEvent
): string {
  const ref = findSpecTag(stream, tag)
  if (ref?.referencePolicy?.type !== TagReferencePolicyType.Local) return event.dockerImageReference
  const local = stream.status?.dockerImageRepository ?? ''
  if (local === '' || event.image === '') return event.dockerImageReference
  return `${local}@${event.image}`
}

/**
 * newISTag: the ImageStreamTag of a stream's tag. Without a current image the tag does not exist
 * (undefined) unless allowEmpty, which writes use.
 */
export function newImageStreamTag(
  stream: ImageStream,
  tag: string,
  image: Image | undefined,
  allowEmpty: boolean
): ImageStreamTag | undefined {
  let event = latestTagEvent(stream, tag)
  if (event === undefined || event.image === '') {
    if (!allowEmpty) return undefined
    event = {
      created: stream.metadata.creationTimestamp ?? null,
      dockerImageReference: '',
      image: '',
      generation: 0,
    }
  }
  const annotations: Record<string, string> = {}
  const metadata: ImageStreamTag['metadata'] = {
    name: `${stream.metadata.name ?? ''}:${tag}`,
    namespace: stream.metadata.namespace ?? '',
    creationTimestamp: event.created,
    annotations,
  }
  if (stream.metadata.labels !== undefined && stream.metadata.labels !== null) {
    metadata.labels = { ...stream.metadata.labels }
  }
  if (stream.metadata.resourceVersion !== undefined) {
    metadata.resourceVersion = stream.metadata.resourceVersion
  }
  if (stream.metadata.uid !== undefined) metadata.uid = stream.metadata.uid
  const istag: ImageStreamTag = {
    metadata,
    tag: null,
    generation: event.generation,
    lookupPolicy: { local: stream.spec?.lookupPolicy?.local ?? false },
  }
  const conditions = findStatusTag(stream, tag)?.conditions
  if (conditions !== undefined && conditions !== null && conditions.length > 0) {
    istag.conditions = structuredClone(conditions)
  }
  let img: Image
  if (image === undefined) {
    img = { metadata: { name: event.image } }
  } else {
    img = structuredClone(image)
    delete img.dockerImageManifest
    delete img.dockerImageConfig
    delete img.apiVersion
    delete img.kind
  }
  const specTag = findSpecTag(stream, tag)
  if (specTag !== undefined) {
    istag.tag = structuredClone(specTag)
    for (const [k, v] of Object.entries(specTag.annotations ?? {})) {
      annotations[k] = v
      if (image !== undefined) {
        img.metadata.annotations ??= {}
        img.metadata.annotations[k] = v
      }
    }
  }
  img.dockerImageReference = resolveReferenceForTagEvent(stream, tag, event)
  istag.image = img
  return istag
}

async function getStream(ctx: RequestContext, name: string): Promise<Stream | undefined> {
  const stream = await ctx.deps.store.get<Stream>({
    resource: 'imagestreams',
    namespace: ctx.info.namespace ?? '',
    name,
  })
  if (stream !== undefined) imageStreamStrategy.decorate?.(stream, ctx.deps.settings)
  return stream
}

async function imageFor(
  ctx: RequestContext,
  stream: ImageStream,
  tag: string
): Promise<Image | undefined> {
  const event = latestTagEvent(stream, tag)
  if (event === undefined || event.image === '') return undefined
  return ctx.deps.store.get<StoredObject & Image>({ resource: 'images', name: event.image })
}

function out(ctx: RequestContext, istag: ImageStreamTag): OutputObject {
  return outputObject(ISTAG, istag, ctx.deps.settings)
}

const get: Handler = async (ctx) => {
  const name = ctx.info.name ?? ''
  const { stream: streamName, tag } = parseName(name)
  const stream = await getStream(ctx, streamName)
  if (stream === undefined) throw notFoundError('ImageStream', streamName)
  const istag = newImageStreamTag(stream, tag, await imageFor(ctx, stream, tag), false)
  if (istag === undefined) throw notFoundError('ImageStreamTag', name)
  return { type: 'object', code: 200, object: out(ctx, istag) }
}

const list: Handler = async (ctx) => {
  const q = parseListQuery(ctx.query, ['metadata.name', 'metadata.namespace'])
  const labelsOnly = selectorFilter({ ...q, fieldSelector: [] })
  const items: OutputObject[] = []
  let cont: string | undefined
  let revision: string | undefined
  do {
    const page = await ctx.deps.store.list<Stream>({
      resource: 'imagestreams',
      ...(ctx.info.namespace === undefined ? {} : { namespace: ctx.info.namespace }),
      filter: labelsOnly,
      limit: 500,
      ...(cont === undefined ? {} : { continue: cont }),
    })
    revision ??= page.resourceVersion
    for (const stream of page.items) {
      imageStreamStrategy.decorate?.(stream, ctx.deps.settings)
      for (const list of stream.status?.tags ?? []) {
        const istag = newImageStreamTag(stream, list.tag, undefined, false)
        if (istag !== undefined && matchesFields(q.fieldSelector, istag as ApiObject)) {
          items.push(out(ctx, istag))
        }
      }
    }
    cont = page.continue
  } while (cont !== undefined)
  return { type: 'list', items, resourceVersion: revision }
}

function tagAlreadyExists(name: string): ApiError {
  // NB: OpenShift names the singular resource here.
  return new ApiError(
    Reason.AlreadyExists,
    `imagestreamtag.${IMAGE_GROUP} ${goQuote(name)} already exists`,
    { group: IMAGE_GROUP, kind: 'imagestreamtag', name }
  )
}

function decodeIstag(
  ctx: RequestContext,
  body: unknown,
  fieldValidation: 'Ignore' | 'Warn' | 'Strict'
): ImageStreamTag {
  const decoded = decodeObject(ISTAG, body, { fieldValidation })
  ctx.warnings.push(...decoded.warnings)
  const obj = decoded.obj
  bindToUrl(obj, ISTAG, { namespace: ctx.info.namespace, name: ctx.info.name })
  const istag = obj as StoredObject & ImageStreamTag
  istag.tag ??= null
  setDefaultsImageStreamTag(istag, { importMode: ctx.deps.settings.defaultImportMode })
  return istag
}

function validateIstag(istag: ImageStreamTag): void {
  const errs = validateImageStreamTag(istag)
  if (errs.length > 0) throw invalidError('ImageStreamTag', istag.metadata.name ?? '', errs)
}

async function respond(
  ctx: RequestContext,
  stored: Stream,
  tag: string,
  code: number
): Promise<{ type: 'object'; code: number; object: OutputObject }> {
  imageStreamStrategy.decorate?.(stored, ctx.deps.settings)
  const istag = newImageStreamTag(stored, tag, await imageFor(ctx, stored, tag), true)
  if (istag === undefined) throw new Error('an image stream tag with allowEmpty always exists')
  return { type: 'object', code, object: out(ctx, istag) }
}

function freshStream(ctx: RequestContext, name: string): Stream {
  return {
    apiVersion: apiVersionOf(STREAMS),
    kind: STREAMS.kind,
    metadata: { name, namespace: ctx.info.namespace ?? '' },
    spec: { tags: [] },
  }
}

const create: Handler = async (ctx) => {
  const wo = parseWriteOptions(ctx.query)
  const istag = decodeIstag(ctx, await readObjectBody(ctx.request), wo.fieldValidation)
  const name = istag.metadata.name ?? ''
  validateIstag(istag)
  const { stream: streamName, tag } = parseName(name)
  const addTag = (stream: Stream): Stream => {
    stream.spec ??= {}
    if (findSpecTag(stream, tag) !== undefined) throw tagAlreadyExists(name)
    if (istag.tag !== null && istag.tag !== undefined) {
      stream.spec.tags = [...(stream.spec.tags ?? []), { ...structuredClone(istag.tag), name: tag }]
    }
    return stream
  }
  for (let attempt = 0; attempt < 10; attempt++) {
    const existing = await getStream(ctx, streamName)
    try {
      const stored =
        existing === undefined
          ? await createStored(ctx, imageStreamStrategy, addTag(freshStream(ctx, streamName)), wo)
          : await updateStored(
              ctx,
              imageStreamStrategy,
              { resource: 'imagestreams', namespace: ctx.info.namespace ?? '', name: streamName },
              (current) => addTag(current as Stream),
              { mode: 'main', dryRun: wo.dryRun, conditional: false }
            )
      return respond(ctx, stored as Stream, tag, 201)
    } catch (err) {
      // The stream appeared or vanished meanwhile: look again.
      const raced =
        (existing === undefined &&
          (err as { reason?: unknown }).reason === Reason.AlreadyExists &&
          (err as { subject?: { kind?: unknown } }).subject?.kind === 'imagestreams') ||
        (existing !== undefined &&
          (err as { reason?: unknown }).reason === Reason.NotFound &&
          (err as { subject?: { kind?: unknown } }).subject?.kind === 'imagestreams')
      if (!raced) throw err
    }
  }
  throw new AppError(
    Reason.Timeout,
    `the server was unable to create the image stream tag ${name}, please try again`
  )
}

/**
 * Update and patch: the ImageStreamTag as it is now (empty when the tag has no image yet) is replaced or
 * patched, then its tag becomes the stream's spec tag (a missing stream is created).
 */
function write(mode: 'update' | 'patch'): Handler {
  return async (ctx) => {
    const wo = parseWriteOptions(ctx.query)
    const name = ctx.info.name ?? ''
    const { stream: streamName, tag } = parseName(name)
    const existing = await getStream(ctx, streamName)
    const stream = existing ?? freshStream(ctx, streamName)
    const old = newImageStreamTag(stream, tag, undefined, true)
    if (old === undefined) throw new Error('an image stream tag with allowEmpty always exists')
    let istag: ImageStreamTag
    if (mode === 'update') {
      istag = decodeIstag(ctx, await readObjectBody(ctx.request), wo.fieldValidation)
    } else {
      const patch = parsePatch(
        mediaTypeOf(ctx.request.headers.get('content-type')),
        await readBodyText(ctx.request)
      )
      const base = { kind: ISTAG.kind, apiVersion: apiVersionOf(ISTAG), ...old }
      istag = decodeIstag(ctx, applyPatch(ISTAG.kind, base, patch), wo.fieldValidation)
    }
    const rv = istag.metadata.resourceVersion ?? ''
    if (rv !== '' && existing === undefined) throw notFoundError('ImageStreamTag', name)
    if (rv !== '' && rv !== existing?.metadata.resourceVersion) {
      throw conflictError(
        'ImageStreamTag',
        name,
        `another caller has updated the resource version to ${existing?.metadata.resourceVersion ?? ''}`
      )
    }
    validateIstag(istag)
    const setTag = (s: Stream): Stream => {
      s.spec ??= {}
      const tags = s.spec.tags ?? []
      const at = tags.findIndex((t) => t.name === tag)
      const current = at < 0 ? undefined : tags[at]
      if (istag.tag === null || istag.tag === undefined) {
        if (current === undefined) {
          throw new AppError(
            Reason.BadRequest,
            `imagestreamtag ${tag} is not a spec tag in imagestream ${s.metadata.namespace ?? ''}/${streamName}, cannot be updated`
          )
        }
      }
      const next = structuredClone(istag.tag ?? current ?? { name: tag })
      next.name = tag
      const annotations = istag.metadata.annotations
      if (
        annotations === undefined ||
        annotations === null ||
        Object.keys(annotations).length === 0
      ) {
        delete next.annotations
      } else {
        next.annotations = { ...annotations }
      }
      if (at < 0) s.spec.tags = [...tags, next]
      else tags[at] = next
      if (rv !== '') s.metadata.resourceVersion = rv
      return s
    }
    const stored =
      existing === undefined
        ? await createStored(ctx, imageStreamStrategy, setTag(stream), wo)
        : await updateStored(
            ctx,
            imageStreamStrategy,
            { resource: 'imagestreams', namespace: ctx.info.namespace ?? '', name: streamName },
            (current) => setTag(current as Stream),
            { mode: 'main', dryRun: wo.dryRun, conditional: false }
          )
    return respond(ctx, stored as Stream, tag, existing === undefined ? 201 : 200)
  }
}

const remove: Handler = async (ctx) => {
  const wo = parseWriteOptions(ctx.query)
  const name = ctx.info.name ?? ''
  const { stream: streamName, tag } = parseName(name)
  await updateStored(
    ctx,
    imageStreamStrategy,
    { resource: 'imagestreams', namespace: ctx.info.namespace ?? '', name: streamName },
    (current) => {
      const s = current as Stream
      const specTags = s.spec?.tags ?? []
      const statusTags = s.status?.tags ?? []
      const found = specTags.some((t) => t.name === tag) || statusTags.some((t) => t.tag === tag)
      if (!found) throw notFoundError('ImageStreamTag', name)
      if (s.spec !== undefined && s.spec.tags !== undefined && s.spec.tags !== null) {
        s.spec.tags = specTags.filter((t) => t.name !== tag)
      }
      if (s.status !== undefined && s.status.tags !== undefined && s.status.tags !== null) {
        s.status.tags = statusTags.filter((t) => t.tag !== tag)
      }
      return s
    },
    // Deleting a tag removes its history too, so status is written along with spec.
    { mode: 'internal', dryRun: wo.dryRun, conditional: false }
  )
  return {
    type: 'object',
    code: 200,
    object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' },
  }
}

/** The handlers of imagestreamtags. */
export const imageStreamTagHandlers: ResourceHandlers = {
  verbs: { get, list, create, update: write('update'), patch: write('patch'), delete: remove },
}
