import type {
  LocalObjectReference,
  Namespace,
  NamespaceCondition,
  ObjectReference,
  Secret,
  ServiceAccount,
} from './core/v1/types.js'
import { anyValue, arrayOf, bool, type FieldSchema, int, mapOf, obj, str } from './field-schema.js'
import type {
  Image,
  ImageImportSpec,
  ImageImportStatus,
  ImageLayer,
  ImageLookupPolicy,
  ImageManifest,
  ImageSignature,
  ImageStream,
  ImageStreamImage,
  ImageStreamImport,
  ImageStreamImportSpec,
  ImageStreamImportStatus,
  ImageStreamSpec,
  ImageStreamStatus,
  ImageStreamTag,
  NamedTagEventList,
  RepositoryImportSpec,
  RepositoryImportStatus,
  SignatureCondition,
  SignatureIssuer,
  SignatureSubject,
  TagEvent,
  TagEventCondition,
  TagImportPolicy,
  TagReference,
  TagReferencePolicy,
} from './image/v1/types.js'
import type {
  ListMeta,
  ObjectMeta,
  OwnerReference,
  Status,
  StatusCause,
  StatusDetails,
} from './meta.js'

// The field schema of every kind, written against the TypeScript types (obj<T> checks the field lists).

const stringMap = mapOf(str)

const ownerReference = obj<OwnerReference>({
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: bool,
  blockOwnerDeletion: bool,
})

/** Schema of metav1.ObjectMeta; managedFields are kept opaque. */
export const objectMetaSchema = obj<ObjectMeta>({
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: str,
  deletionTimestamp: str,
  deletionGracePeriodSeconds: int,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: arrayOf(ownerReference),
  finalizers: arrayOf(str),
  managedFields: arrayOf(anyValue),
})

/** Schema of metav1.ListMeta. */
export const listMetaSchema = obj<ListMeta>({
  selfLink: str,
  resourceVersion: str,
  continue: str,
  remainingItemCount: int,
})

const statusSchema = obj<Status>({
  apiVersion: str,
  kind: str,
  metadata: listMetaSchema,
  status: str,
  message: str,
  reason: str,
  details: obj<StatusDetails>({
    name: str,
    group: str,
    kind: str,
    uid: str,
    causes: arrayOf(obj<StatusCause>({ reason: str, message: str, field: str })),
    retryAfterSeconds: int,
  }),
  code: int,
})

const objectReference = obj<ObjectReference>({
  kind: str,
  namespace: str,
  name: str,
  uid: str,
  apiVersion: str,
  resourceVersion: str,
  fieldPath: str,
})

const localObjectReference = obj<LocalObjectReference>({ name: str })

const importPolicy = obj<TagImportPolicy>({ insecure: bool, scheduled: bool, importMode: str })
const referencePolicy = obj<TagReferencePolicy>({ type: str })

const tagReference = obj<TagReference>({
  name: str,
  annotations: stringMap,
  from: objectReference,
  reference: bool,
  generation: int,
  importPolicy,
  referencePolicy,
})

const tagEventCondition = obj<TagEventCondition>({
  type: str,
  status: str,
  lastTransitionTime: str,
  reason: str,
  message: str,
  generation: int,
})

const lookupPolicy = obj<ImageLookupPolicy>({ local: bool })

const imageStreamSchema = obj<ImageStream>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  spec: obj<ImageStreamSpec>({
    lookupPolicy,
    dockerImageRepository: str,
    tags: arrayOf(tagReference),
  }),
  status: obj<ImageStreamStatus>({
    dockerImageRepository: str,
    publicDockerImageRepository: str,
    tags: arrayOf(
      obj<NamedTagEventList>({
        tag: str,
        items: arrayOf(
          obj<TagEvent>({
            created: str,
            dockerImageReference: str,
            image: str,
            generation: int,
            platforms: arrayOf(str),
          })
        ),
        conditions: arrayOf(tagEventCondition),
      })
    ),
  }),
})

const signatureIssuer = obj<SignatureIssuer>({ organization: str, commonName: str })

const imageSignature = obj<ImageSignature>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  type: str,
  content: str,
  conditions: arrayOf(
    obj<SignatureCondition>({
      type: str,
      status: str,
      lastProbeTime: str,
      lastTransitionTime: str,
      reason: str,
      message: str,
    })
  ),
  imageIdentity: str,
  signedClaims: stringMap,
  created: str,
  issuedBy: signatureIssuer,
  issuedTo: obj<SignatureSubject>({ organization: str, commonName: str, publicKeyID: str }),
})

const imageSchema = obj<Image>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  dockerImageReference: str,
  // RawExtension with x-kubernetes-preserve-unknown-fields: kept whole.
  dockerImageMetadata: anyValue,
  dockerImageMetadataVersion: str,
  dockerImageManifest: str,
  dockerImageLayers: arrayOf(obj<ImageLayer>({ name: str, size: int, mediaType: str })),
  signatures: arrayOf(imageSignature),
  dockerImageSignatures: arrayOf(str),
  dockerImageManifestMediaType: str,
  dockerImageConfig: str,
  dockerImageManifests: arrayOf(
    obj<ImageManifest>({
      digest: str,
      mediaType: str,
      manifestSize: int,
      architecture: str,
      os: str,
      variant: str,
    })
  ),
})

const imageStreamTagSchema = obj<ImageStreamTag>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  tag: tagReference,
  generation: int,
  lookupPolicy,
  conditions: arrayOf(tagEventCondition),
  image: imageSchema,
})

const imageStreamImageSchema = obj<ImageStreamImage>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  image: imageSchema,
})

const imageImportStatus = obj<ImageImportStatus>({
  status: statusSchema,
  image: imageSchema,
  tag: str,
  manifests: arrayOf(imageSchema),
})

const imageStreamImportSchema = obj<ImageStreamImport>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  spec: obj<ImageStreamImportSpec>({
    import: bool,
    repository: obj<RepositoryImportSpec>({
      from: objectReference,
      importPolicy,
      referencePolicy,
      includeManifest: bool,
    }),
    images: arrayOf(
      obj<ImageImportSpec>({
        from: objectReference,
        to: localObjectReference,
        importPolicy,
        referencePolicy,
        includeManifest: bool,
      })
    ),
  }),
  status: obj<ImageStreamImportStatus>({
    import: imageStreamSchema,
    repository: obj<RepositoryImportStatus>({
      status: statusSchema,
      images: arrayOf(imageImportStatus),
      additionalTags: arrayOf(str),
    }),
    images: arrayOf(imageImportStatus),
  }),
})

const namespaceSchema = obj<Namespace>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  spec: { type: 'object', fields: { finalizers: arrayOf(str) } },
  status: {
    type: 'object',
    fields: {
      phase: str,
      conditions: arrayOf(
        obj<NamespaceCondition>({
          type: str,
          status: str,
          lastTransitionTime: str,
          reason: str,
          message: str,
        })
      ),
    },
  },
})

const secretSchema = obj<Secret>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  immutable: bool,
  data: stringMap,
  stringData: stringMap,
  type: str,
})

const serviceAccountSchema = obj<ServiceAccount>({
  apiVersion: str,
  kind: str,
  metadata: objectMetaSchema,
  secrets: arrayOf(objectReference),
  imagePullSecrets: arrayOf(localObjectReference),
  automountServiceAccountToken: bool,
})

/** The schema of each kind served, by kind. */
export const OBJECT_SCHEMAS: Readonly<Record<string, FieldSchema>> = {
  ImageStream: imageStreamSchema,
  ImageStreamTag: imageStreamTagSchema,
  ImageStreamImage: imageStreamImageSchema,
  ImageStreamImport: imageStreamImportSchema,
  Image: imageSchema,
  Namespace: namespaceSchema,
  Secret: secretSchema,
  ServiceAccount: serviceAccountSchema,
  Status: statusSchema,
}
