import { forbidden } from '../api/field-errors.js'
import { DEFAULT_SELECTABLE_FIELDS } from '../api/field-selector.js'
import { setDefaultsImageStream } from '../api/image/v1/defaults.js'
import {
  applyTagChanges,
  setGenerationsOnCreate,
  setGenerationsOnUpdate,
  setObservedGenerationsOnStatusUpdate,
  type TagChangeContext,
  tagReferenceChanged,
} from '../api/image/v1/generations.js'
import { findSpecTag } from '../api/image/v1/tag-history.js'
import type { ImageStream } from '../api/image/v1/types.js'
import { validateImageStream, validateImageStreamUpdate } from '../api/image/v1/validation.js'
import { type ResourceInfo, resourceForPlural } from '../api/scheme.js'
import type { FieldError } from '../shared/errors.js'
import type { StoredObject } from '../store/store.js'
import { isAllowed } from './authz.js'
import type { ApiSettings } from './deps.js'
import { rfc3339, type Strategy, type StrategyContext } from './strategy.js'

// ImageStream writes as openshift-apiserver's registry/imagestream/strategy.go does them
// (openshift-behaviour.md §3.1): status is cleared on create and kept on spec updates, generations,
// status.dockerImageRepository, and spec tags that need no import (references, ImageStreamTag and
// ImageStreamImage sources) resolved into status at once.

function info(): ResourceInfo {
  const r = resourceForPlural('imagestreams')
  if (r === undefined) throw new Error('resource imagestreams is not in the scheme')
  return r
}

type Stream = StoredObject & ImageStream

/**
 * The repository a stream is pulled from: `<registryHostname>/<namespace>/<name>` when the registry
 * hostname is known, else the deprecated spec.dockerImageRepository (empty when unset).
 */
export function streamRepository(stream: ImageStream, settings: ApiSettings): string {
  const host = settings.registryHostname
  if (host !== undefined && host !== '') {
    return `${host}/${stream.metadata.namespace ?? ''}/${stream.metadata.name ?? ''}`
  }
  return stream.spec?.dockerImageRepository ?? ''
}

function setRepositories(stream: ImageStream, settings: ApiSettings): void {
  const repo = streamRepository(stream, settings)
  stream.status ??= {}
  if (repo === '') delete stream.status.dockerImageRepository
  else stream.status.dockerImageRepository = repo
  // We serve the registry on one address, so the public repository is the same one.
  const host = settings.registryHostname
  if (host !== undefined && host !== '') stream.status.publicDockerImageRepository = repo
}

/**
 * Loads the other streams that new or changed ImageStreamTag/ImageStreamImage spec tags point to.
 * Pointing into another namespace needs read access there (OpenShift's TagVerifier asks for
 * `get imagestreams/layers`); otherwise the tag is Forbidden.
 */
async function loadReferencedStreams(
  stream: ImageStream,
  old: ImageStream | undefined,
  ctx: StrategyContext
): Promise<{ streams: Map<string, ImageStream>; errs: FieldError[] }> {
  const streams = new Map<string, ImageStream>()
  const errs: FieldError[] = []
  const namespace = stream.metadata.namespace ?? ''
  const name = stream.metadata.name ?? ''
  const streamsInfo = info()
  for (const [i, tag] of (stream.spec?.tags ?? []).entries()) {
    const from = tag.from
    if (from === null || from === undefined) continue
    if (from.kind !== 'ImageStreamTag' && from.kind !== 'ImageStreamImage') continue
    const oldTag = old === undefined ? undefined : findSpecTag(old, tag.name)
    if (oldTag !== undefined && !tagReferenceChanged(oldTag, tag, namespace)) continue
    const parts = (from.name ?? '').split(from.kind === 'ImageStreamTag' ? ':' : '@')
    const refName = parts.length === 2 ? (parts[0] ?? '') : name
    const refNamespace = (from.namespace ?? '') === '' ? namespace : (from.namespace ?? '')
    if (refNamespace === namespace && refName === name) continue
    const key = `${refNamespace}/${refName}`
    if (streams.has(key)) continue
    if (
      refNamespace !== namespace &&
      !isAllowed(ctx.identity, { verb: 'get', resource: streamsInfo, namespace: refNamespace })
    ) {
      errs.push(forbidden(`spec.tags[${i}].from`, key))
      continue
    }
    const found = await ctx.store.get<Stream>({
      resource: 'imagestreams',
      namespace: refNamespace,
      name: refName,
    })
    if (found !== undefined) streams.set(key, found)
  }
  return { streams, errs }
}

async function resolveTags(
  stream: ImageStream,
  old: ImageStream | undefined,
  ctx: StrategyContext
): Promise<FieldError[]> {
  const { streams, errs } = await loadReferencedStreams(stream, old, ctx)
  // A tag the caller may not point at is reported once, not also as "not found".
  if (errs.length > 0) return errs
  const host = ctx.settings.registryHostname
  const tagCtx: TagChangeContext = {
    now: rfc3339(ctx.nowMs),
    lookupStream: (ns, n) => streams.get(`${ns}/${n}`),
    ...(host === undefined || host === '' ? {} : { internalRegistry: host }),
  }
  return applyTagChanges(stream, old, tagCtx)
}

/** ImageStream: generations, repositories and tag resolution, then OpenShift's validation. */
export const imageStreamStrategy: Strategy = {
  info: info(),
  allowUnconditionalUpdate: false,
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  hasStatus: true,
  setDefaults(obj, settings) {
    setDefaultsImageStream(obj as Stream, { importMode: settings.defaultImportMode })
  },
  async prepareCreate(obj, ctx) {
    const stream = obj as Stream
    stream.spec ??= {}
    stream.status = {}
    setGenerationsOnCreate(stream)
    setRepositories(stream, ctx.settings)
    const errs = await resolveTags(stream, undefined, ctx)
    return [...errs, ...validateImageStream(stream)]
  },
  async prepareUpdate(next, old, mode, ctx) {
    const stream = next as Stream
    const prev = old as Stream
    stream.spec ??= {}
    switch (mode) {
      case 'status':
        stream.spec = structuredClone(prev.spec ?? {})
        stream.metadata = {
          ...structuredClone(prev.metadata),
          resourceVersion: stream.metadata.resourceVersion ?? '',
        }
        setObservedGenerationsOnStatusUpdate(stream, prev)
        setRepositories(stream, ctx.settings)
        return validateImageStreamUpdate(stream, prev)
      case 'main':
        stream.status = structuredClone(prev.status ?? {})
        setGenerationsOnUpdate(stream, prev)
        break
      case 'internal':
        setGenerationsOnUpdate(stream, prev)
        setObservedGenerationsOnStatusUpdate(stream, prev)
        break
    }
    setRepositories(stream, ctx.settings)
    const errs = await resolveTags(stream, prev, ctx)
    return [...errs, ...validateImageStreamUpdate(stream, prev)]
  },
  decorate(obj, settings) {
    const stream = obj as Stream
    const host = settings.registryHostname
    // The hostname may be learnt after objects were written (the listen port); show the current one.
    if (host !== undefined && host !== '') setRepositories(stream, settings)
  },
}
