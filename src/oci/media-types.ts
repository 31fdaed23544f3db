/** Media types of the OCI image spec and the Docker distribution formats. */
export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const
export type MediaType = (typeof MediaType)[keyof typeof MediaType]

/** Media types that name a list of platform manifests. */
export const INDEX_MEDIA_TYPES: readonly string[] = [
  MediaType.OciIndex,
  MediaType.DockerManifestList,
]

/** Media types that name a single image manifest (schema 1 included, read only). */
export const IMAGE_MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.OciManifest,
  MediaType.DockerManifest,
  MediaType.DockerSchema1,
  MediaType.DockerSchema1Signed,
]

/**
 * The Accept list sent on every manifest HEAD and GET: the same list on both, so that a HEAD's digest is the
 * digest of what a GET would serve (registry-protocol §1.5).
 */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaType.OciIndex,
  MediaType.DockerManifestList,
  MediaType.OciManifest,
  MediaType.DockerManifest,
  MediaType.DockerSchema1Signed,
  MediaType.DockerSchema1,
]

/** Strips parameters (`; charset=…`) and lower-cases a Content-Type value. */
export function baseMediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}
