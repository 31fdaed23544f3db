import type { Image } from '../api/image/v1/types.js'
import type { Digest } from '../oci/digest.js'
import { type Descriptor, type ParsedManifest, parseManifest } from '../oci/manifest.js'
import {
  exactReference,
  type ImageReference,
  mostSpecific,
  registryApiHost,
} from '../oci/reference.js'
import type { RegistryClient, RemoteRepository } from '../registry-client/client.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import { AppError, Reason } from '../shared/errors.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import { imageFromManifest, imageFromSchema1 } from './image-objects.js'

/** One remote repository of an import (OpenShift's `importRepository`). */
export type RepositoryTarget = {
  /** Grouping key: API host and repository path. */
  readonly key: string
  /** The registry as written after Docker defaults (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string
  /** `namespace/name`, e.g. `library/busybox`. */
  readonly repository: string
  readonly insecure: boolean
  /** The user's reference, without defaults: pull specs of imported images are built from it. */
  readonly baseRef: ImageReference
  /** `registry/namespace/name` as distribution normalises it, for messages. */
  readonly normalizedName: string
}

/** A fetched and parsed manifest. */
export type ParsedFetch = {
  readonly digest: Digest
  readonly mediaType: string
  readonly bytes: Uint8Array
  readonly parsed: ParsedManifest
}

/** What an ImportSession needs. */
export type ImportSessionOptions = {
  readonly client: RegistryClient
  readonly store: Store
  readonly keyring: Keyring
  readonly logger: Logger
  readonly signal: AbortSignal
}

/** Returns the repository key of a defaulted reference. */
export function repositoryKey(registry: string, repository: string): string {
  return `${registryApiHost(registry)}/${repository}`
}

/** The pull spec `<repo>@<digest>` of an imported image, from the user's reference (MostSpecific().Exact()). */
export function pullSpecFor(target: RepositoryTarget, digest: string): string {
  return exactReference(mostSpecific({ ...target.baseRef, tag: '', id: digest }))
}

/**
 * ImportSession holds what one ImageStreamImport request shares between its tags: repository handles
 * (with the namespace's keyring), and de-duplicated, in-flight-shared fetches — manifests per repository and
 * reference, config blobs per digest, Images already stored (by digest), and converted images per digest —
 * so identical requests, Legacy and PreserveOriginal of the same list, and repeated children cost one fetch.
 * Nothing is kept beyond the request (OpenShift also builds a new importer per request).
 */
export class ImportSession {
  readonly #o: ImportSessionOptions
  readonly #repos = new Map<string, RemoteRepository>()
  readonly #manifests = new Map<string, Promise<ParsedFetch>>()
  readonly #configs = new Map<string, Promise<Uint8Array>>()
  readonly #known = new Map<string, Promise<Image | undefined>>()
  readonly #images = new Map<string, Promise<Image>>()

  constructor(o: ImportSessionOptions) {
    this.#o = o
  }

  /** The request's signal. */
  get signal(): AbortSignal {
    return this.#o.signal
  }

  /** The handle on a target's repository, authenticated with the session keyring. */
  repository(target: RepositoryTarget): RemoteRepository {
    const key = `${target.key}|${target.insecure}`
    let repo = this.#repos.get(key)
    if (repo === undefined) {
      repo = this.#o.client.repository({
        registry: target.registry,
        repository: target.repository,
        insecure: target.insecure,
        keyring: this.#o.keyring,
      })
      this.#repos.set(key, repo)
    }
    return repo
  }

  /** GETs and parses a manifest by tag or digest, once per request. */
  manifest(target: RepositoryTarget, ref: string): Promise<ParsedFetch> {
    return this.#once(this.#manifests, `${target.key}|${ref}`, async () => {
      const got = await this.repository(target).manifestGet(ref, { signal: this.#o.signal })
      return { ...got, parsed: parseManifest(got.bytes, got.mediaType) }
    })
  }

  /** GETs a config blob, once per request and digest (content-addressed and verified by the client). */
  config(target: RepositoryTarget, descriptor: Descriptor): Promise<Uint8Array> {
    return this.#once(this.#configs, descriptor.digest, () =>
      this.repository(target).blobGet(descriptor.digest, {
        signal: this.#o.signal,
        expectedSize: descriptor.size,
      })
    )
  }

  /**
   * The stored Image with this digest, when it is complete enough to stand in for a fetch (it has a
   * manifest media type); looked up once per request.
   */
  knownImage(digest: string): Promise<Image | undefined> {
    return this.#once(this.#known, digest, async () => {
      const image = await this.#o.store.get<Image & { metadata: { name: string } }>({
        resource: 'images',
        name: digest,
      })
      if (image === undefined || (image.dockerImageManifestMediaType ?? '') === '') return undefined
      return image
    })
  }

  /**
   * The Image of a single-image manifest by digest: the stored one when known (no request at all), else
   * fetched and converted (config fetched for schema 2 and OCI). `withManifest` skips the store so that the
   * raw manifest and config can be returned. A manifest list here is an error (lists do not nest).
   */
  singleImage(target: RepositoryTarget, digest: Digest, withManifest: boolean): Promise<Image> {
    return this.#once(this.#images, `${target.key}|${digest}|${withManifest}`, async () => {
      if (!withManifest) {
        const known = await this.knownImage(digest)
        if (known !== undefined) {
          if ((known.dockerImageManifests ?? []).length > 0) throw nestedList(digest)
          return known
        }
      }
      const fetched = await this.manifest(target, digest)
      return this.imageOf(target, fetched)
    })
  }

  /** Converts a fetched single-image manifest to an Image (fetching its config). */
  async imageOf(target: RepositoryTarget, fetched: ParsedFetch): Promise<Image> {
    const parsed = fetched.parsed
    switch (parsed.kind) {
      case 'image': {
        const configBytes = await this.config(target, parsed.config)
        return imageFromManifest({
          digest: fetched.digest,
          bytes: fetched.bytes,
          manifest: parsed,
          configBytes,
        })
      }
      case 'schema1':
        return imageFromSchema1({ digest: fetched.digest, bytes: fetched.bytes, manifest: parsed })
      case 'index':
        throw nestedList(fetched.digest)
    }
  }

  #once<T>(cache: Map<string, Promise<T>>, key: string, fn: () => Promise<T>): Promise<T> {
    let p = cache.get(key)
    if (p === undefined) {
      p = fn()
      cache.set(key, p)
      // Failures are shared by the callers of this request too; nothing is retried within one request.
      p.catch(() => undefined)
    }
    return p
  }
}

function nestedList(digest: string): AppError {
  return new AppError(
    Reason.BadRequest,
    `unsupported image manifest type: ${digest} is a manifest list inside a manifest list`
  )
}
