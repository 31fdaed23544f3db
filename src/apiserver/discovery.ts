import { apiVersionOf, RESOURCES, type ResourceInfo } from '../api/scheme.js'

// Discovery documents (k8s.io/apimachinery metav1 APIVersions, APIGroupList, APIResourceList) and
// /version. kubectl first asks for aggregated discovery (apidiscovery.k8s.io/v2); answering the plain
// documents with Content-Type application/json makes it fall back to them, as it does for older servers.

/** The Kubernetes version this API reports (kubectl checks version skew against it). */
export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0' } as const

/** GET /version. */
export function versionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: `${KUBERNETES_VERSION.gitVersion}+imagestreams`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'node',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  }
}

/** GET /api. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  }
}

/** The API groups other than core, with their versions. */
export function apiGroups(): { name: string; versions: string[] }[] {
  const groups = new Map<string, Set<string>>()
  for (const r of RESOURCES) {
    if (r.group === '') continue
    const versions = groups.get(r.group) ?? new Set<string>()
    versions.add(r.version)
    groups.set(r.group, versions)
  }
  return [...groups].map(([name, versions]) => ({ name, versions: [...versions] }))
}

/** GET /apis. */
export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map((g) => {
      const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }))
      return { name: g.name, versions, preferredVersion: versions[0] }
    }),
  }
}

/** Reports whether group/version is served. */
export function servesGroupVersion(group: string, version: string): boolean {
  return RESOURCES.some((r) => r.group === group && r.version === version)
}

function resourceEntry(r: ResourceInfo): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: [...r.verbs],
  }
  if (r.shortNames.length > 0) entry.shortNames = [...r.shortNames]
  return entry
}

/** GET /api/v1 or /apis/<group>/<version>: resources with short names, verbs and subresources. */
export function apiResourceList(group: string, version: string): Record<string, unknown> {
  const resources: Record<string, unknown>[] = []
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    resources.push(resourceEntry(r))
    if (r.plural === 'imagestreams') {
      resources.push({
        name: 'imagestreams/status',
        singularName: '',
        namespaced: true,
        kind: r.kind,
        verbs: ['get', 'patch', 'update'],
      })
    }
    if (r.plural === 'serviceaccounts') {
      resources.push({
        name: 'serviceaccounts/token',
        singularName: '',
        namespaced: true,
        group: 'authentication.k8s.io',
        version: 'v1',
        kind: 'TokenRequest',
        verbs: ['create'],
      })
    }
  }
  const first = RESOURCES.find((x) => x.group === group && x.version === version)
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: first === undefined ? `${group}/${version}` : apiVersionOf(first),
    resources,
  }
}
