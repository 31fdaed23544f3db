import type { Namespace, Secret, ServiceAccount } from '../../api/core/v1/types.js'
import { printTagsUpToWidth, streamRepository } from '../../api/image/v1/status-tags-column.js'
import type {
  Image,
  ImageStream,
  ImageStreamImage,
  ImageStreamTag,
} from '../../api/image/v1/types.js'
import type { ApiObject } from '../../api/meta.js'
import type { ResourceInfo } from '../../api/scheme.js'
import { ageSince, agoSince } from '../../shared/human-duration.js'
import { KUBECTL_TABLE_TABS, tabwrite } from '../tabwriter.js'

// The human tables of `get`, with the columns oc prints for image kinds (oc pkg/printers/image.go) and
// kubectl prints for core kinds; `wide` adds the priority-1 columns.

/** Options of a table. */
export type TableOptions = {
  readonly wide: boolean
  /** Prefix a NAMESPACE column (-A). */
  readonly withNamespace: boolean
  readonly now: number
}

type Column = {
  readonly header: string
  readonly wide?: boolean
  readonly cell: (obj: never, now: number) => string
}

const age = (o: ApiObject, now: number): string => ageSince(o.metadata?.creationTimestamp, now)

const COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  ImageStream: [
    { header: 'NAME', cell: (s: ImageStream) => s.metadata.name ?? '' },
    { header: 'IMAGE REPOSITORY', cell: (s: ImageStream) => streamRepository(s) },
    { header: 'TAGS', cell: (s: ImageStream) => printTagsUpToWidth(s.status?.tags ?? [], 40) },
    { header: 'UPDATED', cell: (s: ImageStream, now) => agoSince(latestUpdate(s), now) },
  ],
  ImageStreamTag: [
    { header: 'NAME', cell: (t: ImageStreamTag) => t.metadata.name ?? '' },
    { header: 'IMAGE REFERENCE', cell: (t: ImageStreamTag) => t.image?.dockerImageReference ?? '' },
    {
      header: 'UPDATED',
      cell: (t: ImageStreamTag, now) => agoSince(t.metadata.creationTimestamp, now),
    },
    { header: 'IMAGE NAME', wide: true, cell: (t: ImageStreamTag) => t.image?.metadata.name ?? '' },
  ],
  ImageStreamImage: [
    { header: 'NAME', cell: (i: ImageStreamImage) => i.metadata.name ?? '' },
    {
      header: 'UPDATED',
      cell: (i: ImageStreamImage, now) => agoSince(i.metadata.creationTimestamp, now),
    },
    {
      header: 'IMAGE REFERENCE',
      wide: true,
      cell: (i: ImageStreamImage) => i.image.dockerImageReference ?? '',
    },
    {
      header: 'IMAGE NAME',
      wide: true,
      cell: (i: ImageStreamImage) => i.image.metadata.name ?? '',
    },
  ],
  Image: [
    { header: 'NAME', cell: (i: Image) => i.metadata.name ?? '' },
    { header: 'IMAGE REFERENCE', cell: (i: Image) => i.dockerImageReference ?? '' },
  ],
  Namespace: [
    { header: 'NAME', cell: (n: Namespace) => n.metadata.name ?? '' },
    { header: 'STATUS', cell: (n: Namespace) => n.status?.phase ?? '' },
    { header: 'AGE', cell: (n: Namespace, now) => age(n, now) },
  ],
  Secret: [
    { header: 'NAME', cell: (s: Secret) => s.metadata.name ?? '' },
    { header: 'TYPE', cell: (s: Secret) => s.type ?? '' },
    {
      header: 'DATA',
      cell: (s: Secret) =>
        String(new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]).size),
    },
    { header: 'AGE', cell: (s: Secret, now) => age(s, now) },
  ],
  ServiceAccount: [
    { header: 'NAME', cell: (s: ServiceAccount) => s.metadata.name ?? '' },
    { header: 'SECRETS', cell: (s: ServiceAccount) => String((s.secrets ?? []).length) },
    { header: 'AGE', cell: (s: ServiceAccount, now) => age(s, now) },
  ],
}

const FALLBACK: readonly Column[] = [
  { header: 'NAME', cell: (o: ApiObject) => o.metadata?.name ?? '' },
  { header: 'AGE', cell: (o: ApiObject, now) => age(o, now) },
]

/** Renders objects of one kind as the human table of `get` (header line included). */
export function renderTable(
  info: ResourceInfo,
  objects: readonly ApiObject[],
  opts: TableOptions
): string {
  const columns = (COLUMNS[info.kind] ?? FALLBACK).filter((c) => opts.wide || c.wide !== true)
  const headers = columns.map((c) => c.header)
  if (opts.withNamespace) headers.unshift('NAMESPACE')
  const lines = [headers.join('\t')]
  for (const obj of objects) {
    const cells = columns.map((c) =>
      (c.cell as (o: ApiObject, now: number) => string)(obj, opts.now)
    )
    if (opts.withNamespace) cells.unshift(obj.metadata?.namespace ?? '')
    lines.push(cells.join('\t'))
  }
  return tabwrite(`${lines.join('\n')}\n`, KUBECTL_TABLE_TABS)
}

function latestUpdate(s: ImageStream): string | undefined {
  let latest: string | undefined
  let latestMs = Number.NEGATIVE_INFINITY
  for (const list of s.status?.tags ?? []) {
    const created = list.items?.[0]?.created
    const ms = created === null || created === undefined ? Number.NaN : Date.parse(created)
    if (!Number.isNaN(ms) && ms > latestMs) {
      latestMs = ms
      latest = created ?? undefined
    }
  }
  return latest
}
