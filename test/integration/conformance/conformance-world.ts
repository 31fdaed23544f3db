import { randomBytes } from 'node:crypto'
import { computeDigest, type Digest } from '../../../src/oci/digest.js'
import { MediaType } from '../../../src/oci/media-types.js'
import { ADMIN_CREDS, type OurRegistry, startOurRegistry } from '../registry-harness.js'

// Our port of the OCI distribution-spec conformance suite (v1.1.1 `01_pull_test.go` … `04_management_test.go`,
// plus cases of main's runner: ranges, sha512, empty blob, artifacts, `?tag=`), run over a real socket
// against our registry. OCI_NAMESPACE is `team/conformance`, OCI_CROSSMOUNT_NAMESPACE `other/conformance`.

/** The repository under test. */
export const REPO = 'team/conformance'
/** The cross-mount source repository. */
export const CROSS_REPO = 'other/conformance'

const AUTH = `Basic ${Buffer.from(ADMIN_CREDS).toString('base64')}`

/** A running registry and a fetch bound to it with admin credentials. */
export type World = {
  readonly reg: OurRegistry
  /** fetch(url + path) with Authorization unless `anonymous`. */
  api(path: string, init?: RequestInit & { anonymous?: boolean }): Promise<Response>
  stop(): Promise<void>
}

/** Starts our registry for one conformance file. */
export async function startWorld(): Promise<World> {
  const reg = await startOurRegistry()
  return {
    reg,
    api: (path, init = {}) => {
      const { anonymous, ...rest } = init
      const headers = new Headers(rest.headers)
      if (anonymous !== true) headers.set('authorization', AUTH)
      const url = path.startsWith('http') ? path : `${reg.url}${path}`
      return fetch(url, { ...rest, headers, redirect: 'manual' })
    },
    stop: () => reg.stop(),
  }
}

/** A config, a layer and an OCI manifest naming them (all digests consistent). */
export type TestImage = {
  readonly config: Uint8Array
  readonly configDigest: Digest
  readonly layer: Uint8Array
  readonly layerDigest: Digest
  readonly manifest: Uint8Array
  readonly manifestDigest: Digest
}

/** Builds a small, unique test image (testdata.go `setupImage`). */
export function testImage(
  o: { layers?: boolean; subject?: { digest: Digest; size: number } } = {}
): TestImage {
  const layer = new Uint8Array(randomBytes(2048))
  const layerDigest = computeDigest(layer)
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
      config: { Labels: { nonce: randomBytes(8).toString('hex') } },
    })
  )
  const configDigest = computeDigest(config)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: configDigest, size: config.byteLength },
      layers:
        o.layers === false
          ? []
          : [
              {
                mediaType: 'application/vnd.oci.image.layer.v1.tar',
                digest: layerDigest,
                size: layer.byteLength,
              },
            ],
      ...(o.subject === undefined
        ? {}
        : { subject: { mediaType: MediaType.OciManifest, ...o.subject } }),
    })
  )
  return {
    config,
    configDigest,
    layer,
    layerDigest,
    manifest,
    manifestDigest: computeDigest(manifest),
  }
}

/** Uploads a blob with POST + PUT; returns the PUT response. */
export async function pushBlob(w: World, repo: string, bytes: Uint8Array): Promise<Response> {
  const post = await w.api(`/v2/${repo}/blobs/uploads/`, { method: 'POST' })
  if (post.status !== 202) throw new Error(`POST upload: ${post.status}`)
  const location = post.headers.get('location') ?? ''
  const sep = location.includes('?') ? '&' : '?'
  return w.api(`${location}${sep}digest=${computeDigest(bytes)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  })
}

/** PUTs a manifest. */
export function putManifest(
  w: World,
  repo: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string = MediaType.OciManifest
): Promise<Response> {
  return w.api(`/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: bytes,
  })
}

/** Pushes config, layer and manifest (under the tag). */
export async function pushImage(
  w: World,
  repo: string,
  tag: string,
  img: TestImage
): Promise<void> {
  for (const b of [img.config, img.layer]) {
    const res = await pushBlob(w, repo, b)
    if (res.status !== 201) throw new Error(`blob push: ${res.status}`)
  }
  const res = await putManifest(w, repo, tag, img.manifest)
  if (res.status !== 201) throw new Error(`manifest push: ${res.status} ${await res.text()}`)
}

/** The first error code of a spec error body. */
export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: { code?: string }[] }
  return body.errors?.[0]?.code
}
