import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Image, ImageStream } from '../../src/api/image/v1/types.js'
import { LAST_PULLED_ANNOTATION } from '../../src/registry/last-pull.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import { runSkopeo, skopeoInspectRaw } from '../support/peers.js'
import { type SeededImages, seedImages } from '../support/test-images.js'
import { ADMIN_CREDS, type OurRegistry, startOurRegistry } from './registry-harness.js'

// Pull-through from the real distribution registry behind Basic auth and TLS, imported with
// `--reference-policy=local`; then the upstream goes away and the cached content is still served.

let up: RunningRegistry
let images: SeededImages
let ours: OurRegistry
let work: string

beforeAll(async () => {
  up = await startRegistry('basic-tls')
  images = await seedImages(up)
  ours = await startOurRegistry({ client: { caCerts: [up.caCertPem ?? ''] } })
  work = await mkdtemp(join(tmpdir(), 'registry-pull-through-'))
  await ours.addPullSecret('team', up.host, up.username ?? '', up.password ?? '')
  await ours.importImages('team', 'app', [
    { from: `${up.host}/team/app:v1`, tag: 'v1' },
    { from: `${up.host}/team/app:v2`, tag: 'v2' },
  ])
  await ours.importImages('team', 'multi', [
    { from: `${up.host}/team/multi:oci`, tag: 'oci', mode: 'PreserveOriginal' },
  ])
})

afterAll(async () => {
  await Promise.all([up?.stop(), ours?.stop(), rm(work, { recursive: true, force: true })])
})

async function copyOut(ref: string, name: string, all = false): Promise<string> {
  const dir = join(work, name)
  await runSkopeo([
    'copy',
    '--quiet',
    ...(all ? ['--all'] : []),
    '--src-tls-verify=false',
    '--src-creds',
    ADMIN_CREDS,
    `docker://${ref}`,
    `oci:${dir}:x`,
  ])
  return dir
}

async function layoutRoot(dir: string): Promise<string | undefined> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[]
  }
  return index.manifests[0]?.digest
}

// Every blob of a layout hashes to its name: skopeo wrote what it verified.
async function checkLayoutBlobs(dir: string): Promise<number> {
  const names = await readdir(join(dir, 'blobs', 'sha256'))
  for (const n of names) {
    const bytes = await readFile(join(dir, 'blobs', 'sha256', n))
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(n)
  }
  return names.length
}

describe('pull-through from docker-registry (basic auth, TLS)', () => {
  it('records Local pull specs through our registry', async () => {
    const stream = await ours.store.get<ImageStream & { metadata: { name: string } }>({
      resource: 'imagestreams',
      namespace: 'team',
      name: 'app',
    })
    expect(stream?.status?.dockerImageRepository).toBe(`${ours.host}/team/app`)
    expect(stream?.status?.tags?.[0]?.items?.[0]?.dockerImageReference).toBe(
      `${up.host}/team/app@${images.appV1.digest}`
    )
    expect(stream?.spec.tags?.[0]?.referencePolicy?.type).toBe('Local')
  })

  it('serves a tag pulled through with the right bytes', async () => {
    const before = up.requests().length
    const dir = await copyOut(`${ours.host}/team/app:v1`, 'v1')
    expect(await layoutRoot(dir)).toBe(images.appV1.digest)
    expect(await checkLayoutBlobs(dir)).toBe(2 + images.appV1.layers.length)
    await up.waitForRequests(before + 1)
    const fetched = up.requests().slice(before)
    expect(fetched.some((r) => r.path.includes('/blobs/'))).toBe(true)
  })

  it('serves the Local pull spec `<registry>/<ns>/<stream>@<digest>`', async () => {
    const got = await skopeoInspectRaw(`${ours.host}/team/app@${images.appV2.digest}`, {
      tlsVerify: false,
      creds: ADMIN_CREDS,
    })
    expect(got.digest).toBe(images.appV2.digest)
    expect(got.bytes.equals(images.appV2.bytes)).toBe(true)
  })

  it('pulls an index and its children through the parent repository', async () => {
    const dir = await copyOut(`${ours.host}/team/multi:oci`, 'multi', true)
    expect(await layoutRoot(dir)).toBe(images.multiOci.digest)
    const blobs = await checkLayoutBlobs(dir)
    expect(blobs).toBeGreaterThan(images.multiOci.children.length * 2)
  })

  it('records the last pull time on the Image, not for HEAD', async () => {
    await ours.registry.services.lastPull.flush()
    const image = await ours.store.get<Image & { metadata: { name: string } }>({
      resource: 'images',
      name: images.appV1.digest,
    })
    const at = Date.parse(image?.metadata.annotations?.[LAST_PULLED_ANNOTATION] ?? '')
    expect(Date.now() - at).toBeLessThan(60_000)
  })

  it('keeps serving cached content after the upstream is gone (stale-if-error)', async () => {
    await up.stop()
    const dir = await copyOut(`${ours.host}/team/app:v1`, 'v1-again')
    expect(await layoutRoot(dir)).toBe(images.appV1.digest)
    await checkLayoutBlobs(dir)
    const multi = await copyOut(`${ours.host}/team/multi:oci`, 'multi-again', true)
    expect(await layoutRoot(multi)).toBe(images.multiOci.digest)
    await checkLayoutBlobs(multi)
  })

  it('answers a clear error for content never cached once the upstream is gone', async () => {
    // v2's manifest was fetched above (inspect), its layers never were.
    const layer = images.appV2.layers[0]?.digest ?? ''
    const res = await fetch(`${ours.url}/v2/team/app/blobs/${layer}`, {
      headers: { authorization: `Basic ${Buffer.from(ADMIN_CREDS).toString('base64')}` },
    })
    expect(res.status).toBe(503)
    const body = (await res.json()) as { errors: { code: string }[] }
    expect(body.errors[0]?.code).toBe('UNAVAILABLE')
  })
})
