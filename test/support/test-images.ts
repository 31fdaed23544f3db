import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Digest } from '../../src/oci/digest.js'
import { MediaType } from '../../src/oci/media-types.js'
import type { RunningRegistry } from './docker-registry.js'
import {
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildIndex,
  type ImageFormat,
  type ImageSpec,
  type Platform,
} from './image-builder.js'
import { writeOciLayout } from './oci-layout.js'
import { runSkopeo, runUmoci } from './peers.js'
import { createPusher, type PushCallOptions, type RegistryPusher } from './push.js'

/** The config values of a seeded image, read from its config blob. */
export type SeededConfig = {
  readonly digest: Digest
  readonly mediaType: string
  readonly architecture: string
  readonly os: string
  readonly variant?: string
  readonly env: readonly string[]
  readonly labels: Readonly<Record<string, string>>
  readonly created: string
}

/** A layer descriptor of a seeded image. */
export type SeededLayer = {
  readonly digest: Digest
  readonly mediaType: string
  readonly size: number
}

/** A single-platform image pushed to a registry. */
export type SeededSingleImage = {
  readonly kind: 'image'
  /** `HOST/repo:tag`, e.g. `127.0.0.1:40123/team/app:v1`. */
  readonly reference: string
  readonly repository: string
  readonly tag: string
  /** The manifest digest (sha256 of the bytes the registry serves). */
  readonly digest: Digest
  readonly mediaType: string
  readonly size: number
  readonly bytes: Buffer
  readonly config: SeededConfig
  readonly layers: readonly SeededLayer[]
}

/** One platform entry of a seeded list. */
export type SeededChild = {
  /** `HOST/repo@sha256:…` */
  readonly reference: string
  readonly digest: Digest
  readonly mediaType: string
  readonly size: number
  readonly platform: Platform
  readonly config: SeededConfig
  readonly layers: readonly SeededLayer[]
}

/** An OCI image index or Docker manifest list pushed to a registry, with its children. */
export type SeededImageList = {
  readonly kind: 'list'
  readonly reference: string
  readonly repository: string
  readonly tag: string
  readonly digest: Digest
  readonly mediaType: string
  readonly size: number
  readonly bytes: Buffer
  readonly children: readonly SeededChild[]
}

/** A seeded image or list. */
export type SeededImage = SeededSingleImage | SeededImageList

/** The standard images of the test world. */
export type SeededImages = {
  /**
   * team/app:v1: linux/amd64, OCI manifest built with umoci and copied with skopeo. NB: the manifest
   * has no `mediaType` field (optional in OCI; umoci omits it); the registry serves it as OCI.
   */
  readonly appV1: SeededSingleImage
  /** team/app:v2: linux/amd64, Docker schema 2 (umoci, then `skopeo copy --format v2s2`). */
  readonly appV2: SeededSingleImage
  /** team/multi:oci: OCI image index of amd64, arm64/v8, ppc64le, arm/v7 (`skopeo copy --all`). */
  readonly multiOci: SeededImageList
  /** team/multi:docker: Docker manifest list of the same platforms, Docker schema 2 children. */
  readonly multiDocker: SeededImageList
  /** library/busybox:latest: linux/amd64, Docker schema 2 (umoci + skopeo). */
  readonly busybox: SeededSingleImage
  /** All of the above. */
  readonly all: readonly SeededImage[]
}

/** Options of seedImages and seedTags. */
export type SeedOptions = {
  readonly signal?: AbortSignal
}

/** The platforms of the seeded lists, in index order. */
export const LIST_PLATFORMS: readonly Platform[] = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux', variant: 'v8' },
  { architecture: 'ppc64le', os: 'linux' },
  { architecture: 'arm', os: 'linux', variant: 'v7' },
]

const BASE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

type SingleSpec = {
  readonly key: 'appV1' | 'appV2' | 'busybox'
  readonly repository: string
  readonly tag: string
  /** The manifest format skopeo writes to the registry. */
  readonly format: ImageFormat
  readonly spec: ImageSpec
}

const SINGLE_SPECS: readonly SingleSpec[] = [
  {
    key: 'appV1',
    repository: 'team/app',
    tag: 'v1',
    format: 'oci',
    spec: {
      platform: { architecture: 'amd64', os: 'linux' },
      env: [BASE_PATH, 'APP_VERSION=1'],
      labels: { 'org.opencontainers.image.version': '1.0.0', 'io.imagestreams.test': 'app-v1' },
      created: '2024-01-02T03:04:05Z',
      files: [{ path: 'app/version.txt', content: 'team/app v1\n' }],
    },
  },
  {
    key: 'appV2',
    repository: 'team/app',
    tag: 'v2',
    format: 'docker',
    spec: {
      platform: { architecture: 'amd64', os: 'linux' },
      env: [BASE_PATH, 'APP_VERSION=2'],
      labels: { 'org.opencontainers.image.version': '2.0.0', 'io.imagestreams.test': 'app-v2' },
      created: '2024-02-03T04:05:06Z',
      files: [{ path: 'app/version.txt', content: 'team/app v2\n' }],
    },
  },
  {
    key: 'busybox',
    repository: 'library/busybox',
    tag: 'latest',
    format: 'docker',
    spec: {
      platform: { architecture: 'amd64', os: 'linux' },
      env: [BASE_PATH],
      labels: { 'io.imagestreams.test': 'busybox' },
      created: '2024-03-04T05:06:07Z',
      files: [{ path: 'bin/busybox.txt', content: 'not really busybox\n' }],
    },
  },
]

/** The spec of one child of the seeded lists; every child differs in platform, env, labels, created. */
export function listChildSpec(flavor: ImageFormat, platform: Platform, i: number): ImageSpec {
  const name = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
  const day = String(10 + i + (flavor === 'docker' ? 10 : 0)).padStart(2, '0')
  return {
    platform,
    env: [BASE_PATH, `PLATFORM=${name}`, `FLAVOR=${flavor}`],
    labels: { 'io.imagestreams.test.platform': name, 'io.imagestreams.test.flavor': flavor },
    created: `2024-05-${day}T12:00:00Z`,
    files: [{ path: 'etc/platform.txt', content: `team/multi ${flavor} ${name}\n` }],
  }
}

// Built once per process (test file) and reused for every registry seeded from it.
let workDir: string | undefined
let umociLayout: Promise<string> | undefined
let listLayout: Promise<{ dir: string; oci: BuiltIndex; docker: BuiltIndex }> | undefined

const WORK_DIR_PREFIX = 'imagestreams-test-images-'

function processWorkDir(): string {
  if (workDir === undefined) {
    removeOrphanedWorkDirs()
    const dir = mkdtempSync(join(tmpdir(), `${WORK_DIR_PREFIX}${process.pid}-`))
    workDir = dir
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  }
  return workDir
}

// Vitest stops workers with signals, which skip 'exit' handlers: remove the work directories of
// test processes that no longer exist (the pid is part of the name).
function removeOrphanedWorkDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue
    const pid = Number(name.slice(WORK_DIR_PREFIX.length).split('-')[0])
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue
    rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Builds the single-platform images with umoci into one OCI layout (tags appV1, appV2, busybox). */
function buildUmociLayout(signal: AbortSignal | undefined): Promise<string> {
  umociLayout ??= (async () => {
    const dir = join(processWorkDir(), 'umoci')
    const run = (args: string[]) => runUmoci(args, signal === undefined ? {} : { signal })
    await run(['init', '--layout', dir])
    for (const s of SINGLE_SPECS) {
      const image = `${dir}:${s.key}`
      await run(['new', '--image', image])
      await run([
        'config',
        '--image',
        image,
        '--architecture',
        s.spec.platform.architecture,
        '--os',
        s.spec.platform.os,
        '--created',
        s.spec.created,
        '--history.created',
        s.spec.created,
        ...s.spec.env.flatMap((e) => ['--config.env', e]),
        ...Object.entries(s.spec.labels).flatMap(([k, v]) => ['--config.label', `${k}=${v}`]),
        '--config.cmd',
        '/bin/sh',
      ])
      for (const f of s.spec.files) {
        const source = join(processWorkDir(), `${s.key}-${f.path.replaceAll('/', '_')}`)
        await writeFile(source, f.content)
        await run([
          'insert',
          '--image',
          image,
          '--history.created',
          s.spec.created,
          source,
          `/${f.path}`,
        ])
      }
    }
    return dir
  })()
  // A failed build is not cached, so the next caller sees the error again instead of a stale promise.
  umociLayout.catch(() => {
    umociLayout = undefined
  })
  return umociLayout
}

/** Builds both lists in Node and writes the OCI one into an OCI layout (tag `oci`). */
function buildListLayout(): Promise<{ dir: string; oci: BuiltIndex; docker: BuiltIndex }> {
  listLayout ??= (async () => {
    const lists = (['oci', 'docker'] as const).map((flavor) =>
      buildIndex(
        LIST_PLATFORMS.map((p, i) => buildImage(listChildSpec(flavor, p, i), flavor)),
        flavor
      )
    )
    const [oci, docker] = lists as [BuiltIndex, BuiltIndex]
    const dir = join(processWorkDir(), 'lists')
    await writeOciLayout({ dir, tagged: [{ tag: 'oci', content: oci }] })
    return { dir, oci, docker }
  })()
  listLayout.catch(() => {
    listLayout = undefined
  })
  return listLayout
}

function skopeoDestArgs(reg: RunningRegistry): string[] {
  assertSeedable(reg)
  return [
    // Plain HTTP and our self-signed certificate both need this.
    '--dest-tls-verify=false',
    ...(reg.username === undefined
      ? []
      : ['--dest-creds', `${reg.username}:${reg.password ?? ''}`]),
  ]
}

function assertSeedable(reg: RunningRegistry): void {
  if (reg.kind === 'deny-all')
    throw new Error('cannot seed a deny-all registry: it rejects everything')
}

/** Parses a config blob into the values tests compare. */
export function summarizeConfig(bytes: Buffer, digest: Digest, mediaType: string): SeededConfig {
  const c = JSON.parse(bytes.toString('utf8')) as {
    architecture?: string
    os?: string
    variant?: string
    created?: string
    config?: { Env?: string[] | null; Labels?: Record<string, string> | null }
  }
  return {
    digest,
    mediaType,
    architecture: c.architecture ?? '',
    os: c.os ?? '',
    ...(c.variant === undefined ? {} : { variant: c.variant }),
    env: c.config?.Env ?? [],
    labels: c.config?.Labels ?? {},
    created: c.created ?? '',
  }
}

type ManifestJson = {
  mediaType?: string
  config: { digest: Digest; mediaType: string; size: number }
  layers: { digest: Digest; mediaType: string; size: number }[]
  manifests?: { digest: Digest; mediaType: string; size: number; platform: Platform }[]
}

async function describeImage(
  pusher: RegistryPusher,
  reg: RunningRegistry,
  repository: string,
  tag: string,
  localBlobs: ReadonlyMap<string, Buffer>,
  opts: PushCallOptions
): Promise<SeededSingleImage> {
  const m = await pusher.getManifest(repository, tag, opts)
  const json = JSON.parse(m.bytes.toString('utf8')) as ManifestJson
  const configBytes =
    localBlobs.get(json.config.digest) ??
    (await pusher.getBlob(repository, json.config.digest, opts))
  return {
    kind: 'image',
    reference: `${reg.host}/${repository}:${tag}`,
    repository,
    tag,
    digest: m.digest,
    mediaType: m.mediaType,
    size: m.bytes.length,
    bytes: m.bytes,
    config: summarizeConfig(configBytes, json.config.digest, json.config.mediaType),
    layers: json.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
  }
}

function describeList(
  reg: RunningRegistry,
  repository: string,
  tag: string,
  list: BuiltIndex,
  served: { bytes: Buffer; digest: Digest; mediaType: string }
): SeededImageList {
  if (served.digest !== list.index.digest) {
    throw new Error(
      `${repository}:${tag}: registry serves ${served.digest}, pushed ${list.index.digest}`
    )
  }
  return {
    kind: 'list',
    reference: `${reg.host}/${repository}:${tag}`,
    repository,
    tag,
    digest: served.digest,
    mediaType: served.mediaType,
    size: served.bytes.length,
    bytes: served.bytes,
    children: list.children.map((c) => ({
      reference: `${reg.host}/${repository}@${c.manifest.digest}`,
      digest: c.manifest.digest,
      mediaType: c.manifest.mediaType,
      size: c.manifest.size,
      platform: c.spec.platform,
      config: summarizeConfig(c.config.bytes, c.config.digest, c.config.mediaType),
      layers: c.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
    })),
  }
}

/**
 * Pushes an in-memory image or list (see image-builder.ts) to repository:tag over HTTP: blobs, child
 * manifests by digest, then the root manifest under the tag. Returns the root digest.
 */
export async function pushBuilt(
  pusher: RegistryPusher,
  repository: string,
  tag: string,
  content: BuiltImage | BuiltIndex,
  opts: PushCallOptions = {}
): Promise<Digest> {
  const images = 'index' in content ? content.children : [content]
  for (const image of images) {
    await Promise.all(
      [image.config, ...image.layers].map((b) => pusher.pushBlob(repository, b.bytes, opts))
    )
    if ('index' in content) {
      await pusher.pushManifest(
        repository,
        image.manifest.digest,
        image.manifest.bytes,
        image.manifest.mediaType,
        opts
      )
    }
  }
  const root = 'index' in content ? content.index : content.manifest
  return pusher.pushManifest(repository, tag, root.bytes, root.mediaType, opts)
}

/**
 * Seeds the standard images into reg (see SeededImages) and describes what the registry now serves.
 * Single-platform images are built with umoci and copied with skopeo, the OCI index is copied with
 * `skopeo copy --all --preserve-digests` from an OCI layout, and the Docker manifest list is pushed
 * over HTTP (skopeo cannot write one from an OCI layout). Builds are cached per process; pushing
 * takes well under a second. NB: seeding itself makes requests: read `reg.requests().length` after it.
 */
export async function seedImages(
  reg: RunningRegistry,
  opts: SeedOptions = {}
): Promise<SeededImages> {
  assertSeedable(reg)
  const signal = opts.signal
  const callOpts = signal === undefined ? {} : { signal }
  const [umociDir, lists] = await Promise.all([buildUmociLayout(signal), buildListLayout()])
  const dest = skopeoDestArgs(reg)
  const pusher = createPusher(reg)
  try {
    await Promise.all([
      ...SINGLE_SPECS.map((s) =>
        runSkopeo(
          [
            'copy',
            '--quiet',
            ...(s.format === 'docker' ? ['--format', 'v2s2'] : ['--preserve-digests']),
            ...dest,
            `oci:${umociDir}:${s.key}`,
            `docker://${reg.host}/${s.repository}:${s.tag}`,
          ],
          callOpts
        )
      ),
      runSkopeo(
        [
          'copy',
          '--quiet',
          '--all',
          '--preserve-digests',
          ...dest,
          `oci:${lists.dir}:oci`,
          `docker://${reg.host}/team/multi:oci`,
        ],
        callOpts
      ),
      pushBuilt(pusher, 'team/multi', 'docker', lists.docker, callOpts),
    ])

    const local = await readLayoutBlobs(umociDir)
    const [appV1, appV2, busybox] = await Promise.all(
      SINGLE_SPECS.map((s) => describeImage(pusher, reg, s.repository, s.tag, local, callOpts))
    )
    const [ociServed, dockerServed] = await Promise.all([
      pusher.getManifest('team/multi', 'oci', callOpts),
      pusher.getManifest('team/multi', 'docker', callOpts),
    ])
    if (appV1 === undefined || appV2 === undefined || busybox === undefined) {
      throw new Error('seedImages: missing single image')
    }
    const multiOci = describeList(reg, 'team/multi', 'oci', lists.oci, ociServed)
    const multiDocker = describeList(reg, 'team/multi', 'docker', lists.docker, dockerServed)
    return {
      appV1,
      appV2,
      multiOci,
      multiDocker,
      busybox,
      all: [appV1, appV2, multiOci, multiDocker, busybox],
    }
  } finally {
    await pusher.close()
  }
}

async function readLayoutBlobs(dir: string): Promise<Map<string, Buffer>> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[]
  }
  const out = new Map<string, Buffer>()
  for (const m of index.manifests) {
    const manifest = JSON.parse(
      await readFile(join(dir, 'blobs', 'sha256', m.digest.slice('sha256:'.length)), 'utf8')
    ) as ManifestJson
    const d = manifest.config.digest
    out.set(d, await readFile(join(dir, 'blobs', 'sha256', d.slice('sha256:'.length))))
  }
  return out
}

/** Options of seedTags. */
export type SeedTagsOptions = SeedOptions & {
  /** Tag name prefix; default 'tag-'. Tags are `<prefix><zero-padded index>`, starting at 0. */
  readonly prefix?: string
  /** Manifest PUTs in flight at once; default 8. */
  readonly concurrency?: number
}

/** What seedTags pushed. */
export type SeededTags = {
  readonly repository: string
  /** The one manifest every tag points at. */
  readonly digest: Digest
  readonly mediaType: string
  /** The tags, in push order. */
  readonly tags: readonly string[]
  /** `HOST/repo:tag` for each tag. */
  readonly references: readonly string[]
}

/**
 * Pushes one small OCI image into repository and tags it count times (one manifest PUT per tag), for
 * benchmarks and tag-listing tests.
 */
export async function seedTags(
  reg: RunningRegistry,
  repository: string,
  count: number,
  opts: SeedTagsOptions = {}
): Promise<SeededTags> {
  assertSeedable(reg)
  const callOpts = opts.signal === undefined ? {} : { signal: opts.signal }
  const prefix = opts.prefix ?? 'tag-'
  const width = String(Math.max(count - 1, 0)).length
  const tags = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(width, '0')}`)
  const image = buildImage(
    {
      platform: { architecture: 'amd64', os: 'linux' },
      env: [BASE_PATH, `REPOSITORY=${repository}`],
      labels: { 'io.imagestreams.test': 'seed-tags' },
      created: '2024-06-01T00:00:00Z',
      files: [{ path: 'etc/seed.txt', content: `${repository}\n` }],
    },
    'oci'
  )
  const pusher = createPusher(reg)
  try {
    // The first tag pushes the blobs (and fetches the token); the rest only PUT the manifest.
    const [first, ...rest] = tags
    if (first !== undefined) await pushBuilt(pusher, repository, first, image, callOpts)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < rest.length) {
        const tag = rest[next++] ?? ''
        await pusher.pushManifest(
          repository,
          tag,
          image.manifest.bytes,
          MediaType.OciManifest,
          callOpts
        )
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker))
  } finally {
    await pusher.close()
  }
  return {
    repository,
    digest: image.manifest.digest,
    mediaType: image.manifest.mediaType,
    tags,
    references: tags.map((t) => `${reg.host}/${repository}:${t}`),
  }
}
