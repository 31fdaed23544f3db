import { isDigest } from '../oci/digest.js'
import { MediaType } from '../oci/media-types.js'
import type { RegistryContext } from './context.js'
import { digestInvalid, unsupported } from './errors.js'
import { RegistryAction } from './identity.js'
import { type RegistryServices, repositoryFor } from './services.js'

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers

/**
 * GET `/v2/<name>/referrers/<digest>[?artifactType=]`: an OCI index of the repository's manifests whose
 * `subject` is the digest (recorded when they were pushed), filtered by artifact type on request (then
 * `OCI-Filters-Applied: artifactType`). Never 404 for an unknown subject: an empty index. 400 for a
 * malformed digest.
 */
export async function handleReferrers(
  c: RegistryContext,
  svc: RegistryServices,
  name: string,
  rawDigest: string
): Promise<Response> {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw unsupported()
  const repo = await repositoryFor(c, svc, name, [RegistryAction.Pull])
  if (!isDigest(rawDigest)) {
    throw digestInvalid(`invalid digest ${JSON.stringify(rawDigest.slice(0, 200))}`)
  }
  let manifests = await svc.manifests.referrers(repo, rawDigest)
  const artifactType = c.req.query('artifactType')
  if (artifactType !== undefined) {
    manifests = manifests.filter((m) => m.artifactType === artifactType)
    c.header('oci-filters-applied', 'artifactType')
  }
  const body = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests })
  c.header('content-type', MediaType.OciIndex)
  return c.body(body, 200)
}
