import type { ImageStream } from '../api/image/v1/types.js'
import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import { type AuthSettings, authorize, type Requirement } from './auth.js'
import type { BlobStore } from './blob-store.js'
import { type RegistryContext, requestOrigin } from './context.js'
import { nameUnknown, OciError, OciErrorCode } from './errors.js'
import { RegistryAction } from './identity.js'
import type { LastPullRecorder } from './last-pull.js'
import type { ManifestStore } from './manifest-store.js'
import { parseRepositoryName, type RepositoryName } from './names.js'
import type { PullThrough } from './pull-through.js'
import type { UploadSessions } from './upload-sessions.js'

/** Everything the route handlers share, built once by createRegistryApp. */
export type RegistryServices = {
  readonly store: Store
  readonly blobStore: BlobStore
  readonly manifests: ManifestStore
  readonly pullThrough: PullThrough
  readonly uploads: UploadSessions
  readonly lastPull: LastPullRecorder
  readonly clock: Clock
  readonly logger: Logger
  readonly auth: AuthSettings
  /** host[:port] of this registry (read on every use: it may be a getter). */
  readonly registryHostname: () => string
  readonly maxManifestBytes: number
  /** Largest blob an upload may write (413 SIZE_INVALID above). */
  readonly maxBlobBytes: number
  /** The path of the token endpoint, e.g. `/openshift/token`. */
  readonly tokenPath: string
}

type NamedStream = ImageStream & { metadata: { name: string } }

/** The token realm as clients reached us. */
export function realmOf(c: RegistryContext, svc: RegistryServices): string {
  return `${requestOrigin(c)}${svc.tokenPath}`
}

/** Checks the caller may do every requirement; throws 401/403 OciErrors (see authorize). */
export async function requireAccess(
  c: RegistryContext,
  svc: RegistryServices,
  requirements: readonly Requirement[]
): Promise<void> {
  await authorize(c.get('caller'), requirements, {
    store: svc.store,
    realm: realmOf(c, svc),
    service: svc.registryHostname(),
  })
}

/**
 * Parses the repository of a request and checks the caller may do the actions on it. The name is checked
 * first (400 NAME_INVALID), then access (401/403), so nothing about a repository leaks before access is
 * known.
 */
export async function repositoryFor(
  c: RegistryContext,
  svc: RegistryServices,
  rawName: string,
  actions: readonly RegistryAction[]
): Promise<RepositoryName> {
  const repo = parseRepositoryName(rawName)
  await requireAccess(
    c,
    svc,
    actions.map((action) => ({ namespace: repo.namespace, name: repo.name, action }))
  )
  return repo
}

/** The actions a push needs: distribution asks for `pull,push` on every upload and manifest PUT. */
export const PUSH_ACTIONS: readonly RegistryAction[] = [RegistryAction.Pull, RegistryAction.Push]

/** Reads a repository's image stream; undefined when missing. */
export function getStream(
  svc: RegistryServices,
  repo: RepositoryName
): Promise<NamedStream | undefined> {
  return svc.store.get<NamedStream>({
    resource: 'imagestreams',
    namespace: repo.namespace,
    name: repo.stream,
  })
}

/** Throws NAME_UNKNOWN unless the repository's namespace exists (pushes create streams, not namespaces). */
export async function requireNamespace(svc: RegistryServices, repo: RepositoryName): Promise<void> {
  const ns = await svc.store.get({ resource: 'namespaces', name: repo.namespace })
  if (ns === undefined) {
    throw new OciError({
      status: 404,
      code: OciErrorCode.NameUnknown,
      message: `namespace ${JSON.stringify(repo.namespace)} does not exist`,
      detail: { name: repo.name },
    })
  }
}

/** Throws NAME_UNKNOWN for a repository whose stream does not exist. */
export async function requireStream(
  svc: RegistryServices,
  repo: RepositoryName
): Promise<NamedStream> {
  const stream = await getStream(svc, repo)
  if (stream === undefined) throw nameUnknown(repo.name)
  return stream
}
