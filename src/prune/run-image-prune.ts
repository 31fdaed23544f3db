import { executePrunePlan } from './execute.js'
import type { ExecuteDeps } from './execute-context.js'
import { classifyPullSpecs } from './in-use-references.js'
import { listAll, loadPruneState } from './list-all.js'
import { ORPHAN_BLOB_GRACE_MS, type PlanOptions, type PrunePlan, planImagePrune } from './plan.js'
import type { ImagePruneOptions } from './prune-options.js'
import { listRegistryBlobs } from './registry-storage.js'
import {
  formatPruneStats,
  PRUNE_API_VERSION,
  type PrunedStream,
  type PruneReport,
  type PruneStats,
} from './report.js'
import { imageSizeLimits } from './size-limits.js'

/** What runImagePrune needs: the store, the registry's storage when there is a registry, clock, logger. */
export type ImagePruneDeps = ExecuteDeps & {
  /** Overrides ORPHAN_BLOB_GRACE_MS (tests). */
  readonly orphanBlobGraceMs?: number
}

/**
 * Prunes image stream history, Images, repository links and registry blobs server-side, as
 * `oc adm prune images` does (plan.ts has the rules, execute.ts how concurrent imports and pushes stay
 * safe). Without `confirm` it only plans and reports what it would delete. A namespace limits pruning to
 * that namespace's histories and links. Options are trusted: validate requests with
 * parseImagePruneOptions.
 */
export async function runImagePrune(
  deps: ImagePruneDeps,
  options: ImagePruneOptions,
  signal: AbortSignal
): Promise<PruneReport> {
  // NB: "now" is taken before reading: whatever is created while the prune runs counts as young.
  const startedAt = deps.clock.now()
  const warnings: string[] = []
  const inUse = classifyPullSpecs(options.inUse, options.registryHostnames)
  for (const spec of inUse.invalid) warnings.push(`ignoring invalid in-use image reference ${spec}`)
  const state = await loadPruneState(deps.store, signal)
  const sizeLimits = options.pruneOverSizeLimit
    ? imageSizeLimits((await listAll(deps.store, 'limitranges', signal)).items)
    : new Map<string, number>()
  const namespace = options.namespace ?? ''
  const registry = deps.registry
  if (options.pruneRegistry && registry === undefined) {
    warnings.push('the integrated registry is not enabled: only API objects are pruned')
  }
  const orphanAge = Math.max(
    options.keepYoungerThanMs,
    deps.orphanBlobGraceMs ?? ORPHAN_BLOB_GRACE_MS
  )
  const blobs =
    options.pruneRegistry && registry !== undefined && namespace === ''
      ? await listRegistryBlobs(registry.blobs, orphanAge, signal)
      : undefined
  const planOptions: PlanOptions = {
    keepTagRevisions: options.keepTagRevisions,
    keepYoungerThanMs: options.keepYoungerThanMs,
    pruneOverSizeLimit: options.pruneOverSizeLimit,
    all: options.all,
    pruneRegistry: options.pruneRegistry,
    ...(namespace === '' ? {} : { namespace }),
  }
  const plan = planImagePrune({
    streams: state.streams,
    images: state.images,
    inUse,
    blobs,
    links: registry?.links !== undefined,
    sizeLimits,
    now: startedAt,
    options: planOptions,
  })
  const base = {
    apiVersion: PRUNE_API_VERSION,
    kind: 'ImagePruneReport' as const,
    pruneRegistry: options.pruneRegistry,
    registryAvailable: registry !== undefined,
    startedAt: new Date(startedAt).toISOString(),
  }
  let report: PruneReport
  if (!options.confirm) {
    report = {
      ...base,
      ...dryRunResult(plan),
      warnings,
      dryRun: true,
      finishedAt: new Date(deps.clock.now()).toISOString(),
    }
  } else {
    const result = await executePrunePlan(
      deps,
      plan,
      { inUse, options: planOptions, images: state.images },
      signal
    )
    report = {
      ...base,
      ...result,
      warnings: [...warnings, ...result.warnings],
      dryRun: false,
      finishedAt: new Date(deps.clock.now()).toISOString(),
    }
  }
  deps.logger.info('image prune finished', {
    dryRun: report.dryRun,
    summary: formatPruneStats(report.stats),
    restored: report.restoredImages.length,
    errors: report.errors.length,
  })
  return report
}

// A dry run reports the plan as if every deletion succeeded, as oc's describing deleters do.
function dryRunResult(
  plan: PrunePlan
): Pick<
  PruneReport,
  'streams' | 'images' | 'blobs' | 'restoredImages' | 'skipped' | 'errors' | 'stats'
> {
  const streams: PrunedStream[] = plan.streams.map((s) => ({
    namespace: s.namespace,
    name: s.name,
    deletedItems: s.removals.length,
    deletedTags: s.deletedTags,
    layerLinks: s.layerLinks,
    manifestLinks: s.manifestLinks,
  }))
  const stats: PruneStats = {
    deletedImages: plan.images.length,
    deletedImageStreamTagItems: streams.reduce((n, s) => n + s.deletedItems, 0),
    updatedImageStreams: streams.length,
    deletedLayerLinks: streams.reduce((n, s) => n + s.layerLinks.length, 0),
    deletedManifestLinks: streams.reduce((n, s) => n + s.manifestLinks.length, 0),
    deletedBlobs: plan.blobs.length,
  }
  return {
    streams,
    images: plan.images.map((i) => i.name),
    blobs: plan.blobs.map((b) => b.digest),
    restoredImages: [],
    skipped: { tagItems: 0, images: [], blobs: [] },
    errors: [],
    stats,
  }
}
