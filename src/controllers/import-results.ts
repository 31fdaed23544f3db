import type { Image, ImageImportStatus, ImageStreamImport } from '../api/image/v1/types.js'
import { SOURCE_MANIFEST_LIST_ANNOTATION } from '../importer/image-objects.js'
import type { ServerMetrics } from '../observability/server-metrics.js'
import { registryOf } from './tag-source.js'

/** What one image of an import came to. */
export type ImageOutcome = {
  /** The stream tag it was imported into. */
  readonly tag: string
  /** The source registry (after Docker's defaults); the metrics label. */
  readonly registry: string
  readonly ok: boolean
  /** The failure reason (metav1.Status reason), '' on success. */
  readonly reason: string
  /** For TooManyRequests failures: how long the registry asked us to wait. */
  readonly retryAfterMs?: number
  /** The digest the tag's source resolved to: a manifest list's own digest for Legacy list imports. */
  readonly sourceDigest?: string
  /** The digest recorded in the tag's status (the chosen child for Legacy list imports). */
  readonly imageDigest?: string
}

/** How an import was triggered, for metrics. */
export type ImportTrigger = 'change' | 'scheduled'

/**
 * Reads the per-image outcomes of an ImageStreamImport the importer returned: one per `spec.images`
 * entry with a `to` tag, plus one per image of a repository import.
 */
export function importOutcomes(
  request: ImageStreamImport,
  result: ImageStreamImport
): ImageOutcome[] {
  const out: ImageOutcome[] = []
  const statuses = result.status?.images ?? []
  for (const [i, spec] of (request.spec.images ?? []).entries()) {
    const tag = spec.to?.name ?? ''
    if (tag === '') continue
    out.push(outcome(tag, registryOf(spec.from?.name ?? ''), statuses[i]))
  }
  const repository = request.spec.repository
  if (repository !== null && repository !== undefined) {
    const registry = registryOf(repository.from?.name ?? '')
    for (const status of result.status?.repository?.images ?? []) {
      out.push(outcome(status.tag ?? '', registry, status))
    }
  }
  return out
}

function outcome(
  tag: string,
  registry: string,
  status: ImageImportStatus | undefined
): ImageOutcome {
  const image: Image | null | undefined = status?.image
  const ok = status?.status?.status === 'Success' && image !== undefined && image !== null
  if (!ok) {
    const seconds = status?.status?.details?.retryAfterSeconds
    return {
      tag,
      registry,
      ok: false,
      reason: status?.status?.reason ?? 'Unknown',
      ...(typeof seconds === 'number' && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
    }
  }
  const digest = image?.metadata?.name ?? ''
  const list = image?.metadata?.annotations?.[SOURCE_MANIFEST_LIST_ANNOTATION]
  return {
    tag,
    registry,
    ok: true,
    reason: '',
    imageDigest: digest,
    sourceDigest: list !== undefined && list !== '' ? list : digest,
  }
}

/** Counts outcomes in `imagestreams_imports_total`. */
export function countImports(
  metrics: ServerMetrics | undefined,
  trigger: ImportTrigger,
  outcomes: readonly ImageOutcome[]
): void {
  if (metrics === undefined) return
  for (const o of outcomes) {
    metrics.imports.inc({
      trigger,
      registry: o.registry,
      result: o.ok ? 'success' : 'failure',
      reason: o.reason,
    })
  }
}
