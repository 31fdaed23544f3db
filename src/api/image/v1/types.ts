import type { LocalObjectReference, ObjectReference } from '../../core/v1/types.js'
import type { ObjectMeta, Status, Time } from '../../meta.js'

// The image.openshift.io/v1 kinds with the JSON field names of openshift/api image/v1/types.go and
// image/docker10/dockertypes.go. Fields Go always serialises (no omitempty) are still optional here because
// clients may omit them; pointers and metav1.Time accept null as Go writes it.

/** The API group of image objects. */
export const IMAGE_GROUP = 'image.openshift.io'
/** apiVersion of image objects. */
export const IMAGE_API_VERSION = 'image.openshift.io/v1'
/** The tag used when none is given (imagev1.DefaultImageTag). */
export const DEFAULT_IMAGE_TAG = 'latest'

/** How manifest lists are imported (TagImportPolicy.importMode). */
export const ImportMode = { Legacy: 'Legacy', PreserveOriginal: 'PreserveOriginal' } as const
/** A value of ImportMode. */
export type ImportMode = (typeof ImportMode)[keyof typeof ImportMode]

/** How pull specs of a tag are resolved (TagReferencePolicy.type). */
export const TagReferencePolicyType = { Source: 'Source', Local: 'Local' } as const
/** A value of TagReferencePolicyType. */
export type TagReferencePolicyType =
  (typeof TagReferencePolicyType)[keyof typeof TagReferencePolicyType]

/** The kinds a spec tag's `from` may name. */
export const TagFromKind = {
  DockerImage: 'DockerImage',
  ImageStreamTag: 'ImageStreamTag',
  ImageStreamImage: 'ImageStreamImage',
} as const
/** A value of TagFromKind. */
export type TagFromKind = (typeof TagFromKind)[keyof typeof TagFromKind]

/** The only TagEventCondition type. */
export const ImportSuccess = 'ImportSuccess'

/** Condition statuses (corev1.ConditionStatus). */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const
/** A value of ConditionStatus. */
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus]

/** Annotations of image objects (openshift/api image/v1/consts.go). */
export const ImageAnnotation = {
  Managed: 'openshift.io/image.managed',
  DockerRepositoryCheck: 'openshift.io/image.dockerRepositoryCheck',
  InsecureRepository: 'openshift.io/image.insecureRepository',
  ExcludeSecret: 'openshift.io/image.excludeSecret',
  DockerLayersOrder: 'image.openshift.io/dockerLayersOrder',
  PreferArch: 'importer.image.openshift.io/prefer-arch',
  PreferOS: 'importer.image.openshift.io/prefer-os',
  ManifestBlobStored: 'image.openshift.io/manifestBlobStored',
} as const

/** How short image references in the namespace resolve to this stream. */
export type ImageLookupPolicy = {
  local?: boolean
}

/** Controls how a tag is imported. */
export type TagImportPolicy = {
  insecure?: boolean
  scheduled?: boolean
  importMode?: string
}

/** Controls how pull specs for a tag are generated. */
export type TagReferencePolicy = {
  type?: string
}

/** A spec tag: what the tag should point to and how it is imported. */
export type TagReference = {
  name: string
  annotations?: Record<string, string> | null
  from?: ObjectReference | null
  reference?: boolean
  generation?: number | null
  importPolicy?: TagImportPolicy
  referencePolicy?: TagReferencePolicy
}

/** The desired state of a stream. */
export type ImageStreamSpec = {
  lookupPolicy?: ImageLookupPolicy
  /** Deprecated since OpenShift 3.7; a whole-repository import source. */
  dockerImageRepository?: string
  tags?: TagReference[] | null
}

/** One entry of a tag's history; the first item is the current image. */
export type TagEvent = {
  created: Time | null
  dockerImageReference: string
  image: string
  generation: number
  /** os/architecture strings of the image (newer OpenShift). */
  platforms?: string[] | null
}

/** A condition of a status tag; only ImportSuccess=False is recorded. */
export type TagEventCondition = {
  type: string
  status: string
  lastTransitionTime?: Time | null
  reason?: string
  message?: string
  generation: number
}

/** The history and conditions of one tag. */
export type NamedTagEventList = {
  tag: string
  items: TagEvent[] | null
  conditions?: TagEventCondition[] | null
}

/** The observed state of a stream. */
export type ImageStreamStatus = {
  dockerImageRepository?: string
  publicDockerImageRepository?: string
  tags?: NamedTagEventList[] | null
}

/** A set of tags mapping to images in registries, with their import history. */
export type ImageStream = {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  spec: ImageStreamSpec
  status?: ImageStreamStatus
}

/** Container configuration in image metadata (docker10.DockerConfig), capitalised as Docker's API. */
export type DockerConfig = {
  Hostname?: string
  Domainname?: string
  User?: string
  Memory?: number
  MemorySwap?: number
  CpuShares?: number
  Cpuset?: string
  AttachStdin?: boolean
  AttachStdout?: boolean
  AttachStderr?: boolean
  PortSpecs?: string[] | null
  ExposedPorts?: Record<string, Record<string, never>> | null
  Tty?: boolean
  OpenStdin?: boolean
  StdinOnce?: boolean
  Env?: string[] | null
  Cmd?: string[] | null
  Dns?: string[] | null
  Image?: string
  Volumes?: Record<string, Record<string, never>> | null
  VolumesFrom?: string
  WorkingDir?: string
  Entrypoint?: string[] | null
  NetworkDisabled?: boolean
  SecurityOpts?: string[] | null
  OnBuild?: string[] | null
  Labels?: Record<string, string> | null
}

/**
 * Image metadata (docker10.DockerImage) as stored in Image.dockerImageMetadata. OpenShift writes
 * `kind: DockerImage` and `apiVersion: image.openshift.io/1.0` into it. `Os` and `Variant` are not in
 * docker10; this project records them (the field is a RawExtension, so OpenShift clients ignore them).
 */
export type DockerImage = {
  kind?: string
  apiVersion?: string
  Id?: string
  Parent?: string
  Comment?: string
  Created?: Time | null
  Container?: string
  ContainerConfig?: DockerConfig
  DockerVersion?: string
  Author?: string
  Config?: DockerConfig | null
  Architecture?: string
  Os?: string
  Variant?: string
  Size?: number
}

/** A layer of an image. */
export type ImageLayer = {
  name: string
  size: number
  mediaType: string
}

/** A child manifest of a manifest list; `digest` names another Image. */
export type ImageManifest = {
  digest: string
  mediaType: string
  manifestSize: number
  architecture: string
  os: string
  variant?: string
}

/** A condition of an image signature. */
export type SignatureCondition = {
  type: string
  status: string
  lastProbeTime?: Time | null
  lastTransitionTime?: Time | null
  reason?: string
  message?: string
}

/** The issuer of a signing key. */
export type SignatureIssuer = {
  organization?: string
  commonName?: string
}

/** The subject of a signing key. */
export type SignatureSubject = SignatureIssuer & {
  publicKeyID: string
}

/** A signature of an image (ImageSignature, also a kind of its own in OpenShift). */
export type ImageSignature = {
  apiVersion?: string
  kind?: string
  metadata?: ObjectMeta
  type: string
  /** base64 */
  content: string
  conditions?: SignatureCondition[] | null
  imageIdentity?: string
  signedClaims?: Record<string, string> | null
  created?: Time | null
  issuedBy?: SignatureIssuer | null
  issuedTo?: SignatureSubject | null
}

/** An immutable image named by its manifest digest (cluster-scoped). */
export type Image = {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  dockerImageReference?: string
  dockerImageMetadata?: DockerImage
  dockerImageMetadataVersion?: string
  /** Raw manifest JSON; stripped when imported. */
  dockerImageManifest?: string
  dockerImageLayers?: ImageLayer[] | null
  signatures?: ImageSignature[] | null
  /** base64 blobs (schema 1 signatures). */
  dockerImageSignatures?: string[] | null
  dockerImageManifestMediaType?: string
  /** Raw config JSON; stripped when imported. */
  dockerImageConfig?: string
  dockerImageManifests?: ImageManifest[] | null
}

/** An image retrieved by tag from a stream; named `<stream>:<tag>`. */
export type ImageStreamTag = {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  tag: TagReference | null
  generation?: number
  lookupPolicy?: ImageLookupPolicy
  conditions?: TagEventCondition[] | null
  image?: Image
}

/** An image retrieved by digest from a stream; named `<stream>@<digest>`. */
export type ImageStreamImage = {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  image: Image
}

/** A request to import one image. */
export type ImageImportSpec = {
  from: ObjectReference
  to?: LocalObjectReference | null
  importPolicy?: TagImportPolicy
  referencePolicy?: TagReferencePolicy
  includeManifest?: boolean
}

/** A request to import a whole repository (up to a server limit of tags). */
export type RepositoryImportSpec = {
  from: ObjectReference
  importPolicy?: TagImportPolicy
  referencePolicy?: TagReferencePolicy
  includeManifest?: boolean
}

/** What to import. */
export type ImageStreamImportSpec = {
  import: boolean
  repository?: RepositoryImportSpec | null
  images?: ImageImportSpec[] | null
}

/** The result of importing one image. */
export type ImageImportStatus = {
  status: Status
  image?: Image | null
  tag?: string
  manifests?: Image[] | null
}

/** The result of a repository import. */
export type RepositoryImportStatus = {
  status?: Status
  images?: ImageImportStatus[] | null
  additionalTags?: string[] | null
}

/** The result of an import. */
export type ImageStreamImportStatus = {
  import?: ImageStream | null
  repository?: RepositoryImportStatus | null
  images?: ImageImportStatus[] | null
}

/** A create-only request to import images into the stream of the same name. */
export type ImageStreamImport = {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  spec: ImageStreamImportSpec
  status?: ImageStreamImportStatus
}
