import { ApiError, conflictError, notFoundError } from '../api/api-error.js'
import { goQuote } from '../api/field-errors.js'
import { IMAGE_GROUP, type Image, type ImageStream, type TagEvent } from '../api/image/v1/types.js'
import { resourceForPlural } from '../api/scheme.js'
import { AppError, Reason } from '../shared/errors.js'
import type { StoredObject } from '../store/store.js'
import type { Handler, ResourceHandlers } from './request-context.js'
import { outputObject } from './response.js'

// ImageStreamImage is virtual (openshift-apiserver registry/imagestreamimage/rest.go): `<stream>@<id>`
// shows an Image the stream's history references; id may be a unique prefix of the digest.

type Stream = StoredObject & ImageStream

function notFoundIsimage(name: string): ApiError {
  // NB: OpenShift names the singular resource here.
  return new ApiError(
    Reason.NotFound,
    `imagestreamimage.${IMAGE_GROUP} ${goQuote(name)} not found`,
    {
      group: IMAGE_GROUP,
      kind: 'imagestreamimage',
      name,
    }
  )
}

// DigestOrImageMatch: an image ID matches by its hex part or by the whole string as a prefix.
function matches(image: string, id: string): boolean {
  const colon = image.indexOf(':')
  if (colon > 0 && image.slice(colon + 1).startsWith(id)) return true
  return image.startsWith(id)
}

/** ResolveImageID: the history item whose image the id (or unique prefix) names. */
export function resolveImageId(stream: ImageStream, id: string): TagEvent {
  const found = new Map<string, TagEvent>()
  for (const list of stream.status?.tags ?? []) {
    for (const item of list.items ?? []) {
      if (matches(item.image, id) && !found.has(item.image)) found.set(item.image, item)
    }
  }
  const only = [...found.values()]
  if (only.length === 1 && only[0] !== undefined) return only[0]
  if (only.length === 0) throw notFoundIsimage(id)
  throw conflictError(
    'ImageStreamImage',
    id,
    `multiple images match the prefix ${goQuote(id)}: ${[...found.keys()].sort().join(', ')}`
  )
}

const get: Handler = async (ctx) => {
  const info = resourceForPlural('imagestreamimages')
  if (info === undefined) throw new Error('imagestreamimages are not in the scheme')
  const name = ctx.info.name ?? ''
  const parts = name.split('@')
  const [streamName = '', id = ''] = parts
  if (parts.length !== 2 || streamName === '' || id === '') {
    throw new AppError(Reason.BadRequest, 'ImageStreamImages must be retrieved with <name>@<id>')
  }
  const namespace = ctx.info.namespace ?? ''
  const stream = await ctx.deps.store.get<Stream>({
    resource: 'imagestreams',
    namespace,
    name: streamName,
  })
  if (stream === undefined) throw notFoundError('ImageStream', streamName)
  if ((stream.status?.tags ?? []).length === 0) throw notFoundIsimage(name)
  const event = resolveImageId(stream, id)
  const image = await ctx.deps.store.get<StoredObject & Image>({
    resource: 'images',
    name: event.image,
  })
  if (image === undefined) throw notFoundError('Image', event.image)
  const img = structuredClone(image) as Image
  delete img.dockerImageManifest
  delete img.dockerImageConfig
  delete img.apiVersion
  delete img.kind
  const metadata: Record<string, unknown> = {
    name: `${streamName}@${id}`,
    namespace,
    creationTimestamp: image.metadata.creationTimestamp ?? null,
  }
  if (stream.metadata.annotations !== undefined) metadata.annotations = stream.metadata.annotations
  return {
    type: 'object',
    code: 200,
    object: outputObject(info, { metadata, image: img }, ctx.deps.settings),
  }
}

/** The handlers of imagestreamimages (get only). */
export const imageStreamImageHandlers: ResourceHandlers = { verbs: { get } }
