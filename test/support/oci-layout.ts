import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BuiltBlob, BuiltImage, BuiltIndex } from './image-builder.js'

/** Options of writeOciLayout. */
export type WriteOciLayoutOptions = {
  /** Directory to create the layout in (created if missing). */
  readonly dir: string
  /** Images and lists to store, each under a tag (`org.opencontainers.image.ref.name`). */
  readonly tagged: readonly { readonly tag: string; readonly content: BuiltImage | BuiltIndex }[]
}

/**
 * Writes an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) that skopeo and umoci can
 * read as `oci:DIR:TAG`. https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 */
export async function writeOciLayout(opts: WriteOciLayoutOptions): Promise<void> {
  const blobDir = join(opts.dir, 'blobs', 'sha256')
  await mkdir(blobDir, { recursive: true })
  const blobs = new Map<string, BuiltBlob>()
  const add = (b: BuiltBlob): void => {
    blobs.set(b.digest, b)
  }
  const manifests: unknown[] = []
  for (const { tag, content } of opts.tagged) {
    const root = 'index' in content ? content.index : content.manifest
    const images = 'index' in content ? content.children : [content]
    add(root)
    for (const image of images) {
      add(image.manifest)
      add(image.config)
      for (const layer of image.layers) add(layer)
    }
    manifests.push({
      mediaType: root.mediaType,
      digest: root.digest,
      size: root.size,
      annotations: { 'org.opencontainers.image.ref.name': tag },
    })
  }
  await Promise.all(
    [...blobs.values()].map((b) =>
      writeFile(join(blobDir, b.digest.slice('sha256:'.length)), b.bytes)
    )
  )
  await writeFile(join(opts.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  await writeFile(join(opts.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }))
}
