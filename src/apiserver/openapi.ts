import { createHash } from 'node:crypto'
import { RESOURCES, type ResourceInfo } from '../api/scheme.js'
import { KUBERNETES_VERSION } from './discovery.js'
import {
  kindSchema,
  type OpenApiSchema,
  schemaName,
  tokenRequestSchema,
} from './openapi-schemas.js'

// OpenAPI v3 as kube-apiserver publishes it: /openapi/v3 lists one document per group/version, each with
// paths (whose operations carry x-kubernetes-group-version-kind and the fieldValidation parameter, which
// is how kubectl learns that the server validates fields itself) and component schemas (which kubectl
// uses to build strategic merge patches for `apply`).

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1'
const JSON_TYPES = ['application/json', 'application/yaml']
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
]

function ref(name: string): OpenApiSchema {
  return { $ref: `#/components/schemas/${name}` }
}

function content(types: readonly string[], schema: OpenApiSchema): OpenApiSchema {
  return Object.fromEntries(types.map((t) => [t, { schema }]))
}

function queryParam(name: string, description: string, type = 'string'): OpenApiSchema {
  return { name, in: 'query', description, schema: { type }, uniqueItems: true }
}

const WRITE_PARAMS = [
  queryParam(
    'dryRun',
    'When present, indicates that modifications should not be persisted. Valid value: All'
  ),
  queryParam(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.'
  ),
  queryParam(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn (default), Strict.'
  ),
]
const LIST_PARAMS = [
  queryParam(
    'continue',
    'The continue option should be set when retrieving more results from the server.'
  ),
  queryParam(
    'fieldSelector',
    'A selector to restrict the list of returned objects by their fields.'
  ),
  queryParam(
    'labelSelector',
    'A selector to restrict the list of returned objects by their labels.'
  ),
  queryParam(
    'limit',
    'limit is a maximum number of responses to return for a list call.',
    'integer'
  ),
  queryParam(
    'resourceVersion',
    'resourceVersion sets a constraint on what resource versions a request may be served from.'
  ),
  queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  queryParam('watch', 'Watch for changes to the described resources.', 'boolean'),
]

type Gvk = { group: string; version: string; kind: string }

function operation(
  id: string,
  action: string,
  gvk: Gvk,
  o: {
    params?: OpenApiSchema[]
    requestTypes?: readonly string[]
    request?: OpenApiSchema
    response: OpenApiSchema
  }
): OpenApiSchema {
  const op: OpenApiSchema = {
    operationId: id,
    parameters: o.params ?? [],
    responses: { '200': { description: 'OK', content: content(JSON_TYPES, o.response) } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  }
  if (o.request !== undefined) {
    op.requestBody = { required: true, content: content(o.requestTypes ?? JSON_TYPES, o.request) }
  }
  return op
}

function pathParams(names: readonly string[]): OpenApiSchema[] {
  return names.map((n) => ({
    name: n,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    uniqueItems: true,
  }))
}

function prefixOf(r: ResourceInfo): string {
  return r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`
}

function resourcePaths(r: ResourceInfo): Record<string, OpenApiSchema> {
  const gvk = { group: r.group, version: r.version, kind: r.kind }
  const self = ref(schemaName(r.group, r.version, r.kind))
  const list = ref(schemaName(r.group, r.version, r.listKind))
  const status = ref(`${META}.Status`)
  const base = r.namespaced
    ? `${prefixOf(r)}/namespaces/{namespace}/${r.plural}`
    : `${prefixOf(r)}/${r.plural}`
  const scopeParams = r.namespaced ? ['namespace'] : []
  const can = (v: string): boolean => r.verbs.includes(v)
  const paths: Record<string, OpenApiSchema> = {}
  const collection: OpenApiSchema = { parameters: pathParams(scopeParams) }
  if (can('list'))
    collection.get = operation(`list${r.kind}`, 'list', gvk, {
      params: LIST_PARAMS,
      response: list,
    })
  if (can('create')) {
    collection.post = operation(`create${r.kind}`, 'post', gvk, {
      params: WRITE_PARAMS,
      request: self,
      response: self,
    })
  }
  if (can('deletecollection')) {
    collection.delete = operation(`deletecollection${r.kind}`, 'deletecollection', gvk, {
      params: LIST_PARAMS,
      response: status,
    })
  }
  if (Object.keys(collection).length > 1) paths[base] = collection
  const item: OpenApiSchema = { parameters: pathParams([...scopeParams, 'name']) }
  if (can('get')) item.get = operation(`read${r.kind}`, 'get', gvk, { response: self })
  if (can('update'))
    item.put = operation(`replace${r.kind}`, 'put', gvk, {
      params: WRITE_PARAMS,
      request: self,
      response: self,
    })
  if (can('patch')) {
    item.patch = operation(`patch${r.kind}`, 'patch', gvk, {
      params: WRITE_PARAMS,
      requestTypes: PATCH_TYPES,
      request: ref(`${META}.Patch`),
      response: self,
    })
  }
  if (can('delete'))
    item.delete = operation(`delete${r.kind}`, 'delete', gvk, {
      params: [queryParam('dryRun', 'dry run')],
      response: status,
    })
  if (Object.keys(item).length > 1) paths[`${base}/{name}`] = item
  if (r.namespaced && can('list')) {
    paths[`${prefixOf(r)}/${r.plural}`] = {
      get: operation(`list${r.kind}ForAllNamespaces`, 'list', gvk, {
        params: LIST_PARAMS,
        response: list,
      }),
    }
  }
  if (r.plural === 'imagestreams') {
    paths[`${base}/{name}/status`] = {
      parameters: pathParams([...scopeParams, 'name']),
      get: operation(`read${r.kind}Status`, 'get', gvk, { response: self }),
      put: operation(`replace${r.kind}Status`, 'put', gvk, {
        params: WRITE_PARAMS,
        request: self,
        response: self,
      }),
      patch: operation(`patch${r.kind}Status`, 'patch', gvk, {
        params: WRITE_PARAMS,
        requestTypes: PATCH_TYPES,
        request: ref(`${META}.Patch`),
        response: self,
      }),
    }
  }
  if (r.plural === 'serviceaccounts') {
    const tokenGvk = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }
    const token = ref(schemaName('authentication.k8s.io', 'v1', 'TokenRequest'))
    paths[`${base}/{name}/token`] = {
      parameters: pathParams([...scopeParams, 'name']),
      post: operation('createServiceAccountToken', 'post', tokenGvk, {
        params: WRITE_PARAMS,
        request: token,
        response: token,
      }),
    }
  }
  return paths
}

function statusSchema(): OpenApiSchema {
  return {
    ...kindSchema({ group: '', version: 'v1' }, 'Status'),
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  }
}

// The documents are static: built once, on first use.
const documents = new Map<string, OpenApiSchema | undefined>()
let index: Record<string, unknown> | undefined

/** The OpenAPI v3 document of one group/version, or undefined when it is not served. */
export function openApiDocument(group: string, version: string): OpenApiSchema | undefined {
  const key = openApiPath(group, version)
  if (!documents.has(key)) documents.set(key, buildDocument(group, version))
  return documents.get(key)
}

function buildDocument(group: string, version: string): OpenApiSchema | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version)
  if (resources.length === 0) return undefined
  const schemas: Record<string, OpenApiSchema> = {
    [`${META}.Status`]: statusSchema(),
    [`${META}.Patch`]: {
      type: 'object',
      description:
        'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    },
  }
  let paths: Record<string, OpenApiSchema> = {}
  for (const r of resources) {
    schemas[schemaName(group, version, r.kind)] = kindSchema(r, r.kind)
    schemas[schemaName(group, version, r.listKind)] = kindSchema(r, r.listKind)
    paths = { ...paths, ...resourcePaths(r) }
    if (r.plural === 'serviceaccounts') {
      schemas[schemaName('authentication.k8s.io', 'v1', 'TokenRequest')] = tokenRequestSchema()
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
    paths,
    components: { schemas },
  }
}

/** The document path of a group/version in the index: `api/v1`, `apis/image.openshift.io/v1`. */
export function openApiPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`
}

/** A stable hash of a document (kubectl caches documents by it). */
export function documentHash(doc: OpenApiSchema): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase()
}

/** GET /openapi/v3: the index of the group/version documents. */
export function openApiIndex(): Record<string, unknown> {
  index ??= buildIndex()
  return index
}

function buildIndex(): Record<string, unknown> {
  const gvs = new Map<string, { group: string; version: string }>()
  for (const r of RESOURCES)
    gvs.set(openApiPath(r.group, r.version), { group: r.group, version: r.version })
  const paths: Record<string, { serverRelativeURL: string }> = {}
  for (const [path, gv] of gvs) {
    const doc = openApiDocument(gv.group, gv.version)
    if (doc === undefined) continue
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(doc)}` }
  }
  return { paths }
}
