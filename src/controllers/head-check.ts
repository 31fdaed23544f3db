import { mapLimit } from '../importer/map-limit.js'
import type { RegistryClient, RemoteRepository } from '../registry-client/client.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import type { TagSource } from './tag-source.js'

/** One tag to HEAD. */
export type HeadCheck = {
  readonly tag: string
  readonly source: TagSource
}

/** What a HEAD said: the digest the source tag points at now, or the error. */
export type HeadResult =
  | { readonly tag: string; readonly ok: true; readonly digest: string }
  | { readonly tag: string; readonly ok: false; readonly error: unknown }

/** Options of headTags. */
export type HeadTagsOptions = {
  readonly client: RegistryClient
  /** The namespace's credentials (the same the importer uses). */
  readonly keyring: Keyring
  readonly checks: readonly HeadCheck[]
  /** HEADs in flight at once; default 8 (the client also caps connections per registry). */
  readonly concurrency?: number
  readonly signal: AbortSignal
}

/**
 * HEADs the source tag of each check (`HEAD /v2/<repo>/manifests/<tag>`, free on Docker Hub) and returns
 * the `Docker-Content-Digest` it answers with, one result per check in order. Checks of one repository
 * share one repository handle, so its ping and token are fetched once (the client caches tokens across
 * calls too). Errors are results, never thrown, except when the signal aborts. The client falls back
 * to GET only for registries whose HEAD says too little (no digest header, 405).
 */
export async function headTags(o: HeadTagsOptions): Promise<HeadResult[]> {
  const repos = new Map<string, RemoteRepository>()
  const repoFor = (s: TagSource): RemoteRepository => {
    const key = `${s.registry}/${s.repository}|${s.insecure}`
    let r = repos.get(key)
    if (r === undefined) {
      r = o.client.repository({
        registry: s.registry,
        repository: s.repository,
        insecure: s.insecure,
        keyring: o.keyring,
      })
      repos.set(key, r)
    }
    return r
  }
  return mapLimit(
    o.checks,
    o.concurrency ?? 8,
    async (c): Promise<HeadResult> => {
      try {
        const ref = c.source.digest !== '' ? c.source.digest : c.source.tag
        const d = await repoFor(c.source).manifestHead(ref, { signal: o.signal })
        return { tag: c.tag, ok: true, digest: d.digest }
      } catch (error) {
        if (o.signal.aborted) throw o.signal.reason
        return { tag: c.tag, ok: false, error }
      }
    },
    o.signal
  )
}
