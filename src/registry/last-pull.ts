import type { Image } from '../api/image/v1/types.js'
import { formatTime } from '../importer/image-objects.js'
import type { Digest } from '../oci/digest.js'
import type { Clock } from '../shared/clock.js'
import { isAppError, Reason } from '../shared/errors.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'

/**
 * The Image annotation holding when a client last pulled the image's manifest through this registry (RFC
 * 3339, minute precision at best). The pruner reads it to keep recently used images; our own pull-through
 * fetches from upstreams are not pulls and never set it.
 */
export const LAST_PULLED_ANNOTATION = 'imagestreams.io/last-pulled'

/** When a client last pulled an image (milliseconds since the epoch), from its annotation; for the pruner. */
export function lastPulledAt(image: Image): number | undefined {
  const at = Date.parse(image.metadata.annotations?.[LAST_PULLED_ANNOTATION] ?? '')
  return Number.isNaN(at) ? undefined : at
}

/** Writes are at most this frequent per image, so a busy image costs one store write a minute. */
export const LAST_PULL_RESOLUTION_MS = 60_000

/**
 * LastPullRecorder records manifest pulls as the LAST_PULLED_ANNOTATION of the pulled Image: at most one
 * write per image per minute (remembered in memory; after a restart the stored value is compared first), in
 * the background so a pull never waits for it. Digests without an Image (a child of a list imported in
 * Legacy mode) are skipped.
 */
export class LastPullRecorder {
  readonly #store: Store
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #written = new Map<Digest, number>()
  readonly #pending = new Set<Promise<void>>()

  constructor(o: { store: Store; clock: Clock; logger: Logger }) {
    this.#store = o.store
    this.#clock = o.clock
    this.#logger = o.logger
  }

  /** Notes a pull of the manifest with this digest. */
  record(digest: Digest): void {
    const now = this.#clock.now()
    const last = this.#written.get(digest)
    if (last !== undefined && now - last < LAST_PULL_RESOLUTION_MS) return
    this.#written.set(digest, now)
    const p = this.#write(digest, now).finally(() => this.#pending.delete(p))
    this.#pending.add(p)
  }

  /** Waits for the writes in progress (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending])
  }

  async #write(digest: Digest, now: number): Promise<void> {
    try {
      await this.#store.guaranteedUpdate<Image & { metadata: { name: string } }>(
        { resource: 'images', name: digest },
        (image) => {
          const previous = lastPulledAt(image)
          if (previous !== undefined && now - previous < LAST_PULL_RESOLUTION_MS) return undefined
          image.metadata.annotations = {
            ...(image.metadata.annotations ?? {}),
            [LAST_PULLED_ANNOTATION]: formatTime(now),
          }
          return image
        }
      )
    } catch (err) {
      if (isAppError(err, Reason.NotFound)) return
      this.#logger.warn('could not record the last pull of an image', {
        digest,
        error: err instanceof Error ? err.message : String(err),
      })
    }
  }
}
