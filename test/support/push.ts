import { Agent, fetch, type Response } from 'undici'
import { computeDigest, type Digest } from '../../src/oci/digest.js'
import { baseMediaType, MANIFEST_ACCEPT } from '../../src/oci/media-types.js'

/** Where to push: a RunningRegistry fits. */
export type PushTarget = {
  /** 'http://…' or 'https://…' */
  readonly url: string
  readonly username?: string
  readonly password?: string
  /** CA to trust for https (the registry's self-signed certificate). */
  readonly caCertPem?: string
}

/** Options of one pusher call. */
export type PushCallOptions = {
  readonly signal?: AbortSignal
}

/** A manifest as fetched from the registry. */
export type FetchedManifest = {
  readonly bytes: Buffer
  readonly mediaType: string
  /** sha256 of the bytes. */
  readonly digest: Digest
  /** The registry's Docker-Content-Digest header. */
  readonly headerDigest: string | null
}

/**
 * A small test-only Distribution API client for pushing fixtures (blobs, manifests, tags) over
 * HTTP(S), answering Basic and Bearer challenges with the target's credentials.
 */
export type RegistryPusher = {
  /** Uploads a blob (POST + monolithic PUT) unless the repository already has it. */
  pushBlob(repository: string, bytes: Uint8Array, opts?: PushCallOptions): Promise<Digest>
  /** PUTs a manifest under a tag or digest with the given Content-Type; returns its digest. */
  pushManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    opts?: PushCallOptions
  ): Promise<Digest>
  /** GETs a manifest with the full Accept list. */
  getManifest(
    repository: string,
    reference: string,
    opts?: PushCallOptions
  ): Promise<FetchedManifest>
  /** GETs a blob. */
  getBlob(repository: string, digest: string, opts?: PushCallOptions): Promise<Buffer>
  /** Closes the connection pool. */
  close(): Promise<void>
}

/** Creates a pusher for target; close() it when done. */
export function createPusher(target: PushTarget): RegistryPusher {
  const dispatcher = new Agent({
    connect: target.caCertPem === undefined ? {} : { ca: target.caCertPem },
  })
  const basic =
    target.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`
  // Authorization per repository (Bearer tokens are scoped); Basic applies to all.
  const authByRepo = new Map<string, string>()

  const call = async (
    repository: string,
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: Uint8Array },
    signal: AbortSignal | undefined
  ): Promise<Response> => {
    const send = (auth: string | undefined): Promise<Response> =>
      fetch(url, {
        method: init.method,
        headers: { ...init.headers, ...(auth === undefined ? {} : { authorization: auth }) },
        ...(init.body === undefined ? {} : { body: init.body }),
        dispatcher,
        redirect: 'manual',
        ...(signal === undefined ? {} : { signal }),
      })
    const res = await send(authByRepo.get(repository))
    if (res.status !== 401) return res
    // The handshake: read the challenge, get credentials for it, retry once.
    const challenge = res.headers.get('www-authenticate') ?? ''
    await res.arrayBuffer()
    const auth = await answerChallenge(challenge, signal)
    authByRepo.set(repository, auth)
    return send(auth)
  }

  const answerChallenge = async (
    challenge: string,
    signal: AbortSignal | undefined
  ): Promise<string> => {
    const scheme = challenge.split(' ')[0]?.toLowerCase()
    if (scheme === 'basic') {
      if (basic === undefined) throw new Error(`registry wants Basic credentials: ${challenge}`)
      return basic
    }
    if (scheme !== 'bearer') throw new Error(`unsupported challenge: ${challenge}`)
    const params = new Map<string, string>()
    for (const m of challenge.matchAll(/(\w+)="([^"]*)"/g)) params.set(m[1] ?? '', m[2] ?? '')
    const realm = params.get('realm')
    if (realm === undefined) throw new Error(`bearer challenge without realm: ${challenge}`)
    const tokenUrl = new URL(realm)
    const service = params.get('service')
    if (service !== undefined) tokenUrl.searchParams.set('service', service)
    for (const s of (params.get('scope') ?? '').split(' ').filter((x) => x !== '')) {
      tokenUrl.searchParams.append('scope', s)
    }
    const res = await fetch(tokenUrl, {
      headers: basic === undefined ? {} : { authorization: basic },
      dispatcher,
      ...(signal === undefined ? {} : { signal }),
    })
    const text = await res.text()
    if (res.status !== 200)
      throw new Error(`token request ${tokenUrl.pathname}: ${res.status} ${text}`)
    const body = JSON.parse(text) as { token?: string; access_token?: string }
    const token = body.access_token ?? body.token
    if (token === undefined) throw new Error('token response without a token')
    return `Bearer ${token}`
  }

  const fail = async (what: string, res: Response): Promise<never> => {
    const text = await res.text()
    throw new Error(`${what}: ${res.status} ${text.slice(0, 500)}`)
  }

  return {
    async pushBlob(repository, bytes, opts = {}) {
      const digest = computeDigest(bytes)
      const head = await call(
        repository,
        `${target.url}/v2/${repository}/blobs/${digest}`,
        { method: 'HEAD' },
        opts.signal
      )
      await head.arrayBuffer()
      if (head.status === 200) return digest
      const start = await call(
        repository,
        `${target.url}/v2/${repository}/blobs/uploads/`,
        { method: 'POST' },
        opts.signal
      )
      if (start.status !== 202) return fail(`POST ${repository} blob upload`, start)
      await start.arrayBuffer()
      const location = new URL(start.headers.get('location') ?? '', `${target.url}/`)
      location.searchParams.set('digest', digest)
      const put = await call(
        repository,
        location.toString(),
        {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes,
        },
        opts.signal
      )
      if (put.status !== 201) return fail(`PUT ${repository} blob ${digest}`, put)
      await put.arrayBuffer()
      return digest
    },

    async pushManifest(repository, reference, bytes, mediaType, opts = {}) {
      const res = await call(
        repository,
        `${target.url}/v2/${repository}/manifests/${reference}`,
        { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes },
        opts.signal
      )
      if (res.status !== 201) return fail(`PUT ${repository}:${reference} manifest`, res)
      await res.arrayBuffer()
      return computeDigest(bytes)
    },

    async getManifest(repository, reference, opts = {}) {
      const res = await call(
        repository,
        `${target.url}/v2/${repository}/manifests/${reference}`,
        { method: 'GET', headers: { accept: MANIFEST_ACCEPT.join(', ') } },
        opts.signal
      )
      if (res.status !== 200) return fail(`GET ${repository}:${reference} manifest`, res)
      const bytes = Buffer.from(await res.arrayBuffer())
      return {
        bytes,
        mediaType: baseMediaType(res.headers.get('content-type')),
        digest: computeDigest(bytes),
        headerDigest: res.headers.get('docker-content-digest'),
      }
    },

    async getBlob(repository, digest, opts = {}) {
      const res = await call(
        repository,
        `${target.url}/v2/${repository}/blobs/${digest}`,
        { method: 'GET' },
        opts.signal
      )
      if (res.status !== 200) return fail(`GET ${repository} blob ${digest}`, res)
      return Buffer.from(await res.arrayBuffer())
    },

    close: () => dispatcher.close(),
  }
}
