import type { Secret } from '../api/core/v1/types.js'
import { chainKeyrings } from '../registry-client/credentials/chain-keyring.js'
import { keyringFromSecrets } from '../registry-client/credentials/pull-secrets.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'

/** Options of namespaceKeyring. */
export type NamespaceKeyringOptions = {
  readonly store: Store
  readonly logger: Logger
  readonly namespace: string
  /** Tried after the namespace's secrets (OpenShift's node credentials). */
  readonly nodeKeyring?: Keyring
  readonly signal?: AbortSignal
}

/**
 * The credentials of an import (OpenShift `imagestreams/<name>/secrets` + StaticCredentialsContext): every
 * secret of the namespace of type `kubernetes.io/dockerconfigjson`, `kubernetes.io/dockercfg` or
 * `kubernetes.io/podmanconfigjson`, except those annotated `openshift.io/image.excludeSecret: "true"`, then
 * the node keyring. Service-account links play no role, as in OpenShift. A malformed secret is skipped and
 * logged by name (the warnings of keyringFromSecrets carry no secret material) instead of failing the import.
 */
export async function namespaceKeyring(o: NamespaceKeyringOptions): Promise<Keyring> {
  o.signal?.throwIfAborted()
  const { items } = await o.store.list<Secret & { metadata: { name: string } }>({
    resource: 'secrets',
    namespace: o.namespace,
  })
  const { keyring, warnings } = keyringFromSecrets(
    items.map((s) => ({
      metadata: {
        name: s.metadata.name,
        namespace: s.metadata.namespace ?? o.namespace,
        annotations: s.metadata.annotations ?? undefined,
      },
      type: s.type,
      data: s.data ?? undefined,
      stringData: s.stringData ?? undefined,
    }))
  )
  for (const warning of warnings) {
    o.logger.warn('pull secret not usable for imports', { namespace: o.namespace, warning })
  }
  return o.nodeKeyring === undefined ? keyring : chainKeyrings(keyring, o.nodeKeyring)
}
