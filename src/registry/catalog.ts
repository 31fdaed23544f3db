import type { ImageStream } from '../api/image/v1/types.js'
import { callerMay, namespaceIsPublic, unauthorized } from './auth.js'
import type { RegistryContext } from './context.js'
import { unsupported } from './errors.js'
import { RegistryAction } from './identity.js'
import { byCodeUnit, paginate } from './pagination.js'
import { type RegistryServices, realmOf } from './services.js'

/**
 * GET `/v2/_catalog[?n=&last=]` (Docker API, not in the OCI spec): the repositories (`<ns>/<stream>`) the
 * caller may pull, paged like tags/list. Callers without any credential get a challenge for
 * `registry:catalog:*` (Harbor CVE-2020-29662: no catalog on an unauthenticated path); an anonymous token
 * sees the public namespaces only. A token's repository grants are not needed: the list is filtered by
 * the identity's own rights.
 */
export async function handleCatalog(c: RegistryContext, svc: RegistryServices): Promise<Response> {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw unsupported()
  const caller = c.get('caller')
  if (!caller.authenticated) {
    throw unauthorized({
      realm: realmOf(c, svc),
      service: svc.registryHostname(),
      scopes: ['registry:catalog:*'],
    })
  }
  const { items } = await svc.store.list<ImageStream & { metadata: { name: string } }>({
    resource: 'imagestreams',
  })
  const publicNs = new Map<string, boolean>()
  const names: string[] = []
  const who = { identity: caller.identity, authenticated: caller.authenticated }
  for (const s of items) {
    const namespace = s.metadata.namespace ?? ''
    let pub = publicNs.get(namespace)
    if (pub === undefined) {
      pub = await namespaceIsPublic(svc.store, namespace)
      publicNs.set(namespace, pub)
    }
    const name = `${namespace}/${s.metadata.name}`
    if (callerMay(who, { namespace, name, action: RegistryAction.Pull }, pub)) names.push(name)
  }
  names.sort(byCodeUnit)
  const page = paginate(names, {
    n: c.req.query('n'),
    last: c.req.query('last'),
    path: '/v2/_catalog',
  })
  if (page.link !== undefined) c.header('link', page.link)
  return c.json({ repositories: page.items })
}
