// The one table of kinds this API serves: group/version, resource names and verbs as OpenShift's and
// Kubernetes' discovery documents list them (kubectl resolves `is`, `istag`, `isimage` from here).

/** One API resource: how a kind is named in URLs, discovery and kubectl. */
export type ResourceInfo = {
  /** API group; '' for core/v1. */
  readonly group: string
  readonly version: string
  readonly kind: string
  readonly listKind: string
  /** Resource name in URLs, e.g. `imagestreams`. */
  readonly plural: string
  readonly singular: string
  readonly shortNames: readonly string[]
  readonly namespaced: boolean
  readonly verbs: readonly string[]
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
]
const IMAGE = 'image.openshift.io'

function resource(
  group: string,
  kind: string,
  plural: string,
  opts: { shortNames?: string[]; namespaced: boolean; verbs?: string[] }
): ResourceInfo {
  return {
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    shortNames: opts.shortNames ?? [],
    namespaced: opts.namespaced,
    verbs: opts.verbs ?? ALL_VERBS,
  }
}

/** Every resource of the API, image.openshift.io first. */
export const RESOURCES: readonly ResourceInfo[] = [
  resource(IMAGE, 'ImageStream', 'imagestreams', { shortNames: ['is'], namespaced: true }),
  resource(IMAGE, 'ImageStreamTag', 'imagestreamtags', {
    shortNames: ['istag'],
    namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  }),
  resource(IMAGE, 'ImageStreamImage', 'imagestreamimages', {
    shortNames: ['isimage'],
    namespaced: true,
    verbs: ['get'],
  }),
  resource(IMAGE, 'ImageStreamImport', 'imagestreamimports', {
    namespaced: true,
    verbs: ['create'],
  }),
  resource(IMAGE, 'Image', 'images', { namespaced: false }),
  resource('', 'Namespace', 'namespaces', {
    shortNames: ['ns'],
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  resource('', 'Secret', 'secrets', { namespaced: true }),
  resource('', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'], namespaced: true }),
]

/** The apiVersion of a resource: `image.openshift.io/v1` or `v1`. */
export function apiVersionOf(info: ResourceInfo): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`
}

/** The qualified kind used in Invalid messages: `ImageStream.image.openshift.io`, or `Secret`. */
export function qualifiedKind(info: ResourceInfo): string {
  return info.group === '' ? info.kind : `${info.kind}.${info.group}`
}

/** The qualified resource used in NotFound messages: `imagestreams.image.openshift.io`, or `secrets`. */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group === '' ? info.plural : `${info.plural}.${info.group}`
}

/** Finds a resource by its kind (`ImageStream`), exactly. */
export function resourceForKind(kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.kind === kind)
}

/** Finds a resource by its URL name (`imagestreams`), exactly. */
export function resourceForPlural(plural: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.plural === plural)
}

/** Finds a resource by a short name (`is`, `istag`, `isimage`, `sa`, `ns`). */
export function resourceForShortName(shortName: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.shortNames.includes(shortName))
}

/**
 * Resolves what a user typed after `get`, as kubectl does: plural, singular, short name or kind (any case),
 * optionally qualified by group (`imagestreams.image.openshift.io`).
 */
export function resolveResource(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase()
  const dot = lower.indexOf('.')
  const base = dot < 0 ? lower : lower.slice(0, dot)
  const group = dot < 0 ? undefined : lower.slice(dot + 1)
  return RESOURCES.find(
    (r) =>
      (group === undefined || r.group === group) &&
      (r.plural === base ||
        r.singular === base ||
        r.kind.toLowerCase() === base ||
        r.shortNames.includes(base))
  )
}
