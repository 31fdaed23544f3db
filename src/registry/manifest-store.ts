import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Digest, digestAlgorithm, isDigest } from '../oci/digest.js'
import type { Descriptor } from '../oci/manifest.js'
import type { BlobStore } from './blob-store.js'
import type { RepositoryName } from './names.js'

/**
 * Where linked content came from: pushed to this registry (`push`, the only copy: never evicted) or fetched
 * from an upstream by pull-through (`cache`, evictable, fetched again when needed).
 */
export type LinkOrigin = 'push' | 'cache'

/** A manifest as stored: its exact bytes and the media type it was pushed or served with. */
export type StoredManifest = {
  readonly digest: Digest
  readonly mediaType: string
  readonly bytes: Uint8Array
}

/**
 * ManifestStore keeps manifests (exact bytes, in the blob store) and the repository links that say which
 * manifests, blobs and referrers belong to which repository (as distribution's `_manifests`/`_layers` link
 * files). Links live under `<blob store dir>/repositories/<namespace>/<stream>/`; the media type of each
 * manifest under `<blob store dir>/manifest-types/`. Every path component is a validated name or digest.
 */
export class ManifestStore {
  readonly #blobs: BlobStore
  readonly #root: string
  readonly #types: string
  #pinned: Promise<Set<string>> | undefined

  constructor(blobs: BlobStore) {
    this.#blobs = blobs
    this.#root = join(blobs.dir, 'repositories')
    this.#types = join(blobs.dir, 'manifest-types')
  }

  #repoDir(repo: RepositoryName): string {
    return join(this.#root, repo.namespace, repo.stream)
  }

  #digestPath(base: string, digest: Digest): string {
    if (!isDigest(digest)) throw new Error('invalid digest')
    const algorithm = digestAlgorithm(digest)
    return join(base, algorithm, digest.slice(algorithm.length + 1))
  }

  /** Stores a manifest's bytes and media type, and links it to the repository. */
  async putManifest(repo: RepositoryName, m: StoredManifest, origin: LinkOrigin): Promise<void> {
    await this.#blobs.putBytes(m.digest, m.bytes)
    await writeAtomic(this.#digestPath(this.#types, m.digest), m.mediaType)
    await this.linkManifest(repo, m.digest, origin)
  }

  /** Reads a manifest by digest, whatever repository it is linked to; undefined when not stored. */
  async readManifest(digest: Digest, maxBytes: number): Promise<StoredManifest | undefined> {
    const mediaType = await readText(this.#digestPath(this.#types, digest))
    if (mediaType === undefined) return undefined
    const bytes = await this.#blobs.readBytes(digest, maxBytes)
    if (bytes === undefined) return undefined
    return { digest, mediaType, bytes }
  }

  /** Links a stored manifest to a repository (a `push` link is never downgraded to `cache`). */
  async linkManifest(repo: RepositoryName, digest: Digest, origin: LinkOrigin): Promise<void> {
    await this.#link(join(this.#repoDir(repo), '_manifests'), digest, origin)
  }

  /** How a manifest is linked to a repository; undefined when it is not. */
  async manifestLink(repo: RepositoryName, digest: Digest): Promise<LinkOrigin | undefined> {
    return this.#origin(join(this.#repoDir(repo), '_manifests'), digest)
  }

  /** Removes a manifest link; false when there was none. */
  async unlinkManifest(repo: RepositoryName, digest: Digest): Promise<boolean> {
    return removeFile(this.#digestPath(join(this.#repoDir(repo), '_manifests'), digest))
  }

  /** Links a stored blob to a repository (a `push` link is never downgraded to `cache`). */
  async linkBlob(repo: RepositoryName, digest: Digest, origin: LinkOrigin): Promise<void> {
    await this.#link(join(this.#repoDir(repo), '_blobs'), digest, origin)
  }

  /** How a blob is linked to a repository; undefined when it is not. */
  async blobLink(repo: RepositoryName, digest: Digest): Promise<LinkOrigin | undefined> {
    return this.#origin(join(this.#repoDir(repo), '_blobs'), digest)
  }

  /** Removes a blob link; false when there was none. */
  async unlinkBlob(repo: RepositoryName, digest: Digest): Promise<boolean> {
    return removeFile(this.#digestPath(join(this.#repoDir(repo), '_blobs'), digest))
  }

  /** Records that a manifest of the repository names `subject` (the referrers API). */
  async addReferrer(repo: RepositoryName, subject: Digest, referrer: Descriptor): Promise<void> {
    const dir = this.#digestPath(join(this.#repoDir(repo), '_referrers'), subject)
    await writeAtomic(join(dir, referrer.digest.replace(':', '-')), JSON.stringify(referrer))
  }

  /** Removes a referrer (its manifest was deleted). */
  async removeReferrer(repo: RepositoryName, subject: Digest, referrer: Digest): Promise<void> {
    const dir = this.#digestPath(join(this.#repoDir(repo), '_referrers'), subject)
    await removeFile(join(dir, referrer.replace(':', '-')))
  }

  /** The descriptors of the repository's manifests whose subject is `subject`, ordered by digest. */
  async referrers(repo: RepositoryName, subject: Digest): Promise<Descriptor[]> {
    const dir = this.#digestPath(join(this.#repoDir(repo), '_referrers'), subject)
    let names: string[]
    try {
      names = (await readdir(dir)).filter((n) => !n.endsWith('.tmp')).sort()
    } catch (err) {
      if (isNotFound(err)) return []
      throw err
    }
    const out: Descriptor[] = []
    for (const n of names) {
      const text = await readText(join(dir, n))
      if (text === undefined) continue
      out.push(JSON.parse(text) as Descriptor)
    }
    return out
  }

  /**
   * The pinned predicate for eviction: true for every digest linked as `push` in any repository (pushed
   * blobs and manifests, and blobs a pushed manifest references). Loaded once by scanning the links, then
   * kept current by linkBlob/linkManifest; it only grows until restart, which errs on keeping content.
   */
  async pinned(): Promise<(digest: Digest) => boolean> {
    const set = await this.#pins()
    return (d) => set.has(d)
  }

  #pins(): Promise<Set<string>> {
    this.#pinned ??= scanPushLinks(this.#root)
    return this.#pinned
  }

  async #link(base: string, digest: Digest, origin: LinkOrigin): Promise<void> {
    const path = this.#digestPath(base, digest)
    if (origin === 'cache' && (await readText(path)) === 'push') return
    await writeAtomic(path, origin)
    if (origin === 'push') (await this.#pins()).add(digest)
  }

  async #origin(base: string, digest: Digest): Promise<LinkOrigin | undefined> {
    const text = await readText(this.#digestPath(base, digest))
    if (text === undefined) return undefined
    return text === 'push' ? 'push' : 'cache'
  }
}

async function scanPushLinks(root: string): Promise<Set<string>> {
  const out = new Set<string>()
  for (const ns of await listDir(root)) {
    for (const stream of await listDir(join(root, ns))) {
      for (const kind of ['_manifests', '_blobs']) {
        const base = join(root, ns, stream, kind)
        for (const algorithm of await listDir(base)) {
          for (const hex of await listDir(join(base, algorithm))) {
            if ((await readText(join(base, algorithm, hex))) === 'push') {
              out.add(`${algorithm}:${hex}`)
            }
          }
        }
      }
    }
  }
  return out
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith('.'))
  } catch (err) {
    if (isNotFound(err)) return []
    throw err
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (err) {
    if (isNotFound(err)) return false
    throw err
  }
}

// Link files are tiny; writing a temporary file and renaming it means a crash never leaves a half-written
// (and so misread) link behind.
async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  const tmp = `${path}.${randomUUID()}.tmp`
  try {
    await writeFile(tmp, content)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
