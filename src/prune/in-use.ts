// Pull specs that a cluster's workloads use, read from Kubernetes lists (`kubectl get pods -A -o json`,
// `kubectl get deploy,sts,cronjob -A -o json`, …) for `--in-use-from`. The kinds and the pod rule are
// those of OpenShift's pruner (imageprune/prune.go analyzeReferencesFrom*).

/** Options of pullSpecsInUse. */
export type InUseOptions = {
  /** Now, in ms since the epoch. */
  readonly now: number
  /**
   * Pods that are neither Running nor Pending and older than this are ignored (OpenShift's rule: a
   * finished pod protects its image only while it is young).
   */
  readonly keepYoungerThanMs: number
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const objAt = (o: unknown, ...path: string[]): Obj | undefined => {
  let cur: unknown = o
  for (const p of path) cur = isObj(cur) ? cur[p] : undefined
  return isObj(cur) ? cur : undefined
}
const arrayAt = (o: unknown, key: string): unknown[] => {
  const v = isObj(o) ? o[key] : undefined
  return Array.isArray(v) ? v : []
}

// Where workload kinds keep their pod template; unknown kinds (CRDs such as Argo Rollouts) are tried
// at all of these.
const POD_SPEC_PATHS: readonly (readonly string[])[] = [
  ['spec', 'template', 'spec'],
  ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  ['template', 'spec'],
]

/**
 * Returns the pull specs a parsed Kubernetes document uses: a List (any `kind` with `items`) or a
 * single object. Pods give their containers', init containers' and ephemeral containers' images plus
 * the digests the kubelet resolved (`status.containerStatuses[].imageID`, which pins the image a pod
 * started from a tag actually runs); workloads (ReplicationController, ReplicaSet, Deployment,
 * DaemonSet, StatefulSet, Job, CronJob, DeploymentConfig, PodTemplate, and any kind with a pod
 * template) give their template's images; Builds and BuildConfigs their strategy's `from` when it is
 * a DockerImage or an ImageStreamImage. Duplicates are removed; order follows the document.
 */
export function pullSpecsInUse(doc: unknown, o: InUseOptions): string[] {
  const out = new Set<string>()
  visit(doc, o, out, 0)
  return [...out]
}

function visit(doc: unknown, o: InUseOptions, out: Set<string>, depth: number): void {
  // NB: Lists of Lists are legal; the depth bound only stops hostile nesting.
  if (!isObj(doc) || depth > 8) return
  if (Array.isArray(doc.items)) {
    for (const item of doc.items) visit(item, o, out, depth + 1)
    return
  }
  const kind = typeof doc.kind === 'string' ? doc.kind : ''
  if (kind === 'Pod') {
    if (isIgnoredPod(doc, o)) return
    addPodSpec(objAt(doc, 'spec'), out)
    const status = objAt(doc, 'status')
    for (const key of [
      'initContainerStatuses',
      'containerStatuses',
      'ephemeralContainerStatuses',
    ]) {
      for (const s of arrayAt(status, key)) {
        const spec = imageIdPullSpec(isObj(s) ? s.imageID : undefined)
        if (spec !== undefined) out.add(spec)
      }
    }
    return
  }
  if (kind === 'Build' || kind === 'BuildConfig') {
    addBuildFrom(doc, out)
    return
  }
  for (const path of POD_SPEC_PATHS) addPodSpec(objAt(doc, ...path), out)
}

function isIgnoredPod(pod: Obj, o: InUseOptions): boolean {
  const phase = objAt(pod, 'status')?.phase
  if (phase === 'Running' || phase === 'Pending') return false
  const created = Date.parse(String(objAt(pod, 'metadata')?.creationTimestamp ?? ''))
  // A pod without a creation time is kept: better a kept image than a broken restart.
  return !Number.isNaN(created) && created < o.now - o.keepYoungerThanMs
}

function addPodSpec(spec: Obj | undefined, out: Set<string>): void {
  if (spec === undefined) return
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of arrayAt(spec, key)) {
      const image = isObj(c) ? c.image : undefined
      if (typeof image === 'string' && image.trim() !== '') out.add(image.trim())
    }
  }
}

// The kubelet reports `docker-pullable://reg/ns/name@sha256:…` (dockershim), `reg/ns/name@sha256:…`
// (containerd, CRI-O) or a bare image id `sha256:…` (the config digest, not a manifest: useless here).
function imageIdPullSpec(imageID: unknown): string | undefined {
  if (typeof imageID !== 'string') return undefined
  const spec = imageID.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').trim()
  if (!spec.includes('@') || !spec.includes('/')) return undefined
  return spec
}

function addBuildFrom(build: Obj, out: Set<string>): void {
  const strategy = objAt(build, 'spec', 'strategy')
  if (strategy === undefined) return
  const namespace = String(objAt(build, 'metadata')?.namespace ?? '')
  for (const key of ['dockerStrategy', 'sourceStrategy', 'customStrategy']) {
    const from = objAt(strategy, key, 'from')
    const name = typeof from?.name === 'string' ? from.name.trim() : ''
    if (from === undefined || name === '') continue
    if (from.kind === 'DockerImage') out.add(name)
    else if (from.kind === 'ImageStreamImage' && name.includes('@')) {
      // `stream@sha256:…`: the digest is what protects, wherever it is pulled from.
      const ns =
        typeof from.namespace === 'string' && from.namespace !== '' ? from.namespace : namespace
      out.add(ns === '' ? name : `${ns}/${name}`)
    }
    // NB: ImageStreamTag sources name no registry, so they cannot be told apart from other hosts'
    // repositories here; they are not used (see docs/pruning.md).
  }
}
