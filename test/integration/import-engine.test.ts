import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Secret } from '../../src/api/core/v1/types.js'
import type {
  Image,
  ImageImportSpec,
  ImageStream,
  ImageStreamImport,
  NamedTagEventList,
} from '../../src/api/image/v1/types.js'
import { SELECTED_PLATFORM_ANNOTATION } from '../../src/importer/image-objects.js'
import { createImageStreamImport } from '../../src/importer/import-stream.js'
import type { ImporterDeps, ImporterSettings } from '../../src/importer/importer-deps.js'
import { DEFAULT_IMPORTER_SETTINGS } from '../../src/importer/importer-deps.js'
import { imageStreamImportForStream } from '../../src/importer/stream-import-request.js'
import { MediaType } from '../../src/oci/media-types.js'
import { createRegistryClient, type RegistryClient } from '../../src/registry-client/client.js'
import type { Clock } from '../../src/shared/clock.js'
import { noopLogger } from '../../src/shared/log.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import { buildImage } from '../support/image-builder.js'
import { skopeoInspectRaw } from '../support/peers.js'
import { createPusher } from '../support/push.js'
import {
  pushBuilt,
  type SeededImageList,
  type SeededImages,
  seedImages,
  seedTags,
} from '../support/test-images.js'

const NS = 'team-ns'

// Each call one second later, so that history items are told apart by time as well.
function steppingClock(): Clock {
  let t = Date.parse('2026-03-01T10:00:00Z')
  return {
    now: () => {
      t += 1000
      return t
    },
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms)
        signal?.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(signal.reason)
        })
      }),
  }
}

const clients: RegistryClient[] = []
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
})

function makeDeps(
  o: { caCertPem?: string; settings?: Partial<ImporterSettings>; store?: MemoryStore } = {}
): ImporterDeps & { store: MemoryStore } {
  const client = createRegistryClient({
    retry: { attempts: 2, baseDelayMs: 10 },
    ...(o.caCertPem === undefined ? {} : { caCerts: [o.caCertPem] }),
  })
  clients.push(client)
  return {
    store: o.store ?? new MemoryStore(),
    client,
    clock: steppingClock(),
    logger: noopLogger,
    settings: { ...DEFAULT_IMPORTER_SETTINGS, ...o.settings },
  }
}

type Wanted = { from: string; to?: string; mode?: string; insecure?: boolean }

function request(name: string, images: Wanted[], o: { dryRun?: boolean } = {}): ImageStreamImport {
  return {
    metadata: { name },
    spec: {
      import: o.dryRun !== true,
      images: images.map(
        (w): ImageImportSpec => ({
          from: { kind: 'DockerImage', name: w.from },
          ...(w.to === undefined ? {} : { to: { name: w.to } }),
          importPolicy: {
            ...(w.mode === undefined ? {} : { importMode: w.mode }),
            ...(w.insecure === false ? {} : { insecure: true }),
          },
        })
      ),
    },
  }
}

async function getStream(deps: ImporterDeps, name: string): Promise<ImageStream | undefined> {
  return deps.store.get<ImageStream & { metadata: { name: string } }>({
    resource: 'imagestreams',
    namespace: NS,
    name,
  })
}

async function getImage(deps: ImporterDeps, digest: string): Promise<Image | undefined> {
  return deps.store.get<Image & { metadata: { name: string } }>({
    resource: 'images',
    name: digest,
  })
}

function statusTag(stream: ImageStream | undefined, tag: string): NamedTagEventList | undefined {
  return stream?.status?.tags?.find((t) => t.tag === tag)
}

function childDigests(list: SeededImageList): string[] {
  return list.children.map((c) => c.digest)
}

describe('import engine against a real registry', () => {
  let reg: RunningRegistry
  let images: SeededImages
  beforeAll(async () => {
    reg = await startRegistry('anonymous')
    images = await seedImages(reg)
  })
  afterAll(async () => {
    await reg?.stop()
  })

  it.each(['multiOci', 'multiDocker'] as const)(
    '%s in Legacy mode: the linux/amd64 child, with its config metadata, and why it was chosen',
    async (which) => {
      const list = images[which]
      const deps = makeDeps()
      const isi = await createImageStreamImport(
        deps,
        NS,
        request('multi', [{ from: list.reference, to: 'latest', mode: 'Legacy' }]),
        {}
      )
      const child = list.children[0]
      if (child === undefined) throw new Error('no child')
      const status = isi.status?.images?.[0]
      expect(status?.status).toMatchObject({ status: 'Success' })
      expect(status?.status.message).toBe(
        `imported linux/amd64 (server default platform) from manifest list ${list.digest}`
      )
      const image = status?.image
      expect(image?.metadata.name).toBe(child.digest)
      expect(image?.dockerImageReference).toBe(`${reg.host}/team/multi@${child.digest}`)
      expect(image?.metadata.annotations?.[SELECTED_PLATFORM_ANNOTATION]).toBe(
        'linux/amd64 (server default platform)'
      )
      expect(image?.dockerImageManifestMediaType).toBe(child.mediaType)
      expect(image?.dockerImageMetadata).toMatchObject({
        Id: child.config.digest,
        Architecture: 'amd64',
        Os: 'linux',
        Created: child.config.created,
        Config: { Env: [...child.config.env], Labels: { ...child.config.labels } },
      })
      expect(image?.dockerImageLayers).toEqual(
        child.layers.map((l) => ({ name: l.digest, size: l.size, mediaType: l.mediaType }))
      )
      const configBytes = await skopeoInspectRaw(`${reg.host}/team/multi@${child.digest}`, {
        tlsVerify: false,
        config: true,
      })
      expect(image?.dockerImageMetadata?.Size).toBe(
        configBytes.bytes.byteLength + child.layers.reduce((s, l) => s + l.size, 0)
      )
      expect(image?.dockerImageManifest).toBeUndefined()

      const stored = await getImage(deps, child.digest)
      expect(stored?.metadata.annotations?.['image.openshift.io/dockerLayersOrder']).toBe(
        'ascending'
      )
      expect(stored?.dockerImageManifest).toBeUndefined()
      // The choice is reported with this import, not stored on the shared Image.
      expect(stored?.metadata.annotations?.[SELECTED_PLATFORM_ANNOTATION]).toBeUndefined()
      const stream = await getStream(deps, 'multi')
      expect(statusTag(stream, 'latest')?.items?.[0]).toMatchObject({
        image: child.digest,
        dockerImageReference: `${reg.host}/team/multi@${child.digest}`,
        generation: 1,
      })
      expect(stream?.spec.tags?.[0]).toMatchObject({
        name: 'latest',
        from: { kind: 'DockerImage', name: list.reference },
        generation: 1,
        importPolicy: { importMode: 'Legacy', insecure: true },
        referencePolicy: { type: 'Source' },
      })
      expect(stream?.metadata.annotations?.['openshift.io/image.dockerRepositoryCheck']).toMatch(
        /^2026-03-01T10:00:\d\dZ$/
      )
    }
  )

  it.each(['multiOci', 'multiDocker'] as const)(
    '%s in PreserveOriginal mode: the list Image and every child, digests as skopeo inspect --raw',
    async (which) => {
      const list = images[which]
      const deps = makeDeps()
      const raw = await skopeoInspectRaw(list.reference, { tlsVerify: false })
      const peerChildren = (raw.json as { manifests: { digest: string }[] }).manifests.map(
        (m) => m.digest
      )
      expect(peerChildren).toEqual(childDigests(list))

      const isi = await createImageStreamImport(
        deps,
        NS,
        request('multi', [{ from: list.reference, to: 'all', mode: 'PreserveOriginal' }])
      )
      const status = isi.status?.images?.[0]
      expect(status?.status.status).toBe('Success')
      expect(status?.image?.metadata.name).toBe(raw.digest)
      expect(status?.image?.dockerImageManifestMediaType).toBe(list.mediaType)
      expect(status?.image?.dockerImageManifests).toEqual(
        list.children.map((c) => ({
          digest: c.digest,
          mediaType: c.mediaType,
          manifestSize: c.size,
          architecture: c.platform.architecture,
          os: c.platform.os,
          ...(c.platform.variant === undefined ? {} : { variant: c.platform.variant }),
        }))
      )
      expect(status?.image?.dockerImageLayers).toBeUndefined()
      expect(status?.manifests?.map((m) => m.metadata.name)).toEqual(peerChildren)
      expect(status?.manifests?.map((m) => m.dockerImageReference)).toEqual(
        peerChildren.map((d) => `${reg.host}/team/multi@${d}`)
      )
      expect(status?.manifests?.map((m) => m.dockerImageMetadata?.Architecture)).toEqual(
        list.children.map((c) => c.config.architecture)
      )
      for (const c of list.children) {
        const stored = await getImage(deps, c.digest)
        expect(stored?.dockerImageMetadata?.Variant ?? '').toBe(c.config.variant ?? '')
        expect(stored?.dockerImageMetadata?.Config?.Env).toEqual(c.config.env)
      }
      const stored = await getImage(deps, raw.digest)
      expect(stored?.dockerImageManifests).toHaveLength(4)
      expect(statusTag(await getStream(deps, 'multi'), 'all')?.items?.[0]?.image).toBe(raw.digest)
    }
  )

  it('Legacy and PreserveOriginal of one list in one import fetch each child once', async () => {
    const deps = makeDeps()
    const list = images.multiDocker
    await reg.waitForRequests(reg.requests().length)
    const before = reg.requests().length
    const isi = await createImageStreamImport(
      deps,
      NS,
      request('once', [
        { from: list.reference, to: 'single', mode: 'Legacy' },
        { from: list.reference, to: 'multi', mode: 'PreserveOriginal' },
        { from: list.reference, to: 'again', mode: 'PreserveOriginal' },
      ])
    )
    expect(isi.status?.images?.map((s) => s.status.status)).toEqual([
      'Success',
      'Success',
      'Success',
    ])
    // ping, the list by tag, 4 children and 4 configs.
    const all = await reg.waitForRequests(before + 10)
    await new Promise((r) => setTimeout(r, 200))
    const made = reg.requests().slice(before)
    expect(made).toHaveLength(10)
    expect(all.length).toBeGreaterThanOrEqual(before + 10)
    for (const c of list.children) {
      expect(made.filter((r) => r.path.endsWith(`/manifests/${c.digest}`))).toHaveLength(1)
    }
  })

  it('prefer-arch picks linux/arm64/v8 (and arm picks arm/v7), saying why', async () => {
    const deps = makeDeps()
    const list = images.multiDocker
    await deps.store.create('imagestreams', {
      metadata: { name: 'arch', namespace: NS },
      spec: {
        tags: [
          { name: 'arm64', annotations: { 'importer.image.openshift.io/prefer-arch': 'arm64' } },
          { name: 'arm', annotations: { 'importer.image.openshift.io/prefer-arch': 'arm' } },
        ],
      },
    })
    const isi = await createImageStreamImport(
      deps,
      NS,
      request('arch', [
        { from: list.reference, to: 'arm64' },
        { from: list.reference, to: 'arm' },
      ])
    )
    const [arm64, arm] = isi.status?.images ?? []
    const arm64Child = list.children.find((c) => c.platform.architecture === 'arm64')
    const armChild = list.children.find((c) => c.platform.architecture === 'arm')
    expect(arm64?.image?.metadata.name).toBe(arm64Child?.digest)
    expect(arm64?.image?.metadata.annotations?.[SELECTED_PLATFORM_ANNOTATION]).toBe(
      'linux/arm64/v8 (prefer-arch annotation)'
    )
    expect(arm64?.image?.dockerImageMetadata).toMatchObject({
      Architecture: 'arm64',
      Variant: 'v8',
    })
    expect(arm?.image?.metadata.name).toBe(armChild?.digest)
    expect(arm?.image?.metadata.annotations?.[SELECTED_PLATFORM_ANNOTATION]).toBe(
      'linux/arm/v7 (prefer-arch annotation)'
    )
    const stream = await getStream(deps, 'arch')
    expect(statusTag(stream, 'arm64')?.items?.[0]?.image).toBe(arm64Child?.digest)
    // The user's annotations stay on the spec tag.
    expect(stream?.spec.tags?.find((t) => t.name === 'arm64')?.annotations).toEqual({
      'importer.image.openshift.io/prefer-arch': 'arm64',
    })
  })

  it('a failing tag beside a good one: NotFound condition, spec tag kept, the other imported', async () => {
    const deps = makeDeps()
    const isi = await createImageStreamImport(
      deps,
      NS,
      request('mixed', [
        { from: images.appV1.reference, to: 'v1' },
        { from: `${reg.host}/team/app:missing`, to: 'missing' },
      ])
    )
    const [good, bad] = isi.status?.images ?? []
    expect(good?.status.status).toBe('Success')
    expect(good?.image?.metadata.name).toBe(images.appV1.digest)
    expect(bad?.status).toEqual({
      metadata: {},
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `dockerimage.image.openshift.io "${reg.host}/team/app:missing" not found`,
      details: {
        name: `${reg.host}/team/app:missing`,
        group: 'image.openshift.io',
        kind: 'dockerimage',
      },
    })
    const stream = await getStream(deps, 'mixed')
    expect(statusTag(stream, 'v1')?.items).toHaveLength(1)
    expect(statusTag(stream, 'missing')).toMatchObject({
      items: null,
      conditions: [
        {
          type: 'ImportSuccess',
          status: 'False',
          reason: 'NotFound',
          message: `dockerimage.image.openshift.io "${reg.host}/team/app:missing" not found`,
          generation: 1,
        },
      ],
    })
    expect(stream?.spec.tags?.map((t) => [t.name, t.generation])).toEqual([
      ['missing', 1],
      ['v1', 1],
    ])
    expect(isi.status?.import?.metadata.resourceVersion).toBe(stream?.metadata.resourceVersion)

    // A failed re-import of a tag that has history keeps the history.
    const again = await createImageStreamImport(
      deps,
      NS,
      request('mixed', [{ from: `${reg.host}/team/app:missing`, to: 'v1' }])
    )
    expect(again.status?.images?.[0]?.status.reason).toBe('NotFound')
    const after = await getStream(deps, 'mixed')
    expect(statusTag(after, 'v1')?.items?.map((i) => i.image)).toEqual([images.appV1.digest])
    expect(statusTag(after, 'v1')?.conditions?.[0]).toMatchObject({
      reason: 'NotFound',
      generation: 2,
    })
  })

  it('re-import without change writes nothing; a moved tag prepends a new history item', async () => {
    const deps = makeDeps()
    const pusher = createPusher(reg)
    const build = (n: number) =>
      buildImage(
        {
          platform: { architecture: 'amd64', os: 'linux' },
          env: [`MOVE=${n}`],
          labels: { 'io.imagestreams.test': `moving-${n}` },
          created: `2025-0${n}-01T00:00:00Z`,
          files: [{ path: 'n.txt', content: `${n}\n` }],
        },
        'oci'
      )
    try {
      const first = await pushBuilt(pusher, 'team/moving', 'v', build(1))
      const wanted = [{ from: `${reg.host}/team/moving:v`, to: 'v' }]
      await createImageStreamImport(deps, NS, request('moving', wanted))
      const s1 = await getStream(deps, 'moving')
      expect(statusTag(s1, 'v')?.items?.map((i) => i.image)).toEqual([first])

      const again = await createImageStreamImport(deps, NS, request('moving', wanted))
      const s2 = await getStream(deps, 'moving')
      expect(s2?.metadata.resourceVersion).toBe(s1?.metadata.resourceVersion)
      expect(again.status?.import?.metadata.resourceVersion).toBe(s1?.metadata.resourceVersion)
      expect(statusTag(s2, 'v')?.items).toHaveLength(1)

      const second = await pushBuilt(pusher, 'team/moving', 'v', build(2))
      await createImageStreamImport(deps, NS, request('moving', wanted))
      const s3 = await getStream(deps, 'moving')
      expect(s3?.metadata.resourceVersion).not.toBe(s1?.metadata.resourceVersion)
      expect(statusTag(s3, 'v')?.items?.map((i) => [i.image, i.generation])).toEqual([
        [second, 2],
        [first, 1],
      ])
      expect(s3?.metadata.generation).toBe(2)
      expect(s3?.spec.tags?.[0]?.generation).toBe(2)
    } finally {
      await pusher.close()
    }
  })

  it('a by-digest import of a known Image makes no registry request', async () => {
    const deps = makeDeps()
    await createImageStreamImport(
      deps,
      NS,
      request('pin', [{ from: images.appV2.reference, to: 'v2' }])
    )
    await new Promise((r) => setTimeout(r, 300))
    const before = reg.requests().length
    const isi = await createImageStreamImport(
      deps,
      NS,
      request('pin', [{ from: `${reg.host}/team/app@${images.appV2.digest}`, to: 'pinned' }])
    )
    expect(isi.status?.images?.[0]?.image?.metadata.name).toBe(images.appV2.digest)
    await new Promise((r) => setTimeout(r, 300))
    expect(reg.requests().length).toBe(before)
    const stream = await getStream(deps, 'pin')
    expect(statusTag(stream, 'pinned')?.items?.[0]?.dockerImageReference).toBe(
      `${reg.host}/team/app@${images.appV2.digest}`
    )
  })

  it('a dry run returns the images and persists nothing', async () => {
    const deps = makeDeps()
    const isi = await createImageStreamImport(
      deps,
      NS,
      request('dry', [{ from: images.multiOci.reference, to: 'x', mode: 'PreserveOriginal' }], {
        dryRun: true,
      })
    )
    expect(isi.status?.images?.[0]?.image?.metadata.name).toBe(images.multiOci.digest)
    expect(isi.status?.images?.[0]?.manifests).toHaveLength(4)
    expect(isi.status?.import).toBeUndefined()
    expect(await deps.store.currentResourceVersion()).toBe('0')
  })

  it('switches Legacy ↔ PreserveOriginal as the seed describes (6.7.3)', async () => {
    const deps = makeDeps()
    const list = images.multiDocker
    const amd64 = list.children[0]?.digest
    const importAs = (mode?: string) =>
      createImageStreamImport(
        deps,
        NS,
        request('switch', [{ from: list.reference, to: 'app', ...(mode ? { mode } : {}) }])
      )
    await importAs('PreserveOriginal')
    const s1 = await getStream(deps, 'switch')
    expect(statusTag(s1, 'app')?.items?.map((i) => i.image)).toEqual([list.digest])
    expect(s1?.spec.tags?.[0]?.importPolicy?.importMode).toBe('PreserveOriginal')

    // The controllers use the tag's own mode: PreserveOriginal stays PreserveOriginal.
    const controller = imageStreamImportForStream(s1 as ImageStream, {
      tags: ['app'],
      mode: 'spec-policy',
    })
    expect(controller?.spec.images?.[0]?.importPolicy?.importMode).toBe('PreserveOriginal')

    // `import-image` without --import-mode means the server default: the tag becomes single-arch.
    await importAs()
    const s2 = await getStream(deps, 'switch')
    expect(statusTag(s2, 'app')?.items?.map((i) => i.image)).toEqual([amd64, list.digest])
    expect(s2?.spec.tags?.[0]?.importPolicy?.importMode).toBe('Legacy')

    await importAs('PreserveOriginal')
    const s3 = await getStream(deps, 'switch')
    expect(statusTag(s3, 'app')?.items?.map((i) => i.image)).toEqual([
      list.digest,
      amd64,
      list.digest,
    ])
    expect(s3?.spec.tags?.[0]?.importPolicy?.importMode).toBe('PreserveOriginal')
  })

  it('--all: PrioritizeTags order, the limit, additionalTags for the rest', async () => {
    const seeded = await seedTags(reg, 'bulk/app', 8)
    const pusher = createPusher(reg)
    try {
      const manifest = await pusher.getManifest('bulk/app', seeded.tags[0] ?? '')
      for (const tag of ['latest', 'v2.1', '2.0', '1.10.3', 'v1.9.0', '1.10.3-rc1']) {
        await pusher.pushManifest('bulk/app', tag, manifest.bytes, MediaType.OciManifest)
      }
    } finally {
      await pusher.close()
    }
    const deps = makeDeps({ settings: { maxImagesBulkImportedPerRepository: 5 } })
    const isi = await createImageStreamImport(deps, NS, {
      metadata: { name: 'bulk' },
      spec: {
        import: true,
        repository: {
          from: { kind: 'DockerImage', name: `${reg.host}/bulk/app` },
          importPolicy: { insecure: true },
        },
        // Imported by this request anyway: reported with the repository, not as additional.
        images: [
          {
            from: { kind: 'DockerImage', name: `${reg.host}/bulk/app:tag-7` },
            importPolicy: { insecure: true },
          },
        ],
      },
    })
    const repo = isi.status?.repository
    expect(repo?.status?.status).toBe('Success')
    expect(repo?.images?.map((i) => i.tag)).toEqual([
      'latest',
      'v2.1',
      '2.0',
      '1.10.3',
      '1.10.3-rc1',
      'tag-7',
    ])
    expect(repo?.additionalTags).toEqual([
      'v1.9.0',
      'tag-0',
      'tag-1',
      'tag-2',
      'tag-3',
      'tag-4',
      'tag-5',
      'tag-6',
    ])
    expect(repo?.images?.[0]?.image?.dockerImageReference).toBe(
      `${reg.host}/bulk/app@${seeded.digest}`
    )
    const stream = await getStream(deps, 'bulk')
    expect(stream?.spec.tags?.map((t) => [t.name, t.from?.name])).toEqual(
      ['1.10.3', '1.10.3-rc1', '2.0', 'latest', 'tag-7', 'v2.1'].map((t) => [
        t,
        `${reg.host}/bulk/app:${t}`,
      ])
    )
    expect(statusTag(stream, 'latest')?.items?.[0]?.image).toBe(seeded.digest)
  })

  it('a plain-HTTP registry without the insecure flag is a BadRequest', async () => {
    const deps = makeDeps()
    const isi = await createImageStreamImport(
      deps,
      NS,
      request('http', [{ from: images.appV1.reference, to: 'v1', insecure: false }], {
        dryRun: true,
      })
    )
    expect(isi.status?.images?.[0]?.status).toMatchObject({
      reason: 'BadRequest',
      message: 'the repository team/app is HTTP only and requires the insecure flag to import',
    })
  })
})

describe('import engine against a private TLS registry', () => {
  let reg: RunningRegistry
  let images: SeededImages
  beforeAll(async () => {
    reg = await startRegistry('basic-tls')
    images = await seedImages(reg)
  })
  afterAll(async () => {
    await reg?.stop()
  })

  function secret(
    name: string,
    auths: Record<string, string>,
    annotations?: Record<string, string>
  ): Secret & { metadata: { name: string } } {
    const doc = {
      auths: Object.fromEntries(
        Object.entries(auths).map(([k, password]) => [
          k,
          { auth: Buffer.from(`${reg.username}:${password}`).toString('base64') },
        ])
      ),
    }
    return {
      metadata: { name, namespace: NS, ...(annotations === undefined ? {} : { annotations }) },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(doc)).toString('base64') },
    }
  }

  it('path-specific secrets: HOST/team good beats HOST bad', async () => {
    const deps = makeDeps({ ...(reg.caCertPem === undefined ? {} : { caCertPem: reg.caCertPem }) })
    await deps.store.create(
      'secrets',
      secret('pull', { [`${reg.host}/team`]: reg.password ?? '', [reg.host]: 'wrong-password' })
    )
    // Excluded secrets are not used, even when they would work.
    await deps.store.create(
      'secrets',
      secret(
        'excluded',
        { [reg.host]: reg.password ?? '' },
        { 'openshift.io/image.excludeSecret': 'true' }
      )
    )
    const isi = await createImageStreamImport(deps, NS, {
      metadata: { name: 'private' },
      spec: {
        import: true,
        images: [
          { from: { kind: 'DockerImage', name: images.appV1.reference }, to: { name: 'v1' } },
          {
            from: { kind: 'DockerImage', name: images.busybox.reference },
            to: { name: 'busybox' },
          },
        ],
      },
    })
    const [v1, busybox] = isi.status?.images ?? []
    expect(v1?.status.status).toBe('Success')
    expect(v1?.image?.metadata.name).toBe(images.appV1.digest)
    expect(busybox?.status).toMatchObject({
      status: 'Failure',
      reason: 'Unauthorized',
      code: 401,
      message: `you may not have access to the container image "${reg.host}/library/busybox:latest"`,
    })
    const text = JSON.stringify(isi)
    expect(text).not.toContain('wrong-password')
    expect(text).not.toContain(reg.password ?? 'x')
    const stream = await getStream(deps, 'private')
    expect(statusTag(stream, 'busybox')?.conditions?.[0]?.reason).toBe('Unauthorized')
  })
})
