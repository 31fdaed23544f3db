import { invalidError } from '../api/api-error.js'
import { validateImage } from '../api/image/v1/image-validation.js'
import type { Image, ImageImportStatus, ImageStreamImport } from '../api/image/v1/types.js'
import { isAppError, Reason } from '../shared/errors.js'
import type { Store } from '../store/store.js'
import { imageForStorage, selectionAnnotations } from './image-objects.js'

/**
 * Creates the Image objects of a successful import (the image-creation half of OpenShift's
 * importSuccessful): for the repository images and every spec.images entry with a `to`, the children of a
 * list first, then the image itself. An Image that already exists is reused as it is (images are immutable
 * and named by digest); each is created at most once per request. The status images are replaced by the
 * stored objects. Any other failure fails the whole request (OpenShift returns it before writing the
 * stream); Images created so far stay, as they do there.
 */
export async function persistImages(store: Store, isi: ImageStreamImport): Promise<void> {
  const done = new Map<string, Image>()
  const persist = async (image: Image): Promise<Image> => {
    const name = image.metadata.name ?? ''
    const seen = done.get(name)
    if (seen !== undefined) return seen
    const stored = imageForStorage(image)
    const errs = validateImage(stored)
    if (errs.length > 0) throw invalidError('Image', name, errs)
    let result: Image
    try {
      result = await store.create('images', stored as Image & { metadata: { name: string } })
    } catch (err) {
      if (!isAppError(err, Reason.AlreadyExists)) throw err
      result = image
    }
    done.set(name, result)
    return result
  }
  const persistStatus = async (status: ImageImportStatus): Promise<void> => {
    const image = status.image
    if (status.status.status !== 'Success' || image === undefined || image === null) return
    for (const child of status.manifests ?? []) await persist(child)
    const stored = await persist(image)
    // Report this request's pull spec and platform choice on the stored object.
    status.image = {
      ...stored,
      metadata: {
        ...stored.metadata,
        annotations: { ...(stored.metadata.annotations ?? {}), ...selectionAnnotations(image) },
      },
      dockerImageReference: image.dockerImageReference ?? '',
    }
  }
  for (const status of isi.status?.repository?.images ?? []) await persistStatus(status)
  const statuses = isi.status?.images ?? []
  for (const [i, spec] of (isi.spec.images ?? []).entries()) {
    const status = statuses[i]
    if ((spec.to?.name ?? '') === '' || status === undefined) continue
    await persistStatus(status)
  }
}
