import type { RegistryContext } from './context.js'
import { nameUnknown, unsupported } from './errors.js'
import { RegistryAction } from './identity.js'
import { byCodeUnit, paginate } from './pagination.js'
import { getStream, type RegistryServices, repositoryFor } from './services.js'

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags

/**
 * GET `/v2/<name>/tags/list[?n=&last=]`: the stream's status tags that have an image, in lexical order,
 * paged with `n`/`last` and a `Link` to the next page. 404 NAME_UNKNOWN when the stream does not exist.
 */
export async function handleTags(
  c: RegistryContext,
  svc: RegistryServices,
  name: string
): Promise<Response> {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw unsupported()
  const repo = await repositoryFor(c, svc, name, [RegistryAction.Pull])
  const stream = await getStream(svc, repo)
  if (stream === undefined) throw nameUnknown(repo.name)
  const tags = (stream.status?.tags ?? [])
    .filter((t) => (t.items ?? []).length > 0)
    .map((t) => t.tag)
    .sort(byCodeUnit)
  const page = paginate(tags, {
    n: c.req.query('n'),
    last: c.req.query('last'),
    path: `/v2/${repo.name}/tags/list`,
  })
  if (page.link !== undefined) c.header('link', page.link)
  return c.json({ name: repo.name, tags: page.items })
}
