import { describe, expect, it } from 'vitest'
import type { Digest } from '../oci/digest.js'
import type { Descriptor } from '../oci/manifest.js'
import { chooseLegacyChild } from './platform-choice.js'

const entry = (platform: string, n: number): Descriptor => {
  const [os = '', architecture = '', variant] = platform.split('/')
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${String(n).repeat(64).slice(0, 64)}` as Digest,
    size: 100 + n,
    platform: { os, architecture, ...(variant === undefined ? {} : { variant }) },
  }
}
const list = (...platforms: string[]) => platforms.map((p, i) => entry(p, i + 1))
const LINUX_AMD64 = { os: 'linux', architecture: 'amd64' }

describe('chooseLegacyChild', () => {
  it.each([
    {
      name: 'server default platform first',
      manifests: list('linux/arm64/v8', 'linux/amd64'),
      prefer: {},
      want: ['linux/amd64', 'server default platform'],
    },
    {
      name: 'prefer-arch with the default os',
      manifests: list('linux/amd64', 'linux/arm64/v8', 'linux/ppc64le'),
      prefer: { preferArch: 'arm64' },
      want: ['linux/arm64/v8', 'prefer-arch annotation'],
    },
    {
      name: 'the arm64 variant is compared (v8 implied): v8 wins over an earlier v9',
      manifests: list('linux/arm64/v9', 'linux/arm64/v8'),
      prefer: { preferArch: 'arm64' },
      want: ['linux/arm64/v8', 'prefer-arch annotation'],
    },
    {
      name: 'arm means arm/v7, not an earlier arm/v6',
      manifests: list('linux/arm/v6', 'linux/arm/v7'),
      prefer: { preferArch: 'arm' },
      want: ['linux/arm/v7', 'prefer-arch annotation'],
    },
    {
      name: 'an explicit variant in prefer-arch',
      manifests: list('linux/arm/v7', 'linux/arm/v6'),
      prefer: { preferArch: 'arm/v6' },
      want: ['linux/arm/v6', 'prefer-arch annotation'],
    },
    {
      name: 'no entry with the variant: OpenShift’s architecture-only match',
      manifests: list('linux/amd64', 'linux/arm/v5'),
      prefer: { preferArch: 'arm' },
      want: ['linux/arm/v5', 'prefer-arch annotation, no linux/arm/v7 entry in the list'],
    },
    {
      name: 'prefer-os with the default architecture',
      manifests: list('linux/amd64', 'windows/amd64'),
      prefer: { preferOS: 'windows' },
      want: ['windows/amd64', 'prefer-os annotation'],
    },
    {
      name: 'both annotations',
      manifests: list('linux/amd64', 'windows/arm64'),
      prefer: { preferOS: 'windows', preferArch: 'arm64' },
      want: ['windows/arm64', 'prefer-arch and prefer-os annotations'],
    },
    {
      name: 'aarch64 is arm64 (normalised, unlike OpenShift)',
      manifests: list('linux/amd64', 'linux/aarch64'),
      prefer: { preferArch: 'arm64' },
      want: ['linux/aarch64', 'prefer-arch annotation'],
    },
    {
      name: 'linux/amd64 when nothing matches',
      manifests: list('linux/ppc64le', 'linux/amd64'),
      prefer: { preferArch: 's390x' },
      want: ['linux/amd64', 'linux/amd64 fallback, no linux/s390x entry'],
    },
    {
      name: 'the first entry as the last resort',
      manifests: list('linux/ppc64le', 'linux/s390x'),
      prefer: {},
      want: ['linux/ppc64le', 'first manifest in the list, no linux/amd64 entry'],
    },
  ])('$name', ({ manifests, prefer, want }) => {
    const choice = chooseLegacyChild(manifests, prefer, LINUX_AMD64)
    expect([choice?.platform, choice?.reason]).toEqual(want)
  })

  it('uses the variant of the default platform', () => {
    const choice = chooseLegacyChild(
      list('linux/arm/v6', 'linux/arm/v7'),
      {},
      {
        os: 'linux',
        architecture: 'arm',
        variant: 'v6',
      }
    )
    expect(choice?.platform).toBe('linux/arm/v6')
  })

  it('marks the blind pick of the first entry and refuses an empty list', () => {
    expect(chooseLegacyChild(list('linux/s390x'), {}, LINUX_AMD64)?.fallback).toBe(true)
    expect(chooseLegacyChild(list('linux/amd64'), {}, LINUX_AMD64)?.fallback).toBe(false)
    expect(chooseLegacyChild([], {}, LINUX_AMD64)).toBeUndefined()
  })
})
