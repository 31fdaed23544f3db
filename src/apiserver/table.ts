import type { ApiObject, ListMeta } from '../api/meta.js'
import type { IncludeObject } from './negotiation.js'
import { rowConvertorFor, type TableColumnDefinition } from './table-columns.js'

// meta.k8s.io Table responses (server-side printing): kubectl prints their columns as they are.

/** One row: the cells and, depending on includeObject, the object or its metadata. */
export type TableRow = { cells: unknown[]; object?: unknown }

/** A meta.k8s.io/v1 (or v1beta1) Table. */
export type Table = {
  kind: 'Table'
  apiVersion: string
  metadata: ListMeta
  columnDefinitions: TableColumnDefinition[]
  rows: TableRow[]
}

/** Options of buildTable. */
export type BuildTableOptions = {
  /** The resource (plural) whose columns are used. */
  readonly plural: string
  /** Objects ready for output (kind and apiVersion set). */
  readonly items: readonly ApiObject[]
  readonly nowMs: number
  readonly includeObject: IncludeObject
  /** `v1` or `v1beta1` of meta.k8s.io, as the client asked. */
  readonly version: 'v1' | 'v1beta1'
  readonly listMeta?: ListMeta
}

function rowObject(obj: ApiObject, include: IncludeObject, version: string): unknown {
  if (include === 'Object') return obj
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: obj.metadata ?? {},
  }
}

/** Converts objects into a Table with the resource's columns. */
export function buildTable(o: BuildTableOptions): Table {
  const convertor = rowConvertorFor(o.plural)
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${o.version}`,
    metadata: o.listMeta ?? {},
    columnDefinitions: [...convertor.columns],
    rows: o.items.map((obj) => {
      const row: TableRow = { cells: convertor.cells(obj, o.nowMs) }
      if (o.includeObject !== 'None') row.object = rowObject(obj, o.includeObject, o.version)
      return row
    }),
  }
}
