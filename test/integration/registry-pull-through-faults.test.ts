import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { computeDigest, type Digest } from '../../src/oci/digest.js'
import { MediaType } from '../../src/oci/media-types.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { createPusher } from '../support/push.js'
import {
  ADMIN_CREDS,
  type FileRegistry,
  type OurRegistry,
  startFileRegistry,
  startOurRegistry,
} from './registry-harness.js'

// Pull-through under load and under faults: one upstream fetch for many clients, and nothing stored when
// the upstream lies, breaks off, or every client goes away.

type Synthetic = {
  readonly layer: Uint8Array
  readonly layerDigest: Digest
  readonly config: Uint8Array
  readonly configDigest: Digest
  readonly manifest: Uint8Array
  readonly manifestDigest: Digest
}

function syntheticImage(layer: Uint8Array): Synthetic {
  const layerDigest = computeDigest(layer)
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
    })
  )
  const configDigest = computeDigest(config)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: configDigest, size: config.byteLength },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: layerDigest,
          size: layer.byteLength,
        },
      ],
    })
  )
  return {
    layer,
    layerDigest,
    config,
    configDigest,
    manifest,
    manifestDigest: computeDigest(manifest),
  }
}

const AUTH = `Basic ${Buffer.from(ADMIN_CREDS).toString('base64')}`

async function fetchHashed(url: string): Promise<{ status: number; digest: string; size: number }> {
  const res = await fetch(url, { headers: { authorization: AUTH } })
  const hash = createHash('sha256')
  let size = 0
  if (res.body !== null) {
    for await (const chunk of res.body) {
      hash.update(chunk)
      size += chunk.byteLength
    }
  }
  return { status: res.status, digest: `sha256:${hash.digest('hex')}`, size }
}

async function tmpFiles(ours: OurRegistry): Promise<string[]> {
  return readdir(join(ours.dir, 'tmp'))
}

describe('single flight: a 64 MiB blob pulled through by 8 clients at once', () => {
  let up: FileRegistry
  let ours: OurRegistry
  let img: Synthetic
  beforeAll(async () => {
    // NB: filesystem storage; docker-registry's inmemory driver needs ~30 s to take a 64 MiB push.
    up = await startFileRegistry()
    img = syntheticImage(new Uint8Array(randomBytes(64 * 1024 * 1024)))
    const pusher = createPusher(up)
    try {
      await pusher.pushBlob('big/app', img.config)
      await pusher.pushBlob('big/app', img.layer)
      await pusher.pushManifest('big/app', 'v1', img.manifest, MediaType.OciManifest)
    } finally {
      await pusher.close()
    }
    ours = await startOurRegistry()
    await ours.importImages('team', 'big', [
      { from: `${up.host}/big/app:v1`, tag: 'v1', insecure: true },
    ])
  })
  afterAll(async () => {
    await Promise.all([up?.stop(), ours?.stop()])
  })

  it('fetches upstream once and gives every client identical verified bytes', async () => {
    const path = `/v2/big/app/blobs/${img.layerDigest}`
    const gets = (): number =>
      up.requests().filter((r) => r.path === path && r.method === 'GET').length
    const before = gets()
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetchHashed(`${ours.url}/v2/team/big/blobs/${img.layerDigest}`)
      )
    )
    for (const r of results) {
      expect(r).toEqual({ status: 200, digest: img.layerDigest, size: img.layer.byteLength })
    }
    await new Promise((r) => setTimeout(r, 300))
    expect(gets() - before).toBe(1)
    expect(await ours.registry.services.blobStore.stat(img.layerDigest)).toEqual({
      digest: img.layerDigest,
      size: img.layer.byteLength,
    })
    // Served from the store now: still no new upstream request.
    const again = await fetchHashed(`${ours.url}/v2/team/big/blobs/${img.layerDigest}`)
    expect(again.digest).toBe(img.layerDigest)
    expect(gets() - before).toBe(1)
  })

  it('serves ranges of the cached blob', async () => {
    const res = await fetch(`${ours.url}/v2/team/big/blobs/${img.layerDigest}`, {
      headers: { authorization: AUTH, range: 'bytes=100-199' },
    })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${img.layer.byteLength}`)
    expect(
      Buffer.from(await res.arrayBuffer()).equals(Buffer.from(img.layer.subarray(100, 200)))
    ).toBe(true)
  })
})

describe('faults', () => {
  let ours: OurRegistry
  const closers: (() => Promise<void>)[] = []
  beforeAll(async () => {
    ours = await startOurRegistry()
  })
  afterEach(async () => {
    for (const c of closers.splice(0)) await c()
  })
  afterAll(async () => {
    await ours?.stop()
  })

  // A scripted upstream serving img, with `layerBody` in place of the layer.
  async function lyingUpstream(img: Synthetic, layerBody: Uint8Array, dropAfterBytes?: number) {
    const up: FakeUpstream = await startFakeUpstream({
      routes: [
        { path: '/v2/', respond: { status: 200 } },
        {
          path: /^\/v2\/lie\/app\/manifests\//,
          respond: {
            headers: {
              'content-type': MediaType.OciManifest,
              'docker-content-digest': img.manifestDigest,
            },
            body: img.manifest,
          },
        },
        { path: `/v2/lie/app/blobs/${img.configDigest}`, respond: { body: img.config } },
        {
          path: `/v2/lie/app/blobs/${img.layerDigest}`,
          respond: {
            body: layerBody,
            chunked: true,
            ...(dropAfterBytes === undefined ? {} : { dropAfterBytes }),
          },
        },
      ],
    })
    closers.push(() => up.close())
    return up
  }

  it('aborts the response and stores nothing when the upstream blob does not match its digest', async () => {
    const img = syntheticImage(new Uint8Array(randomBytes(2 * 1024 * 1024)))
    const tampered = new Uint8Array(img.layer)
    tampered[12345] = (tampered[12345] ?? 0) ^ 1
    const up = await lyingUpstream(img, tampered)
    await ours.importImages('team', 'lie', [
      { from: `${up.host}/lie/app:v1`, tag: 'v1', insecure: true },
    ])
    const url = `${ours.url}/v2/team/lie/blobs/${img.layerDigest}`
    for (let i = 0; i < 2; i++) {
      const outcome = await fetchHashed(url).then(
        (r) => r,
        (err: unknown) => err
      )
      // NB: the status was 200 and Content-Length announced, so the failure is a broken body.
      expect(outcome).toBeInstanceOf(Error)
    }
    expect(await ours.registry.services.blobStore.stat(img.layerDigest)).toBeUndefined()
    expect(await tmpFiles(ours)).toEqual([])
    expect(up.requests.filter((r) => r.path.endsWith(img.layerDigest)).length).toBe(2)
  })

  it('stores nothing when the upstream breaks off mid-blob', async () => {
    const img = syntheticImage(new Uint8Array(randomBytes(1024 * 1024)))
    const up = await lyingUpstream(img, img.layer, 300_000)
    await ours.importImages('team', 'broken', [
      { from: `${up.host}/lie/app:v1`, tag: 'v1', insecure: true },
    ])
    const outcome = await fetchHashed(`${ours.url}/v2/team/broken/blobs/${img.layerDigest}`).then(
      (r) => r,
      (err: unknown) => err
    )
    const failed = outcome instanceof Error || (outcome as { status: number }).status >= 400
    expect(failed).toBe(true)
    expect(await ours.registry.services.blobStore.stat(img.layerDigest)).toBeUndefined()
    expect(await tmpFiles(ours)).toEqual([])
  })

  it('stops the upstream fetch and stores nothing when the only client disconnects', async () => {
    const img = syntheticImage(new Uint8Array(randomBytes(8 * 1024 * 1024)))
    let upstreamClosedEarly = false
    const server: Server = createServer((req, res) => {
      const url = req.url ?? ''
      const head = { 'docker-distribution-api-version': 'registry/2.0' }
      if (url === '/v2/') {
        res.writeHead(200, head).end('{}')
      } else if (url.startsWith('/v2/slow/app/manifests/')) {
        res
          .writeHead(200, {
            ...head,
            'content-type': MediaType.OciManifest,
            'docker-content-digest': img.manifestDigest,
            'content-length': String(img.manifest.byteLength),
          })
          .end(req.method === 'HEAD' ? undefined : img.manifest)
      } else if (url === `/v2/slow/app/blobs/${img.configDigest}`) {
        res.writeHead(200, head).end(img.config)
      } else if (url === `/v2/slow/app/blobs/${img.layerDigest}`) {
        res.writeHead(200, { ...head, 'content-length': String(img.layer.byteLength) })
        let offset = 0
        const timer = setInterval(() => {
          if (offset >= img.layer.byteLength) {
            clearInterval(timer)
            res.end()
            return
          }
          res.write(img.layer.subarray(offset, offset + 64 * 1024))
          offset += 64 * 1024
        }, 20)
        res.on('close', () => {
          clearInterval(timer)
          if (offset < img.layer.byteLength) upstreamClosedEarly = true
        })
      } else {
        res.writeHead(404, head).end()
      }
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    closers.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r())
          server.closeAllConnections()
        })
    )
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
    await ours.importImages('team', 'slow', [
      { from: `${host}/slow/app:v1`, tag: 'v1', insecure: true },
    ])

    // A client that reads a little, then hangs up.
    await new Promise<void>((resolve, reject) => {
      const r = request(
        `${ours.url}/v2/team/slow/blobs/${img.layerDigest}`,
        { headers: { authorization: AUTH } },
        (res) => {
          expect(res.statusCode).toBe(200)
          res.once('data', () => {
            r.destroy()
            resolve()
          })
        }
      )
      r.on('error', (err) => {
        if (!r.destroyed) reject(err)
      })
      r.end()
    })
    const deadline = Date.now() + 5000
    while (ours.registry.services.pullThrough.inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(ours.registry.services.pullThrough.inFlight).toBe(0)
    await new Promise((r) => setTimeout(r, 100))
    expect(upstreamClosedEarly).toBe(true)
    expect(await ours.registry.services.blobStore.stat(img.layerDigest)).toBeUndefined()
    expect(await tmpFiles(ours)).toEqual([])
  })
})

describe('cache bound', () => {
  let ours: OurRegistry
  let up: FakeUpstream
  const a = syntheticImage(new Uint8Array(randomBytes(2 * 1024 * 1024)))
  const b = syntheticImage(new Uint8Array(randomBytes(2 * 1024 * 1024)))
  beforeAll(async () => {
    ours = await startOurRegistry({ settings: { cacheMaxBytes: 3 * 1024 * 1024 } })
    const routes = [a, b].flatMap((img, i) => [
      {
        path: new RegExp(`^/v2/img${i}/app/manifests/`),
        respond: {
          headers: {
            'content-type': MediaType.OciManifest,
            'docker-content-digest': img.manifestDigest,
          },
          body: img.manifest,
        },
      },
      { path: `/v2/img${i}/app/blobs/${img.configDigest}`, respond: { body: img.config } },
      { path: `/v2/img${i}/app/blobs/${img.layerDigest}`, respond: { body: img.layer } },
    ])
    up = await startFakeUpstream({
      routes: [{ path: '/v2/', respond: { status: 200 } }, ...routes],
    })
    await ours.importImages('team', 'cached', [
      { from: `${up.host}/img0/app:v1`, tag: 'a', insecure: true },
      { from: `${up.host}/img1/app:v1`, tag: 'b', insecure: true },
    ])
  })
  afterAll(async () => {
    await Promise.all([ours?.stop(), up?.close()])
  })

  it('evicts the least recently used cached blob, never pushed content, and fetches it again', async () => {
    const pushed = new Uint8Array(randomBytes(1024 * 1024))
    const push = await fetch(
      `${ours.url}/v2/team/own/blobs/uploads/?digest=${computeDigest(pushed)}`,
      {
        method: 'POST',
        headers: { authorization: AUTH },
        body: pushed,
      }
    )
    expect(push.status).toBe(201)
    const blobs = ours.registry.services.blobStore
    const layerGets = (img: Synthetic): number =>
      up.requests.filter((r) => r.path.endsWith(img.layerDigest)).length

    expect((await fetchHashed(`${ours.url}/v2/team/cached/blobs/${a.layerDigest}`)).digest).toBe(
      a.layerDigest
    )
    expect((await fetchHashed(`${ours.url}/v2/team/cached/blobs/${b.layerDigest}`)).digest).toBe(
      b.layerDigest
    )
    // NB: a reader has its bytes before the blob is committed; wait for commits and cache trims.
    await ours.registry.drain()
    const deadline = Date.now() + 5000
    while ((await blobs.stat(a.layerDigest)) !== undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(await blobs.stat(a.layerDigest)).toBeUndefined()
    expect(await blobs.stat(b.layerDigest)).toBeDefined()
    expect(await blobs.stat(computeDigest(pushed))).toBeDefined()
    expect(blobs.usage().bytes).toBeLessThanOrEqual(3 * 1024 * 1024)

    expect((await fetchHashed(`${ours.url}/v2/team/cached/blobs/${a.layerDigest}`)).digest).toBe(
      a.layerDigest
    )
    expect(layerGets(a)).toBe(2)
  })
})
