import { isImportableTag } from '../api/image/v1/generations.js'
import { findStatusTag } from '../api/image/v1/tag-history.js'
import { type ImageStreamImport, ImportSuccess } from '../api/image/v1/types.js'
import { imageStreamImportForStream } from '../importer/stream-import-request.js'
import type { ServerMetrics } from '../observability/server-metrics.js'
import type { Clock } from '../shared/clock.js'
import { Reason } from '../shared/errors.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import type { ImporterFunc, StoredImageStream } from './controller-deps.js'
import { countImports, importOutcomes } from './import-results.js'
import type { RegistryBudget } from './registry-budget.js'
import type { BackoffPolicy } from './runtime/backoff.js'
import { Controller, type ControllerObserver, type ReconcileResult } from './runtime/controller.js'
import { listAndWatch } from './runtime/list-watch.js'
import { parseStreamKey, streamKey } from './stream-key.js'
import { registryOf } from './tag-source.js'

/** The controller's name in logs and metrics. */
export const IMPORT_CONTROLLER = 'imagestream-import'

/** Options of createImportController. */
export type ImportControllerOptions = {
  readonly store: Store
  readonly importer: ImporterFunc
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics?: ServerMetrics
  /** Shared with the scheduled controller: a registry that said 429 is not asked meanwhile. */
  readonly budget?: RegistryBudget
  readonly workers?: number
  readonly backoff?: BackoffPolicy
  readonly observer?: ControllerObserver
  /** Called once the first list has been handed to the queue (readiness). */
  readonly onSynced?: () => void
}

/**
 * Creates the import controller (OpenShift's ImageStreamController, openshift-behaviour.md §4): it
 * lists and watches every image stream and queues those that need an import — a DockerImage spec tag
 * whose generation is newer than status has observed, or `spec.dockerImageRepository` without the
 * `openshift.io/image.dockerRepositoryCheck` annotation (imageStreamImportForStream decides) — so a
 * stream created or re-tagged through any client is imported with no other command, and a restart
 * lists everything again and imports exactly what is still pending (level-driven: a stream whose
 * import is recorded is not imported again). Its reconcile reads the stream, builds the request with
 * each tag's own import policy and posts it to the importer. Failures of single tags are conditions
 * on the stream (an observed generation, so no loop); request failures (Conflict with a newer
 * version, store errors) are retried with per-key backoff. Tags whose registry is rate limiting us
 * wait until it is free (requeueAfter), the others are imported meanwhile; a non-scheduled tag whose
 * import failed with TooManyRequests is retried once the registry's wait is over.
 */
export function createImportController(o: ImportControllerOptions): Controller {
  const needsImport = (s: StoredImageStream): boolean =>
    imageStreamImportForStream(s, { mode: 'spec-policy' }) !== undefined ||
    rateLimitedTags(s).length > 0
  return new Controller({
    name: IMPORT_CONTROLLER,
    clock: o.clock,
    logger: o.logger,
    workers: o.workers ?? 4,
    ...(o.backoff === undefined ? {} : { backoff: o.backoff }),
    ...(o.observer === undefined ? {} : { observer: o.observer }),
    reconciler: { reconcile: (key, signal) => reconcile(o, key, signal) },
    sources: [
      async (queue, signal) => {
        let synced = false
        await listAndWatch<StoredImageStream>({
          store: o.store,
          resource: 'imagestreams',
          clock: o.clock,
          logger: o.logger,
          signal,
          onList: (items) => {
            for (const s of items) {
              if (needsImport(s)) queue.add(streamKey(s.metadata.namespace, s.metadata.name))
            }
            if (!synced) {
              synced = true
              o.onSynced?.()
            }
          },
          onEvent: (e) => {
            if (e.type === 'DELETED') return
            if (needsImport(e.object)) {
              queue.add(streamKey(e.object.metadata.namespace, e.object.metadata.name))
            }
          },
        })
      },
    ],
  })
}

async function reconcile(
  o: ImportControllerOptions,
  key: string,
  signal: AbortSignal
): Promise<ReconcileResult | undefined> {
  const { namespace, name } = parseStreamKey(key)
  const stream = await o.store.get<StoredImageStream>({ resource: 'imagestreams', namespace, name })
  if (stream === undefined) return undefined
  const pending = imageStreamImportForStream(stream, { mode: 'spec-policy' })
  const now = o.clock.now()
  const budget = o.budget
  const blockedUntil = (from: string): number | undefined => budget?.blockedUntil(registryOf(from))

  let isi: ImageStreamImport | undefined
  let waitUntil: number | undefined
  const repository = pending?.spec.repository
  if (pending !== undefined && repository !== null && repository !== undefined) {
    // A full import is one request: it waits as a whole.
    const until = blockedUntil(repository.from?.name ?? '')
    if (until !== undefined) return { requeueAfter: Math.max(1, until - now) }
    isi = pending
  } else {
    const wanted = new Set([
      ...(pending?.spec.images ?? []).map((i) => i.to?.name ?? ''),
      ...rateLimitedTags(stream),
    ])
    const free: string[] = []
    for (const tag of stream.spec?.tags ?? []) {
      if (!wanted.has(tag.name)) continue
      const until = blockedUntil(tag.from?.name ?? '')
      if (until === undefined) free.push(tag.name)
      else waitUntil = Math.min(waitUntil ?? until, until)
    }
    if (free.length > 0)
      isi = imageStreamImportForStream(stream, { mode: 'spec-policy', tags: free })
  }
  if (isi !== undefined) {
    const started = o.clock.now()
    const result = await o.importer(namespace, isi, { signal })
    o.metrics?.importDuration.observe({ trigger: 'change' }, (o.clock.now() - started) / 1000)
    const outcomes = importOutcomes(isi, result)
    countImports(o.metrics, 'change', outcomes)
    for (const out of outcomes) {
      if (out.ok) budget?.succeeded(out.registry)
      else if (out.reason === Reason.TooManyRequests && budget !== undefined) {
        const until = budget.tooManyRequests(out.registry, out.retryAfterMs)
        waitUntil = Math.min(waitUntil ?? until, until)
      }
    }
    for (const registry of new Set(outcomes.map((x) => x.registry))) budget?.observe(registry)
    o.logger.debug('imported image stream', {
      namespace,
      name,
      images: outcomes.length,
      failed: outcomes.filter((x) => !x.ok).length,
    })
  }
  return waitUntil === undefined
    ? undefined
    : { requeueAfter: Math.max(1, waitUntil - o.clock.now()) }
}

/**
 * The tags this controller retries although their generation has been observed: DockerImage tags that
 * are not scheduled (the scheduled controller retries those) and whose last import failed because the
 * registry rate-limited us (condition reason TooManyRequests).
 */
export function rateLimitedTags(stream: StoredImageStream): string[] {
  return (stream.spec?.tags ?? [])
    .filter((t) => isImportableTag(t) && t.importPolicy?.scheduled !== true)
    .filter((t) =>
      (findStatusTag(stream, t.name)?.conditions ?? []).some(
        (c) =>
          c.type === ImportSuccess && c.status === 'False' && c.reason === Reason.TooManyRequests
      )
    )
    .map((t) => t.name)
}
