import type { Image } from '../api/image/v1/types.js'

/** The LimitRange limit type OpenShift uses for image sizes. */
export const LIMIT_TYPE_IMAGE = 'openshift.io/Image'

const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}
const DECIMAL: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
}

/**
 * Parses a Kubernetes resource quantity (`512Mi`, `1G`, `1.5Gi`, `1e9`, `100`) into a number of units;
 * undefined when malformed.
 */
export function parseQuantity(s: string): number | undefined {
  const m =
    /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/.exec(
      s.trim()
    )
  if (m === null) return undefined
  const n = Number(m[1])
  if (m[3] !== undefined) return n * 10 ** Number(m[3])
  const suffix = m[2] ?? ''
  return n * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1)
}

/**
 * Reads LimitRange objects and returns, per namespace, the smallest `max.storage` of their
 * `openshift.io/Image` limits, in bytes. Malformed entries are skipped.
 */
export function imageSizeLimits(limitRanges: Iterable<unknown>): Map<string, number> {
  const out = new Map<string, number>()
  for (const lr of limitRanges) {
    const o = lr as {
      metadata?: { namespace?: unknown }
      spec?: { limits?: unknown }
    }
    const ns = typeof o?.metadata?.namespace === 'string' ? o.metadata.namespace : ''
    const limits = Array.isArray(o?.spec?.limits) ? o.spec.limits : []
    for (const l of limits as { type?: unknown; max?: Record<string, unknown> }[]) {
      if (l?.type !== LIMIT_TYPE_IMAGE) continue
      const raw = l.max?.storage
      const bytes =
        typeof raw === 'number' ? raw : typeof raw === 'string' ? parseQuantity(raw) : undefined
      if (bytes === undefined) continue
      out.set(ns, Math.min(out.get(ns) ?? Number.POSITIVE_INFINITY, bytes))
    }
  }
  return out
}

/** Reports whether the image is larger than the limit (OpenShift's exceedsLimits, on metadata Size). */
export function exceedsSizeLimit(image: Image, limit: number | undefined): boolean {
  if (limit === undefined) return false
  return (image.dockerImageMetadata?.Size ?? 0) > limit
}
