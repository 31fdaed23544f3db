import type { FieldSchema } from '../api/field-schema.js'
import { schemaForKind } from '../api/prune-unknown-fields.js'
import type { ResourceInfo } from '../api/scheme.js'
import { patchMetaFor } from './patch-meta.js'

// OpenAPI v3 component schemas of our kinds, generated from the field schemas the decoder uses, so the
// two cannot disagree. Nested objects are inlined. List fields with a patch strategy carry
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key: kubectl reads them (through the schema whose
// x-kubernetes-group-version-kind matches) to send strategic merge patches.

/** An OpenAPI schema object. */
export type OpenApiSchema = Record<string, unknown>

/** The component name of a kind: `com.github.openshift.api.image.v1.ImageStream`, `io.k8s.api.core.v1.Secret`. */
export function schemaName(group: string, version: string, kind: string): string {
  if (group === '') return `io.k8s.api.core.${version}.${kind}`
  if (group === 'image.openshift.io') return `com.github.openshift.api.image.${version}.${kind}`
  if (group === 'authentication.k8s.io') return `io.k8s.api.authentication.${version}.${kind}`
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`
}

function convert(kind: string, schema: FieldSchema, path: string): OpenApiSchema {
  switch (schema.type) {
    case 'string':
      return { type: 'string' }
    case 'integer':
      return { type: 'integer', format: 'int64' }
    case 'number':
      return { type: 'number', format: 'double' }
    case 'boolean':
      return { type: 'boolean' }
    case 'any':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }
    case 'map':
      return { type: 'object', additionalProperties: convert(kind, schema.values, path) }
    case 'array': {
      const out: OpenApiSchema = { type: 'array', items: convert(kind, schema.items, path) }
      const meta = patchMetaFor(kind, path)
      if (meta !== undefined) {
        out['x-kubernetes-patch-strategy'] = meta.strategy
        if (meta.mergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = meta.mergeKey
      }
      return out
    }
    case 'object': {
      const properties: Record<string, OpenApiSchema> = {}
      for (const [name, field] of Object.entries(schema.fields)) {
        properties[name] = convert(kind, field, path === '' ? name : `${path}.${name}`)
      }
      return { type: 'object', properties }
    }
  }
  return {}
}

/** The component schema of a kind (or `<Kind>List`), tagged with its group, version and kind. */
export function kindSchema(
  info: Pick<ResourceInfo, 'group' | 'version'>,
  kind: string
): OpenApiSchema {
  const field = schemaForKind(kind)
  if (field === undefined) throw new Error(`no schema for kind ${kind}`)
  return {
    ...convert(kind, field, ''),
    'x-kubernetes-group-version-kind': [{ group: info.group, kind, version: info.version }],
  }
}

/** The schema of authentication.k8s.io/v1 TokenRequest. */
export function tokenRequestSchema(): OpenApiSchema {
  const str = { type: 'string' }
  return {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      spec: {
        type: 'object',
        properties: {
          audiences: { type: 'array', items: str },
          expirationSeconds: { type: 'integer', format: 'int64' },
          boundObjectRef: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
      status: {
        type: 'object',
        properties: { token: str, expirationTimestamp: str },
      },
    },
    'x-kubernetes-group-version-kind': [
      { group: 'authentication.k8s.io', kind: 'TokenRequest', version: 'v1' },
    ],
  }
}
