import type { Namespace, Secret, ServiceAccount } from '../api/core/v1/types.js'
import {
  createdOf,
  printTagsUpToWidth,
  streamRepository,
} from '../api/image/v1/status-tags-column.js'
import type { Image, ImageStream, ImageStreamImage, ImageStreamTag } from '../api/image/v1/types.js'
import type { ApiObject } from '../api/meta.js'
import { ageSince, agoSince } from '../shared/human-duration.js'

// The columns `oc get` / `kubectl get` show for each kind, as the servers' printers define them
// (openshift-apiserver pkg/image/printers/internalversion/printers.go; kubernetes pkg/printers/internalversion
// for secrets, service accounts and namespaces). Cells of priority-1 columns are always produced; kubectl
// shows them with `-o wide`.

/** A column of a meta.k8s.io Table. */
export type TableColumnDefinition = {
  readonly name: string
  readonly type: string
  readonly format: string
  readonly description: string
  readonly priority: number
}

/** How the objects of one resource become table rows. */
export type RowConvertor = {
  readonly columns: readonly TableColumnDefinition[]
  cells(obj: ApiObject, nowMs: number): unknown[]
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'
const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.'

function column(
  name: string,
  description: string,
  o: { type?: string; format?: string; priority?: number } = {}
): TableColumnDefinition {
  return {
    name,
    type: o.type ?? 'string',
    format: o.format ?? '',
    description,
    priority: o.priority ?? 0,
  }
}

const nameColumn = column('Name', NAME_DESCRIPTION, { format: 'name' })
const ageColumn = column('Age', AGE_DESCRIPTION, { type: 'date' })

const imageStreams: RowConvertor = {
  columns: [
    nameColumn,
    column(
      'Image Repository',
      'DockerImageRepository represents the effective location this stream may be accessed at. May be empty until the server determines where the repository is located'
    ),
    column('Tags', 'Human readable list of tags.'),
    column('Updated', 'Last update time.'),
  ],
  cells(obj, now) {
    const stream = obj as ImageStream
    let latest = 0
    let latestText = ''
    for (const list of stream.status?.tags ?? []) {
      const t = createdOf(list)
      if (t > latest) {
        latest = t
        latestText = list.items?.[0]?.created ?? ''
      }
    }
    return [
      stream.metadata?.name ?? '',
      streamRepository(stream),
      printTagsUpToWidth(stream.status?.tags ?? [], 40),
      latest > 0 ? agoSince(latestText, now) : '',
    ]
  },
}

const imageStreamTags: RowConvertor = {
  columns: [
    nameColumn,
    column(
      'Image Reference',
      'DockerImageReference is the string that can be used to pull this image.'
    ),
    column('Updated', 'Last update time.'),
    column('Image Name', 'image associated with the ImageStream and tag.', { priority: 1 }),
  ],
  cells(obj, now) {
    const istag = obj as ImageStreamTag
    return [
      istag.metadata?.name ?? '',
      istag.image?.dockerImageReference ?? '',
      agoSince(istag.metadata?.creationTimestamp, now),
      istag.image?.metadata?.name ?? '',
    ]
  },
}

const imageStreamImages: RowConvertor = {
  columns: [
    nameColumn,
    column('Updated', 'Last update time.'),
    column(
      'Image Reference',
      'DockerImageReference is the string that can be used to pull this image.',
      { priority: 1 }
    ),
    column('Image Name', 'Image associated with the ImageStream and image name.', { priority: 1 }),
  ],
  cells(obj, now) {
    const isimage = obj as ImageStreamImage
    return [
      isimage.metadata?.name ?? '',
      agoSince(isimage.metadata?.creationTimestamp, now),
      isimage.image?.dockerImageReference ?? '',
      isimage.image?.metadata?.name ?? '',
    ]
  },
}

const images: RowConvertor = {
  columns: [
    nameColumn,
    column(
      'Image Reference',
      'DockerImageReference is the string that can be used to pull this image.'
    ),
  ],
  cells(obj) {
    const image = obj as Image
    return [image.metadata?.name ?? '', image.dockerImageReference ?? '']
  },
}

const secrets: RowConvertor = {
  columns: [
    nameColumn,
    column('Type', 'The type of the secret'),
    column('Data', 'The number of entries in the data map', { type: 'integer' }),
    ageColumn,
  ],
  cells(obj, now) {
    const secret = obj as Secret
    return [
      secret.metadata?.name ?? '',
      secret.type ?? '',
      Object.keys(secret.data ?? {}).length,
      ageSince(secret.metadata?.creationTimestamp, now),
    ]
  },
}

const serviceAccounts: RowConvertor = {
  columns: [
    nameColumn,
    column(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      { type: 'integer' }
    ),
    ageColumn,
  ],
  cells(obj, now) {
    const sa = obj as ServiceAccount
    return [
      sa.metadata?.name ?? '',
      (sa.secrets ?? []).length,
      ageSince(sa.metadata?.creationTimestamp, now),
    ]
  },
}

const namespaces: RowConvertor = {
  columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  cells(obj, now) {
    const ns = obj as Namespace
    return [
      ns.metadata?.name ?? '',
      ns.status?.phase ?? '',
      ageSince(ns.metadata?.creationTimestamp, now),
    ]
  },
}

// The API server's default for kinds without a printer.
const defaultColumns: RowConvertor = {
  columns: [nameColumn, column('Created At', AGE_DESCRIPTION, { type: 'date' })],
  cells(obj) {
    return [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? '']
  },
}

const BY_RESOURCE: Readonly<Record<string, RowConvertor>> = {
  imagestreams: imageStreams,
  imagestreamtags: imageStreamTags,
  imagestreamimages: imageStreamImages,
  images,
  secrets,
  serviceaccounts: serviceAccounts,
  namespaces,
}

/** The row convertor of a resource (by plural); kinds without one get Name and Created At. */
export function rowConvertorFor(plural: string): RowConvertor {
  return BY_RESOURCE[plural] ?? defaultColumns
}
