import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import type { Digest } from './digest.js'
import { type Descriptor, type IndexManifest, type Platform, parseManifest } from './manifest.js'
import { MediaType } from './media-types.js'
import {
  formatPlatform,
  normalizePlatform,
  type PlatformPreference,
  parsePlatform,
  selectPlatformManifest,
} from './platform.js'

describe('parsePlatform', () => {
  it.each<[string, Platform]>([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
    ['Linux/X86_64', { os: 'Linux', architecture: 'X86_64' }],
    ['linux/arm64/v8.2', { os: 'linux', architecture: 'arm64', variant: 'v8.2' }],
  ])('%s', (spec, want) => {
    expect(parsePlatform(spec)).toEqual(want)
  })

  it.each([
    '',
    'linux',
    'linux/',
    '/amd64',
    'linux/amd64/',
    'linux/arm/v7/x',
    'linux/amd 64',
    'linux/amd64\n',
    'a//b',
  ])('rejects %j', (spec) => {
    let err: unknown
    try {
      parsePlatform(spec)
    } catch (e) {
      err = e
    }
    expect(isAppError(err, Reason.Invalid)).toBe(true)
    expect((err as Error).message).toContain('expected os/architecture[/variant]')
  })
})

describe('formatPlatform', () => {
  it.each<[Platform, string]>([
    [{ os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'arm', variant: 'v7' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'arm64', variant: '' }, 'linux/arm64'],
    [{ os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763' }, 'windows/amd64'],
  ])('%j → %s', (p, want) => {
    expect(formatPlatform(p)).toBe(want)
  })

  it.each(['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8'])('round-trips %s', (spec) => {
    expect(formatPlatform(parsePlatform(spec))).toBe(spec)
  })
})

describe('normalizePlatform', () => {
  it.each<[string, Platform, Platform]>([
    ['amd64 stays', { os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'amd64' }],
    [
      'x86_64 is amd64',
      { os: 'linux', architecture: 'x86_64' },
      { os: 'linux', architecture: 'amd64' },
    ],
    [
      'x86-64 is amd64',
      { os: 'linux', architecture: 'x86-64' },
      { os: 'linux', architecture: 'amd64' },
    ],
    [
      'amd64 v1 is the baseline',
      { os: 'linux', architecture: 'amd64', variant: 'v1' },
      { os: 'linux', architecture: 'amd64' },
    ],
    [
      'amd64 v3 is kept',
      { os: 'linux', architecture: 'amd64', variant: 'v3' },
      { os: 'linux', architecture: 'amd64', variant: 'v3' },
    ],
    [
      'aarch64 is arm64 v8',
      { os: 'linux', architecture: 'aarch64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    [
      'arm64 defaults to v8',
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    [
      'arm64 8 is v8',
      { os: 'linux', architecture: 'arm64', variant: '8' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    [
      'arm64 v8.0 is v8',
      { os: 'linux', architecture: 'arm64', variant: 'v8.0' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    [
      'arm64 v9 is kept',
      { os: 'linux', architecture: 'arm64', variant: 'v9' },
      { os: 'linux', architecture: 'arm64', variant: 'v9' },
    ],
    [
      'arm defaults to v7',
      { os: 'linux', architecture: 'arm' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ],
    [
      'arm 6 is v6',
      { os: 'linux', architecture: 'arm', variant: '6' },
      { os: 'linux', architecture: 'arm', variant: 'v6' },
    ],
    [
      'armhf is arm v7',
      { os: 'linux', architecture: 'armhf' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ],
    [
      'armel is arm v6',
      { os: 'linux', architecture: 'armel' },
      { os: 'linux', architecture: 'arm', variant: 'v6' },
    ],
    ['i386 is 386', { os: 'linux', architecture: 'i386' }, { os: 'linux', architecture: '386' }],
    [
      'case is folded',
      { os: 'Linux', architecture: 'AMD64' },
      { os: 'linux', architecture: 'amd64' },
    ],
    [
      'macos is darwin',
      { os: 'macOS', architecture: 'arm64' },
      { os: 'darwin', architecture: 'arm64', variant: 'v8' },
    ],
    [
      'an empty variant is dropped',
      { os: 'linux', architecture: 's390x', variant: '' },
      { os: 'linux', architecture: 's390x' },
    ],
    [
      'os.version and os.features are kept',
      {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.17763.1',
        'os.features': ['win32k'],
      },
      {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.17763.1',
        'os.features': ['win32k'],
      },
    ],
  ])('%s', (_name, input, want) => {
    const got = normalizePlatform(input)
    expect(got).toEqual(want)
    // NB: no `variant: undefined` key, so that exact-optional consumers can spread it.
    expect(Object.hasOwn(got, 'variant')).toBe(want.variant !== undefined)
  })
})

describe('selectPlatformManifest', () => {
  const entry = (n: number, platform?: Platform): Descriptor => ({
    mediaType: MediaType.OciManifest,
    digest: `sha256:${String(n).repeat(64).slice(0, 64)}` as Digest,
    size: 1,
    ...(platform === undefined ? {} : { platform }),
  })
  const ppc = entry(1, { os: 'linux', architecture: 'ppc64le' })
  const amd = entry(2, { os: 'linux', architecture: 'amd64' })
  const armV6 = entry(3, { os: 'linux', architecture: 'arm', variant: 'v6' })
  const armV7 = entry(4, { os: 'linux', architecture: 'arm', variant: 'v7' })
  const arm64 = entry(5, { os: 'linux', architecture: 'arm64', variant: 'v8' })
  const arm64NoVariant = entry(6, { os: 'linux', architecture: 'arm64' })
  const win = entry(7, { os: 'windows', architecture: 'amd64' })
  const x8664 = entry(8, { os: 'linux', architecture: 'x86_64' })
  const bare = entry(9)

  it.each<[string, readonly Descriptor[], PlatformPreference, Descriptor | undefined]>([
    ['empty list', [], { os: 'linux', architecture: 'amd64' }, undefined],
    ['empty list, no preference', [], {}, undefined],
    [
      'step 1: first preferred os/arch',
      [ppc, armV6, armV7, amd],
      { os: 'linux', architecture: 'arm' },
      armV6,
    ],
    [
      'step 1: variant compared when given',
      [ppc, armV6, armV7, amd],
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      armV7,
    ],
    [
      'step 1: arm64 v8 matches an entry without variant',
      [amd, arm64NoVariant],
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      arm64NoVariant,
    ],
    [
      'step 1: aarch64 matches arm64',
      [amd, arm64],
      { os: 'linux', architecture: 'aarch64' },
      arm64,
    ],
    ['step 1: os only', [win, amd], { os: 'windows' }, win],
    ['step 1: architecture only', [ppc, amd], { architecture: 'ppc64le' }, ppc],
    [
      'step 1: skips entries without platform',
      [bare, amd, ppc],
      { os: 'linux', architecture: 'ppc64le' },
      ppc,
    ],
    [
      'step 2: linux/amd64 when nothing matches',
      [ppc, win, amd],
      { os: 'linux', architecture: 's390x' },
      amd,
    ],
    [
      'step 2: variant mismatch falls back to linux/amd64',
      [armV6, amd],
      { os: 'linux', architecture: 'arm', variant: 'v5' },
      amd,
    ],
    ['step 2: x86_64 counts as amd64', [ppc, x8664], { os: 'linux', architecture: 's390x' }, x8664],
    ['step 2: no preference', [ppc, amd], {}, amd],
    [
      'step 2: windows/amd64 is not linux/amd64',
      [ppc, win],
      { os: 'linux', architecture: 's390x' },
      ppc,
    ],
    ['step 3: first entry', [ppc, armV7], { os: 'linux', architecture: 's390x' }, ppc],
    [
      'step 3: first entry even without platform',
      [bare, ppc],
      { os: 'linux', architecture: 's390x' },
      bare,
    ],
  ])('%s', (_name, list, prefer, want) => {
    expect(selectPlatformManifest(list, prefer)).toBe(want)
  })

  it('selects from a real Docker manifest list', () => {
    const bytes = new Uint8Array(
      readFileSync(new URL('../../testdata/manifests/schema2list.json', import.meta.url))
    )
    const list = (parseManifest(bytes, MediaType.DockerManifestList) as IndexManifest).manifests
    const digestFor = (prefer: PlatformPreference): string | undefined =>
      selectPlatformManifest(list, prefer)?.digest
    expect(digestFor({ os: 'linux', architecture: 'arm64' })).toBe(
      'sha256:dc472a59fb006797aa2a6bfb54cc9c57959bb0a6d11fadaa608df8c16dea39cf'
    )
    expect(digestFor({ os: 'linux', architecture: 'arm', variant: 'v6' })).toBe(
      'sha256:b5dbad4bdb4444d919294afe49a095c23e86782f98cdf0aa286198ddb814b50b'
    )
    // NB: OpenShift ignores the variant, so linux/arm picks the first arm entry (v5).
    expect(digestFor({ os: 'linux', architecture: 'arm' })).toBe(
      'sha256:9142d97ef280a7953cf1a85716de49a24cc1dd62776352afad67e635331ff77a'
    )
    expect(digestFor({ os: 'linux', architecture: 'riscv64' })).toBe(
      'sha256:030fcb92e1487b18c974784dcc110a93147c9fc402188370fbfd17efabffc6af'
    )
  })
})
