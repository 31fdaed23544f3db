import { AppError, Reason } from '../shared/errors.js'
import type { Descriptor, Platform } from './manifest.js'

/** The platform a caller prefers from an index; absent fields match any value. */
export type PlatformPreference = {
  readonly os?: string
  readonly architecture?: string
  readonly variant?: string
}

// containerd's specifier characters, plus '.' for variants such as arm64 `v8.2`.
const COMPONENT = /^[A-Za-z0-9_.-]+$/

/**
 * Parses `os/architecture[/variant]` (`linux/arm64/v8`). Throws AppError(Invalid) unless there are two or three
 * non-empty components. The result is as written; pass it through normalizePlatform before comparing.
 */
export function parsePlatform(spec: string): Platform {
  const parts = spec.split('/')
  const [os, architecture, variant] = parts
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    os === undefined ||
    architecture === undefined ||
    !parts.every((p) => COMPONENT.test(p))
  ) {
    const shown = JSON.stringify(spec.length > 100 ? `${spec.slice(0, 100)}…` : spec)
    throw new AppError(
      Reason.Invalid,
      `invalid platform ${shown}: expected os/architecture[/variant], e.g. linux/arm64/v8`
    )
  }
  return { os, architecture, ...(variant === undefined ? {} : { variant }) }
}

/** Renders a platform as `os/architecture[/variant]` (`linux/arm/v7`). */
export function formatPlatform(p: Platform): string {
  const base = `${p.os}/${p.architecture}`
  return p.variant === undefined || p.variant === '' ? base : `${base}/${p.variant}`
}

/**
 * Normalizes a platform the way containerd does before matching: lowercase; `macos` → `darwin`; `x86_64` and
 * `x86-64` → `amd64` (variant `v1` dropped); `aarch64` → `arm64` with the default variant `v8`; `i386` → `386`;
 * `armhf` → arm v7, `armel` → arm v6, arm without variant → v7. An empty variant is omitted.
 */
export function normalizePlatform(p: Platform): Platform {
  const { variant: given, ...rest } = p
  const os = p.os.toLowerCase() === 'macos' ? 'darwin' : p.os.toLowerCase()
  const [architecture, variant] = normalizeArchitecture(
    p.architecture.toLowerCase(),
    (given ?? '').toLowerCase()
  )
  return { ...rest, os, architecture, ...(variant === '' ? {} : { variant }) }
}

function normalizeArchitecture(arch: string, variant: string): [string, string] {
  switch (arch) {
    case 'i386':
      return ['386', '']
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', variant === 'v1' ? '' : variant]
    case 'aarch64':
    case 'arm64':
      // v8 is the arm64 baseline: an absent variant and `8` mean the same machine.
      return ['arm64', variant === '' || variant === '8' || variant === 'v8.0' ? 'v8' : variant]
    case 'armhf':
      return ['arm', 'v7']
    case 'armel':
      return ['arm', 'v6']
    case 'arm':
      if (variant === '' || variant === '7') return ['arm', 'v7']
      if (variant === '5' || variant === '6' || variant === '8') return ['arm', `v${variant}`]
      return ['arm', variant]
    default:
      return [arch, variant]
  }
}

/**
 * Chooses the child of an index with OpenShift's Legacy order (openshift-behaviour §2.8): the first entry whose
 * os and architecture match the preference (fields the caller leaves out match anything; the variant is compared
 * only when given, which OpenShift never does); else the first linux/amd64 entry; else the first entry;
 * undefined for an empty list. Platforms are compared after normalizePlatform.
 */
export function selectPlatformManifest(
  manifests: readonly Descriptor[],
  prefer: PlatformPreference
): Descriptor | undefined {
  const hasPreference = prefer.os !== undefined || prefer.architecture !== undefined
  if (hasPreference) {
    const wanted = normalizePlatform({
      os: prefer.os ?? '',
      architecture: prefer.architecture ?? '',
      ...(prefer.variant === undefined ? {} : { variant: prefer.variant }),
    })
    const match = manifests.find((m) => {
      if (m.platform === undefined) return false
      const p = normalizePlatform(m.platform)
      return (
        (prefer.os === undefined || p.os === wanted.os) &&
        (prefer.architecture === undefined || p.architecture === wanted.architecture) &&
        (prefer.variant === undefined || (p.variant ?? '') === (wanted.variant ?? ''))
      )
    })
    if (match !== undefined) return match
  }
  const linuxAmd64 = manifests.find((m) => {
    if (m.platform === undefined) return false
    const p = normalizePlatform(m.platform)
    return p.os === 'linux' && p.architecture === 'amd64'
  })
  return linuxAmd64 ?? manifests[0]
}
