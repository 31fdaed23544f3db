import type { Digest } from '../../oci/digest.js'
import type {
  FetchedManifest,
  ManifestDescriptor,
  RegistryClient,
  RemoteRepository,
  RepositoryOptions,
} from '../../registry-client/client.js'
import { RegistryError, RegistryErrorCode } from '../../registry-client/errors.js'
import type { RateLimitState } from '../../registry-client/rate-limit.js'

/** A manifest or blob as the fake serves it. */
export type FakeContent = {
  readonly digest: string
  readonly mediaType: string
  readonly bytes: Uint8Array
}

/** One request the fake answered (or refused). */
export type FakeRegistryRequest = {
  readonly registry: string
  readonly method: 'HEAD' | 'GET'
  /** `/v2/<repo>/manifests/<ref>` or `/v2/<repo>/blobs/<digest>`. */
  readonly path: string
}

/** Makes a request fail: return an error to throw it, undefined to answer normally. */
export type FakeFailure = (req: FakeRegistryRequest) => RegistryError | undefined

type Repo = {
  readonly tags: Map<string, string>
  readonly manifests: Map<string, FakeContent>
}

/**
 * FakeRegistryClient is an in-memory RegistryClient for controller unit tests: tags point at
 * manifests, blobs are content-addressed, every request is recorded, and failures (429, 404, …)
 * can be scripted per request. Digests are taken as given (build content with test/support's
 * image-builder for real ones: the importer parses what it gets).
 */
export class FakeRegistryClient implements RegistryClient {
  readonly requests: FakeRegistryRequest[] = []
  readonly #repos = new Map<string, Repo>()
  readonly #blobs = new Map<string, Uint8Array>()
  readonly #rateLimits = new Map<string, RateLimitState>()
  #failures: FakeFailure[] = []

  /** Stores a manifest (and optionally tags it) in registry/repository, with its blobs. */
  put(
    registry: string,
    repository: string,
    manifest: FakeContent,
    o: { tag?: string; blobs?: readonly FakeContent[] } = {}
  ): void {
    const repo = this.#repo(registry, repository)
    repo.manifests.set(manifest.digest, manifest)
    if (o.tag !== undefined) repo.tags.set(o.tag, manifest.digest)
    for (const b of o.blobs ?? []) this.#blobs.set(b.digest, b.bytes)
  }

  /** Points a tag at a stored manifest, or removes it (undefined). */
  tag(registry: string, repository: string, tag: string, digest: string | undefined): void {
    const repo = this.#repo(registry, repository)
    if (digest === undefined) repo.tags.delete(tag)
    else repo.tags.set(tag, digest)
  }

  /** Adds a failure rule, tried for every request in order. */
  fail(rule: FakeFailure): void {
    this.#failures.push(rule)
  }

  /** Removes every failure rule. */
  clearFailures(): void {
    this.#failures = []
  }

  /** Sets what `rateLimit(registry)` answers. */
  setRateLimit(registry: string, state: RateLimitState | undefined): void {
    if (state === undefined) this.#rateLimits.delete(registry)
    else this.#rateLimits.set(registry, state)
  }

  /** Recorded requests of one method (optionally one registry). */
  count(method: 'HEAD' | 'GET', registry?: string): number {
    return this.requests.filter(
      (r) => r.method === method && (registry === undefined || r.registry === registry)
    ).length
  }

  repository(t: RepositoryOptions): RemoteRepository {
    const registry = t.registry
    const name = t.repository
    const manifest = (method: 'HEAD' | 'GET', ref: string): FakeContent => {
      const path = `/v2/${name}/manifests/${ref}`
      this.#request({ registry, method, path })
      const repo = this.#repos.get(`${registry}/${name}`)
      const digest = ref.includes(':') ? ref : repo?.tags.get(ref)
      const found = digest === undefined ? undefined : repo?.manifests.get(digest)
      if (found === undefined) {
        throw new RegistryError({
          code: RegistryErrorCode.ManifestUnknown,
          status: 404,
          method,
          url: `http://${registry}${path}`,
          message: 'manifest unknown',
        })
      }
      return found
    }
    return {
      ping: async () => undefined,
      manifestHead: async (ref): Promise<ManifestDescriptor> => {
        const m = manifest('HEAD', ref)
        return { digest: m.digest as Digest, mediaType: m.mediaType, size: m.bytes.byteLength }
      },
      manifestGet: async (ref): Promise<FetchedManifest> => {
        const m = manifest('GET', ref)
        return { digest: m.digest as Digest, mediaType: m.mediaType, bytes: m.bytes }
      },
      blobGet: async (digest) => {
        const path = `/v2/${name}/blobs/${digest}`
        this.#request({ registry, method: 'GET', path })
        const b = this.#blobs.get(digest)
        if (b === undefined) {
          throw new RegistryError({
            code: RegistryErrorCode.BlobUnknown,
            status: 404,
            method: 'GET',
            url: `http://${registry}${path}`,
            message: 'blob unknown',
          })
        }
        return b
      },
      // The controllers and the importer read blobs whole; streaming is not faked.
      blobStream: () => Promise.reject(new Error('blobStream is not faked')),
      tagList: async () => {
        this.#request({ registry, method: 'GET', path: `/v2/${name}/tags/list` })
        return [...(this.#repos.get(`${registry}/${name}`)?.tags.keys() ?? [])]
      },
    }
  }

  rateLimit(registry: string): RateLimitState | undefined {
    return this.#rateLimits.get(registry)
  }

  async close(): Promise<void> {}

  #request(req: FakeRegistryRequest): void {
    this.requests.push(req)
    for (const rule of this.#failures) {
      const err = rule(req)
      if (err !== undefined) throw err
    }
  }

  #repo(registry: string, repository: string): Repo {
    const key = `${registry}/${repository}`
    let r = this.#repos.get(key)
    if (r === undefined) {
      r = { tags: new Map(), manifests: new Map() }
      this.#repos.set(key, r)
    }
    return r
  }
}

/** A 429 as the client reports it, with an optional Retry-After. */
export function tooManyRequests(req: FakeRegistryRequest, retryAfterMs?: number): RegistryError {
  return new RegistryError({
    code: RegistryErrorCode.TooManyRequests,
    status: 429,
    method: req.method,
    url: `http://${req.registry}${req.path}`,
    message: 'toomanyrequests: slow down',
    temporary: true,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  })
}
