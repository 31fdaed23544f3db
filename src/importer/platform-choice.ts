import type { Descriptor, Platform } from '../oci/manifest.js'
import { formatPlatform, normalizePlatform } from '../oci/platform.js'
import type { DefaultPlatform } from './importer-deps.js'

/** The child of a manifest list a Legacy import takes, and why. */
export type PlatformChoice = {
  readonly descriptor: Descriptor
  /** The chosen entry's platform as listed, e.g. `linux/arm64/v8` ('unknown' without one). */
  readonly platform: string
  /** Why, e.g. `prefer-arch annotation`, `server default platform`, `first manifest in the list`. */
  readonly reason: string
  /** True when no preference matched and the first entry was taken blindly. */
  readonly fallback: boolean
}

/** The tag annotations that steer a Legacy import (`importer.image.openshift.io/prefer-arch`, `prefer-os`). */
export type PlatformPreference = {
  /** `arm64`, or with a variant (our extension): `arm64/v8`, `arm/v6`. */
  readonly preferArch?: string
  readonly preferOS?: string
}

/**
 * Chooses the child of a manifest list for a Legacy import, in OpenShift's order (openshift-behaviour §2.8,
 * `manifestFromManifestList`): the first entry matching the wanted os/architecture, where an annotation left
 * empty takes the server's default platform; else the first linux/amd64 entry; else the first entry.
 *
 * Beyond OpenShift: platforms are compared after normalizePlatform (so `aarch64` is `arm64`), and the
 * variant is compared when it is known — from `prefer-arch: arm64/v8`, the default platform, or implied by
 * the architecture (arm64 ⇒ v8, arm ⇒ v7) — falling back to OpenShift's os/architecture-only match when no
 * entry has that variant. Undefined for an empty list.
 */
export function chooseLegacyChild(
  manifests: readonly Descriptor[],
  prefer: PlatformPreference,
  defaults: DefaultPlatform
): PlatformChoice | undefined {
  const first = manifests[0]
  if (first === undefined) return undefined
  const preferArch = (prefer.preferArch ?? '').trim()
  const preferOS = (prefer.preferOS ?? '').trim()
  const [archPart = '', variantPart] = preferArch.split('/', 2)
  const fromAnnotation = archPart !== ''
  const wanted = normalizePlatform({
    os: preferOS !== '' ? preferOS : defaults.os,
    architecture: fromAnnotation ? archPart : defaults.architecture,
    ...variantOf(fromAnnotation ? variantPart : defaults.variant),
  })
  const source =
    fromAnnotation && preferOS !== ''
      ? 'prefer-arch and prefer-os annotations'
      : fromAnnotation
        ? 'prefer-arch annotation'
        : preferOS !== ''
          ? 'prefer-os annotation'
          : 'server default platform'

  const entries = manifests.map((descriptor) => ({
    descriptor,
    platform:
      descriptor.platform === undefined ? undefined : normalizePlatform(descriptor.platform),
  }))
  const choose = (d: Descriptor, reason: string, fallback = false): PlatformChoice => ({
    descriptor: d,
    platform: d.platform === undefined ? 'unknown' : formatPlatform(d.platform),
    reason,
    fallback,
  })

  const sameArch = (p: Platform | undefined): boolean =>
    p !== undefined && p.os === wanted.os && p.architecture === wanted.architecture
  if (wanted.variant !== undefined) {
    const exact = entries.find(
      (e) => sameArch(e.platform) && e.platform?.variant === wanted.variant
    )
    if (exact !== undefined) return choose(exact.descriptor, source)
  }
  const archOnly = entries.find((e) => sameArch(e.platform))
  if (archOnly !== undefined) {
    const note =
      wanted.variant === undefined ? '' : `, no ${formatPlatform(wanted)} entry in the list`
    return choose(archOnly.descriptor, `${source}${note}`)
  }
  const amd64 = entries.find(
    (e) => e.platform?.os === 'linux' && e.platform.architecture === 'amd64'
  )
  if (amd64 !== undefined) {
    return choose(amd64.descriptor, `linux/amd64 fallback, no ${formatPlatform(wanted)} entry`)
  }
  return choose(first, `first manifest in the list, no ${formatPlatform(wanted)} entry`, true)
}

function variantOf(v: string | undefined): { variant?: string } {
  return v === undefined || v === '' ? {} : { variant: v }
}
