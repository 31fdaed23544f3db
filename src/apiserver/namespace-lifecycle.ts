import { notFoundError } from '../api/api-error.js'
import { RESOURCES } from '../api/scheme.js'
import { isAppError, Reason } from '../shared/errors.js'
import type { ResourceKey, StoredObject } from '../store/store.js'
import type { RequestContext } from './request-context.js'
import { storeCall } from './store-error-mapping.js'
import type { StoredResourceHooks } from './stored-resource.js'
import { rfc3339 } from './strategy.js'

// What Kubernetes' namespace controllers do, done inline: a new namespace gets the service account
// `default`; deleting a namespace deletes everything in it, then the namespace.

/** The service account every namespace gets. */
export const DEFAULT_SERVICE_ACCOUNT = 'default'

// Namespaced kinds kept in the store; image stream tags, images and imports are derived or transient.
const STORED_NAMESPACED = ['imagestreams', 'secrets', 'serviceaccounts'] as const

async function deleteContents(ctx: RequestContext, namespace: string): Promise<void> {
  const store = ctx.deps.store
  for (const resource of STORED_NAMESPACED) {
    for (;;) {
      const page = await store.list({ resource, namespace, limit: 500 })
      for (const item of page.items) {
        try {
          await store.delete({ resource, namespace, name: item.metadata.name })
        } catch (err) {
          // Deleted meanwhile by someone else: that is what we wanted.
          if (!isAppError(err, Reason.NotFound)) throw err
        }
      }
      if (page.items.length === 0 || page.continue === undefined) break
    }
  }
}

/** The hooks of the namespaces resource. */
export const namespaceHooks: StoredResourceHooks = {
  async afterCreate(ctx, created) {
    const namespace = created.metadata.name
    try {
      await ctx.deps.store.create('serviceaccounts', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace },
      })
    } catch (err) {
      if (!isAppError(err, Reason.AlreadyExists)) throw err
    }
  },
  async deleteObject(ctx, key: ResourceKey): Promise<StoredObject> {
    const info = RESOURCES.find((r) => r.plural === 'namespaces')
    if (info === undefined) throw new Error('namespaces are not in the scheme')
    const current = await ctx.deps.store.get(key)
    if (current === undefined) throw notFoundError('Namespace', key.name)
    await deleteContents(ctx, key.name)
    const deleted = await storeCall(info, key.name, () => ctx.deps.store.delete(key))
    // Kubernetes answers with the namespace as it starts terminating.
    deleted.metadata.deletionTimestamp = rfc3339(ctx.deps.clock.now())
    const status = { ...((current.status as Record<string, unknown> | undefined) ?? {}) }
    status.phase = 'Terminating'
    return { ...deleted, status }
  },
  returnDeletedObject: true,
}
