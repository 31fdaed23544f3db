import { randomUUID } from 'node:crypto'
import { invalidError, notFoundError } from '../api/api-error.js'
import { matchesFields } from '../api/field-selector.js'
import { matchesLabels } from '../api/label-selector.js'
import type { ApiObject } from '../api/meta.js'
import { apiVersionOf } from '../api/scheme.js'
import { AppError, isAppError, Reason } from '../shared/errors.js'
import type { ResourceKey, StoredObject } from '../store/store.js'
import { applyPatch, parsePatch } from './apply-patch.js'
import { isJsonObject, mediaTypeOf, readBodyText, readObjectBody } from './body.js'
import { decodeObject } from './decode.js'
import { negotiateFormat, parseIncludeObject } from './negotiation.js'
import {
  bindToUrl,
  ensureNamespaceExists,
  prepareMetaForCreate,
  prepareMetaForUpdate,
} from './object-meta-rules.js'
import { PROTOBUF_MEDIA_TYPE } from './protobuf.js'
import { type ListQuery, parseListQuery, parseWriteOptions } from './query-options.js'
import {
  type Handler,
  type RequestContext,
  type ResourceHandlers,
  strategyContext,
} from './request-context.js'
import { type OutputObject, outputObject } from './response.js'
import { storeCall } from './store-error-mapping.js'
import { rfc3339, type Strategy, type UpdateMode } from './strategy.js'
import { buildTable } from './table.js'
import { watchResponse } from './watch.js'

// Generic REST handlers of the kinds kept in the store (Kubernetes' generic registry): get, list, watch,
// create, update, patch, delete, and the status subresource, with a Strategy for what differs by kind.

/** Hooks of kinds whose writes do more than store the object. */
export type StoredResourceHooks = {
  /** Runs after a (non dry-run) create. */
  readonly afterCreate?: (ctx: RequestContext, created: StoredObject) => Promise<void>
  /** Replaces the delete of the object (e.g. namespaces delete their contents first). */
  readonly deleteObject?: (ctx: RequestContext, key: ResourceKey) => Promise<StoredObject>
  /** What DELETE returns: the object (true) or a Success Status (default). */
  readonly returnDeletedObject?: boolean
}

function keyOf(ctx: RequestContext, strategy: Strategy): ResourceKey {
  const name = ctx.info.name ?? ''
  return {
    resource: strategy.info.plural,
    ...(strategy.info.namespaced ? { namespace: ctx.info.namespace ?? '' } : {}),
    name,
  }
}

function output(ctx: RequestContext, strategy: Strategy, obj: object): OutputObject {
  return outputObject(strategy.info, obj, ctx.deps.settings, strategy)
}

/** The filter of a list or watch: selectors on labels and fields. */
export function selectorFilter(q: ListQuery): (obj: StoredObject) => boolean {
  return (obj) =>
    matchesLabels(q.labelSelector, obj.metadata?.labels) &&
    matchesFields(q.fieldSelector, obj as ApiObject)
}

/** Creates an object of a stored kind (BeforeCreate, strategy, store); returns what was stored. */
export async function createStored(
  ctx: RequestContext,
  strategy: Strategy,
  obj: StoredObject,
  o: { dryRun: boolean }
): Promise<StoredObject> {
  const info = strategy.info
  prepareMetaForCreate(obj)
  strategy.setDefaults(obj, ctx.deps.settings)
  if (info.namespaced) await ensureNamespaceExists(ctx.deps.store, obj.metadata.namespace ?? '')
  const errs = await strategy.prepareCreate(obj, strategyContext(ctx))
  const name = obj.metadata.name ?? ''
  if (errs.length > 0) throw invalidError(info.kind, name, errs)
  if (o.dryRun) {
    // Dry run shows what would be stored, system fields included, without a resourceVersion.
    obj.metadata.uid = randomUUID()
    obj.metadata.creationTimestamp = rfc3339(ctx.deps.clock.now())
    return obj
  }
  return storeCall(info, name, () => ctx.deps.store.create(info.plural, obj))
}

/**
 * Updates an object of a stored kind with read-modify-write: compute gets a copy of the current object
 * and returns the desired one, which goes through BeforeUpdate and the strategy. Returns the stored
 * result (or, in a dry run, what would have been stored).
 */
export async function updateStored(
  ctx: RequestContext,
  strategy: Strategy,
  key: ResourceKey,
  compute: (current: StoredObject) => StoredObject,
  o: { mode: UpdateMode; dryRun: boolean; conditional: boolean }
): Promise<StoredObject> {
  const info = strategy.info
  let dryResult: StoredObject | undefined
  const stored = await storeCall(info, key.name, () =>
    ctx.deps.store.guaranteedUpdate(
      key,
      async (current) => {
        const next = compute(structuredClone(current))
        prepareMetaForUpdate(next, current, {
          info,
          allowUnconditional: !o.conditional || strategy.allowUnconditionalUpdate,
        })
        const errs = await strategy.prepareUpdate(next, current, o.mode, strategyContext(ctx))
        if (errs.length > 0) throw invalidError(info.kind, key.name, errs)
        if (o.dryRun) {
          dryResult = next
          return undefined
        }
        return next
      },
      { signal: ctx.signal }
    )
  )
  return dryResult ?? stored
}

async function readDeleteOptions(
  ctx: RequestContext
): Promise<{ dryRun: boolean; uid?: string; resourceVersion?: string }> {
  const query = parseWriteOptions(ctx.query)
  // Typed clients may send DeleteOptions as protobuf; those carry nothing we need, so they are skipped.
  const protobuf = mediaTypeOf(ctx.request.headers.get('content-type')) === PROTOBUF_MEDIA_TYPE
  const body = ctx.request.body === null || protobuf ? undefined : await readObjectBody(ctx.request)
  let dryRun = query.dryRun
  let uid: string | undefined
  let resourceVersion: string | undefined
  if (isJsonObject(body)) {
    const pre = body.preconditions
    if (isJsonObject(pre)) {
      if (typeof pre.uid === 'string' && pre.uid !== '') uid = pre.uid
      if (typeof pre.resourceVersion === 'string' && pre.resourceVersion !== '') {
        resourceVersion = pre.resourceVersion
      }
    }
    if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) dryRun = true
  }
  return {
    dryRun,
    ...(uid === undefined ? {} : { uid }),
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
  }
}

/** The handlers of a stored kind. */
export function storedResourceHandlers(
  strategy: Strategy,
  hooks: StoredResourceHooks = {}
): ResourceHandlers {
  const info = strategy.info

  const get: Handler = async (ctx) => {
    const key = keyOf(ctx, strategy)
    const obj = await storeCall(info, key.name, () => ctx.deps.store.get(key))
    if (obj === undefined) throw storeNotFound(ctx, strategy)
    return { type: 'object', code: 200, object: output(ctx, strategy, obj) }
  }

  const list: Handler = async (ctx) => {
    const q = parseListQuery(ctx.query, strategy.selectableFields)
    const page = await ctx.deps.store.list({
      resource: info.plural,
      ...(ctx.info.namespace === undefined ? {} : { namespace: ctx.info.namespace }),
      filter: selectorFilter(q),
      limit: q.limit,
      ...(q.continue === '' ? {} : { continue: q.continue }),
    })
    return {
      type: 'list',
      items: page.items.map((i) => output(ctx, strategy, i)),
      resourceVersion: page.resourceVersion,
      ...(page.continue === undefined ? {} : { continue: page.continue }),
    }
  }

  const watch: Handler = async (ctx) => {
    const q = parseListQuery(ctx.query, strategy.selectableFields)
    const format = negotiateFormat(ctx.request.headers.get('accept'))
    const includeObject = parseIncludeObject(ctx.query)
    const transform = (obj: StoredObject): unknown => {
      const out = output(ctx, strategy, obj)
      if (format.kind === 'json') return out
      return buildTable({
        plural: info.plural,
        items: [out],
        nowMs: ctx.deps.clock.now(),
        includeObject,
        version: format.version,
      })
    }
    return {
      type: 'response',
      response: watchResponse({
        store: ctx.deps.store,
        resource: info.plural,
        namespace: ctx.info.namespace,
        resourceVersion: q.resourceVersion,
        filter: selectorFilter(q),
        transform,
        signal: ctx.signal,
        ...(q.timeoutSeconds > 0 ? { timeoutMs: q.timeoutSeconds * 1000 } : {}),
        logger: ctx.deps.logger,
      }),
    }
  }

  const create: Handler = async (ctx) => {
    if (ctx.info.name !== undefined)
      throw new AppError(Reason.BadRequest, 'a create must be sent to the collection')
    const wo = parseWriteOptions(ctx.query)
    const body = await readObjectBody(ctx.request)
    const decoded = decodeObject(info, body, { fieldValidation: wo.fieldValidation })
    ctx.warnings.push(...decoded.warnings)
    const obj = decoded.obj
    bindToUrl(obj, info, { namespace: ctx.info.namespace, name: undefined })
    const created = await createStored(ctx, strategy, obj, { dryRun: wo.dryRun })
    if (!wo.dryRun) await hooks.afterCreate?.(ctx, created)
    return { type: 'object', code: 201, object: output(ctx, strategy, created) }
  }

  const replace =
    (mode: UpdateMode): Handler =>
    async (ctx) => {
      const wo = parseWriteOptions(ctx.query)
      const body = await readObjectBody(ctx.request)
      const decoded = decodeObject(info, body, { fieldValidation: wo.fieldValidation })
      ctx.warnings.push(...decoded.warnings)
      const obj = decoded.obj
      bindToUrl(obj, info, { namespace: ctx.info.namespace, name: ctx.info.name })
      strategy.setDefaults(obj, ctx.deps.settings)
      const stored = await updateStored(
        ctx,
        strategy,
        keyOf(ctx, strategy),
        () => structuredClone(obj),
        {
          mode,
          dryRun: wo.dryRun,
          conditional: true,
        }
      )
      return { type: 'object', code: 200, object: output(ctx, strategy, stored) }
    }

  const patch =
    (mode: UpdateMode): Handler =>
    async (ctx) => {
      const wo = parseWriteOptions(ctx.query)
      const parsed = parsePatch(
        mediaTypeOf(ctx.request.headers.get('content-type')),
        await readBodyText(ctx.request)
      )
      const warnings = new Set<string>()
      const compute = (current: StoredObject): StoredObject => {
        const base = { ...current, apiVersion: apiVersionOf(info), kind: info.kind }
        const patched = applyPatch(info.kind, base, parsed)
        const decoded = decodeObject(info, patched, { fieldValidation: wo.fieldValidation })
        for (const w of decoded.warnings) warnings.add(w)
        const obj = decoded.obj
        bindToUrl(obj, info, { namespace: ctx.info.namespace, name: ctx.info.name })
        strategy.setDefaults(obj, ctx.deps.settings)
        return obj
      }
      const stored = await updateStored(ctx, strategy, keyOf(ctx, strategy), compute, {
        mode,
        dryRun: wo.dryRun,
        conditional: false,
      })
      ctx.warnings.push(...warnings)
      return { type: 'object', code: 200, object: output(ctx, strategy, stored) }
    }

  const remove: Handler = async (ctx) => {
    const opts = await readDeleteOptions(ctx)
    const key = keyOf(ctx, strategy)
    let deleted: StoredObject
    if (opts.dryRun) {
      const current = await ctx.deps.store.get(key)
      if (current === undefined) throw storeNotFound(ctx, strategy)
      deleted = current
    } else if (hooks.deleteObject !== undefined) {
      deleted = await hooks.deleteObject(ctx, key)
    } else {
      deleted = await storeCall(info, key.name, () =>
        ctx.deps.store.delete(key, {
          ...(opts.uid === undefined ? {} : { uid: opts.uid }),
          ...(opts.resourceVersion === undefined ? {} : { resourceVersion: opts.resourceVersion }),
        })
      )
    }
    if (hooks.returnDeletedObject === true) {
      return { type: 'object', code: 200, object: output(ctx, strategy, deleted) }
    }
    return {
      type: 'object',
      code: 200,
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name: key.name,
          group: info.group,
          kind: info.plural,
          uid: deleted.metadata.uid ?? '',
        },
      },
    }
  }

  const removeCollection: Handler = async (ctx) => {
    const wo = parseWriteOptions(ctx.query)
    const q = parseListQuery(ctx.query, strategy.selectableFields)
    const page = await ctx.deps.store.list({
      resource: info.plural,
      ...(ctx.info.namespace === undefined ? {} : { namespace: ctx.info.namespace }),
      filter: selectorFilter(q),
    })
    if (!wo.dryRun) {
      for (const item of page.items) {
        const key = { ...keyOf(ctx, strategy), name: item.metadata.name }
        try {
          await ctx.deps.store.delete(key)
        } catch (err) {
          // Deleted meanwhile: the collection is as asked.
          if (!isAppError(err, Reason.NotFound)) throw err
        }
      }
    }
    return {
      type: 'object',
      code: 200,
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' },
    }
  }

  const handlers: ResourceHandlers = {
    verbs: {
      get,
      list,
      watch,
      create,
      update: replace('main'),
      patch: patch('main'),
      delete: remove,
      deletecollection: removeCollection,
    },
    ...(strategy.hasStatus
      ? {
          subresources: {
            status: { get, update: replace('status'), patch: patch('status') },
          },
        }
      : {}),
  }
  return handlers
}

function storeNotFound(ctx: RequestContext, strategy: Strategy): unknown {
  return notFoundError(strategy.info.kind, ctx.info.name ?? '')
}
