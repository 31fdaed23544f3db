import { baseMediaType, MediaType } from '../oci/media-types.js'
import { RegistryError, RegistryErrorCode } from './errors.js'

// Content types that say nothing about the document (old registries, static file servers).
const GENERIC: ReadonlySet<string> = new Set([
  '',
  'application/json',
  'text/plain',
  'application/octet-stream',
  'binary/octet-stream',
])

/** Options of resolveManifestMediaType. */
export type ResolveManifestMediaTypeOptions = {
  readonly contentType: string | undefined
  readonly bytes: Uint8Array
  readonly method: string
  readonly url: URL
}

/**
 * Decides a fetched manifest's media type from Content-Type and the body, and refuses a body whose
 * `mediaType` contradicts a specific Content-Type (distribution-spec "Pulling manifests", the CVE-2021-41190
 * hardening; the deeper document checks are parseManifest's). A generic Content-Type (`application/json`,
 * none) defers to the body: its `mediaType`, else schemaVersion 1 ⇒ schema 1, else `manifests` ⇒ OCI index,
 * `config` ⇒ OCI manifest.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 */
export function resolveManifestMediaType(o: ResolveManifestMediaTypeOptions): string {
  const invalid = (message: string): RegistryError =>
    new RegistryError({
      code: RegistryErrorCode.InvalidResponse,
      message,
      method: o.method,
      url: o.url,
    })
  const contentType = baseMediaType(o.contentType)
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(o.bytes).toString('utf8'))
  } catch {
    throw invalid('manifest is not valid JSON')
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw invalid('manifest is not a JSON object')
  }
  const d = doc as Record<string, unknown>
  const declared = d.mediaType
  if (declared !== undefined && typeof declared !== 'string') {
    throw invalid('manifest mediaType is not a string')
  }
  if (!GENERIC.has(contentType)) {
    if (declared !== undefined && declared !== contentType) {
      throw invalid(
        `manifest mediaType ${JSON.stringify(declared)} does not match Content-Type ${JSON.stringify(contentType)}`
      )
    }
    return contentType
  }
  if (declared !== undefined && declared !== '') return declared
  if (d.schemaVersion === 1) {
    return Object.hasOwn(d, 'signatures') ? MediaType.DockerSchema1Signed : MediaType.DockerSchema1
  }
  if (Array.isArray(d.manifests)) return MediaType.OciIndex
  if (typeof d.config === 'object' && d.config !== null) return MediaType.OciManifest
  return contentType === '' ? 'application/octet-stream' : contentType
}

/** Reports whether a Content-Type says nothing about which manifest format a body is. */
export function isGenericContentType(contentType: string | undefined): boolean {
  return GENERIC.has(baseMediaType(contentType))
}
