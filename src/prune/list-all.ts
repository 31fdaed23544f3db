import type { Image, ImageStream } from '../api/image/v1/types.js'
import type { StorableObject, Store } from '../store/store.js'

// Large clusters have tens of thousands of Images: read them in pages of one consistent snapshot.
const PAGE = 1000

/** Every object of a resource and the store revision the listing shows. */
export type Listing<T> = {
  readonly items: T[]
  readonly resourceVersion: string
}

/** Lists every object of a resource (all namespaces) in pages of one snapshot. */
export async function listAll<T extends StorableObject>(
  store: Store,
  resource: string,
  signal: AbortSignal
): Promise<Listing<T>> {
  const items: T[] = []
  let token: string | undefined
  let resourceVersion = ''
  do {
    signal.throwIfAborted()
    const page = await store.list<T>({
      resource,
      limit: PAGE,
      ...(token === undefined ? {} : { continue: token }),
    })
    items.push(...page.items)
    if (resourceVersion === '') resourceVersion = page.resourceVersion
    token = page.continue
  } while (token !== undefined && token !== '')
  return { items, resourceVersion }
}

/** An ImageStream or Image as listed (named). */
export type NamedStream = ImageStream & { metadata: { name: string } }
/** An Image as listed (named by digest). */
export type NamedImage = Image & { metadata: { name: string } }

/** The state planning reads from the store. */
export type PruneState = {
  readonly streams: NamedStream[]
  readonly images: NamedImage[]
}

/**
 * Reads every stream, then every Image. NB: streams first: imports and pushes create their Images
 * before they write the stream, so any history item seen here has its Image in the later image list
 * and is not mistaken for one whose Image is gone.
 */
export async function loadPruneState(store: Store, signal: AbortSignal): Promise<PruneState> {
  const streams = await listAll<NamedStream>(store, 'imagestreams', signal)
  const images = await listAll<NamedImage>(store, 'images', signal)
  return { streams: streams.items, images: images.items }
}
