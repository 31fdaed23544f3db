import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImageStream } from '../../src/api/image/v1/types.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import { runSkopeo, skopeoInspectRaw } from '../support/peers.js'
import { type SeededImages, seedImages } from '../support/test-images.js'
import { ADMIN_CREDS, type OurRegistry, startOurRegistry } from './registry-harness.js'

// Real clients against our /v2 on a real socket: skopeo pushes into it from a docker-registry seeded with
// the standard images, then inspects, copies out and lists tags; digests must equal the source's.

let src: RunningRegistry
let images: SeededImages
let ours: OurRegistry
let work: string

beforeAll(async () => {
  ;[src, ours, work] = await Promise.all([
    startRegistry('anonymous'),
    startOurRegistry(),
    mkdtemp(join(tmpdir(), 'registry-skopeo-')),
  ])
  images = await seedImages(src)
})

afterAll(async () => {
  await Promise.all([src?.stop(), ours?.stop(), rm(work, { recursive: true, force: true })])
})

const copyIn = (from: string, to: string, all = false) =>
  runSkopeo([
    'copy',
    '--quiet',
    ...(all ? ['--all'] : []),
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--dest-creds',
    ADMIN_CREDS,
    `docker://${src.host}/${from}`,
    `docker://${ours.host}/${to}`,
  ])

describe('skopeo against our registry', () => {
  it('copies single-arch images in (OCI and Docker v2) with identical digests', async () => {
    await copyIn('team/app:v1', 'team/app:v1')
    await copyIn('team/app:v2', 'team/app:v2')
    for (const [tag, seeded] of [
      ['v1', images.appV1],
      ['v2', images.appV2],
    ] as const) {
      const got = await skopeoInspectRaw(`${ours.host}/team/app:${tag}`, {
        tlsVerify: false,
        creds: ADMIN_CREDS,
      })
      expect(got.digest).toBe(seeded.digest)
      expect(got.bytes.equals(seeded.bytes)).toBe(true)
    }
    const stream = await ours.store.get<ImageStream & { metadata: { name: string } }>({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'app',
    })
    expect(stream?.status?.tags?.map((t) => [t.tag, t.items?.[0]?.image])).toEqual([
      ['v1', images.appV1.digest],
      ['v2', images.appV2.digest],
    ])
  })

  it.each(['oci', 'docker'] as const)(
    'copies a multi-arch %s list in with --all, children included',
    async (flavor) => {
      const seeded = flavor === 'oci' ? images.multiOci : images.multiDocker
      await copyIn(`team/multi:${flavor}`, `team/multi:${flavor}`, true)
      const got = await skopeoInspectRaw(`${ours.host}/team/multi:${flavor}`, {
        tlsVerify: false,
        creds: ADMIN_CREDS,
      })
      expect(got.digest).toBe(seeded.digest)
      for (const child of seeded.children) {
        const c = await skopeoInspectRaw(`${ours.host}/team/multi@${child.digest}`, {
          tlsVerify: false,
          creds: ADMIN_CREDS,
        })
        expect(c.digest).toBe(child.digest)
      }
    }
  )

  it('copies out to an OCI layout with the same digests and layer bytes', async () => {
    const out = join(work, 'out-v1')
    await runSkopeo([
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      '--src-creds',
      ADMIN_CREDS,
      `docker://${ours.host}/team/app:v1`,
      `oci:${out}:v1`,
    ])
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[]
    }
    expect(index.manifests[0]?.digest).toBe(images.appV1.digest)
    for (const layer of images.appV1.layers) {
      const bytes = await readFile(join(out, 'blobs', 'sha256', layer.digest.slice(7)))
      expect(bytes.byteLength).toBe(layer.size)
    }
  })

  it('lists tags', async () => {
    const { stdout } = await runSkopeo([
      'list-tags',
      '--tls-verify=false',
      '--creds',
      ADMIN_CREDS,
      `docker://${ours.host}/team/app`,
    ])
    expect((JSON.parse(stdout) as { Tags: string[] }).Tags).toEqual(['v1', 'v2'])
  })

  it('lets a service account of another namespace neither push nor pull', async () => {
    await expect(
      runSkopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        '--creds',
        'sa:other-token',
        `docker://${ours.host}/team/app:v1`,
      ])
    ).rejects.toThrow(/unauthorized|denied|authentication required/i)
    await expect(
      runSkopeo([
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--dest-creds',
        'sa:other-token',
        `docker://${src.host}/team/app:v1`,
        `docker://${ours.host}/team/intruder:v1`,
      ])
    ).rejects.toThrow(/unauthorized|denied|authentication required/i)
    const stream = await ours.store.get({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'intruder',
    })
    expect(stream).toBeUndefined()
  })
})
