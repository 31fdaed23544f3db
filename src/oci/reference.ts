import { AppError, Reason } from '../shared/errors.js'

/**
 * A Docker pull spec split the way OpenShift does (library-go `DockerImageReference`): `registry` is host[:port]
 * as written ('' when absent), `namespace` the first path component after the registry ('' when the path has one
 * component), `name` the rest (may contain '/'), `tag` '' when absent, `id` the digest ('' when absent).
 */
export type ImageReference = {
  readonly registry: string
  readonly namespace: string
  readonly name: string
  readonly tag: string
  readonly id: string
}

/** The registry name the Docker client assumes when a reference has none. */
export const DOCKER_DEFAULT_REGISTRY = 'docker.io'
/** The host that actually serves the Docker Hub Distribution API. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io'

const DOCKER_HUB_V1_HOST = 'index.docker.io'
const HUB_NAMESPACE = 'library'
const DEFAULT_TAG = 'latest'
const NAME_MAX_LENGTH = 255
// Longer than any valid reference (255 name + 128 tag + a sha512 digest); bounds regex work on hostile input.
const SPEC_MAX_LENGTH = 4096

// Grammar of distribution/reference (reference.go, regexp.go): lowercase path components joined by '/', an
// optional host[:port] prefix whose domain may be uppercase or a bracketed IPv6 address, ':' tag, '@' digest.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`
const NAME = `(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}'
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`)

// go-digest: the algorithms a reference may name, with the hex length each requires.
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 }
const GO_DIGEST_GRAMMAR = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/

/**
 * Parses a Docker pull spec (`[host[:port]/]path[:tag][@digest]`) like OpenShift's library-go `reference.Parse`.
 * The first path component is the registry when it contains '.' or ':', is `localhost`, or has uppercase letters
 * (distribution's normalize rule); a single component containing '.' or equal to `localhost` is a registry
 * alone (`quay.io`, `localhost:5000`). Throws AppError(Invalid) with distribution's messages.
 */
export function parseImageReference(spec: string): ImageReference {
  if (spec === '') throw invalid('repository name must have at least one component')
  if (spec.length > SPEC_MAX_LENGTH) throw invalid('invalid reference format')
  const m = REFERENCE.exec(spec)
  if (m === null) {
    const lower = spec.toLowerCase()
    if (lower !== spec && REFERENCE.test(lower)) {
      throw invalid('invalid reference format: repository name must be lowercase')
    }
    throw invalid('invalid reference format')
  }
  const fullName = m[1] ?? ''
  const tag = m[2] ?? ''
  const id = m[3] ?? ''
  // NB: the limit covers host and path together, as in library-go's vendored distribution.
  if (fullName.length > NAME_MAX_LENGTH) {
    throw invalid(`repository name must not be more than ${NAME_MAX_LENGTH} characters`)
  }
  if (id !== '') checkDigest(id)

  const slash = fullName.indexOf('/')
  if (slash === -1) {
    if (fullName.includes('.') || fullName === 'localhost') {
      // library-go would copy '@digest' into the registry; a host must never carry one.
      if (id !== '') throw invalid('invalid reference format')
      // The tag grammar swallowed the port: `localhost:5000` is a registry, not the repository localhost.
      return {
        registry: tag === '' ? fullName : `${fullName}:${tag}`,
        namespace: '',
        name: '',
        tag: '',
        id: '',
      }
    }
    return { registry: '', namespace: '', name: fullName, tag, id }
  }

  const first = fullName.slice(0, slash)
  const isRegistry =
    first.includes('.') ||
    first.includes(':') ||
    first === 'localhost' ||
    first !== first.toLowerCase()
  const registry = isRegistry ? first : ''
  const path = isRegistry ? fullName.slice(slash + 1) : fullName
  const i = path.indexOf('/')
  const namespace = i === -1 ? '' : path.slice(0, i)
  const name = i === -1 ? path : path.slice(i + 1)
  return { registry, namespace, name, tag, id }
}

// The checks of go-digest's Parse, in its order and with its messages.
function checkDigest(d: string): void {
  const i = d.indexOf(':')
  const algorithm = d.slice(0, i)
  const encoded = d.slice(i + 1)
  const length = DIGEST_HEX_LENGTH[algorithm]
  if (length === undefined) {
    if (!GO_DIGEST_GRAMMAR.test(d)) throw invalid('invalid checksum digest format')
    throw invalid('unsupported digest algorithm')
  }
  if (encoded.length !== length) throw invalid('invalid checksum digest length')
  if (!/^[a-f0-9]+$/.test(encoded)) throw invalid('invalid checksum digest format')
}

/** Reports whether id is a digest a reference can carry (go-digest: sha256, sha384 or sha512, lowercase hex). */
export function isReferenceDigest(id: string): boolean {
  const i = id.indexOf(':')
  if (i <= 0) return false
  const length = DIGEST_HEX_LENGTH[id.slice(0, i)]
  const encoded = id.slice(i + 1)
  return length !== undefined && encoded.length === length && /^[a-f0-9]+$/.test(encoded)
}

/** The repository path inside the registry: `namespace/name`, or `name` when there is no namespace. */
export function repositoryPath(ref: ImageReference): string {
  return ref.namespace === '' ? ref.name : `${ref.namespace}/${ref.name}`
}

/** Reports whether registry names Docker Hub (`docker.io`, `index.docker.io`, `registry-1.docker.io`). */
export function isDockerHub(registry: string): boolean {
  return (
    registry === DOCKER_DEFAULT_REGISTRY ||
    registry === DOCKER_HUB_V1_HOST ||
    registry === DOCKER_HUB_API_HOST
  )
}

/**
 * Applies the Docker client's defaults (library-go `DockerClientDefaults`): no registry ⇒ `docker.io`; Docker
 * Hub without a namespace ⇒ `library`; neither tag nor digest ⇒ tag `latest`.
 */
export function dockerClientDefaults(ref: ImageReference): ImageReference {
  const registry = ref.registry === '' ? DOCKER_DEFAULT_REGISTRY : ref.registry
  const namespace = ref.namespace === '' && isDockerHub(registry) ? HUB_NAMESPACE : ref.namespace
  const tag = ref.tag === '' && ref.id === '' ? DEFAULT_TAG : ref.tag
  return { ...ref, registry, namespace, tag }
}

/** The host that serves the Distribution API for registry (library-go `AsV2`): Docker Hub names map to `registry-1.docker.io`. */
export function registryApiHost(registry: string): string {
  if (registry === '' || registry === DOCKER_DEFAULT_REGISTRY || registry === DOCKER_HUB_V1_HOST) {
    return DOCKER_HUB_API_HOST
  }
  return registry
}

/**
 * The most specific form of ref (library-go `MostSpecific`): a digest id drops the tag; a non-digest id with no
 * tag becomes the tag (a v1 image id).
 */
export function mostSpecific(ref: ImageReference): ImageReference {
  if (ref.id === '') return ref
  if (isReferenceDigest(ref.id)) return { ...ref, tag: '' }
  if (ref.tag === '') return { ...ref, tag: ref.id, id: '' }
  return ref
}

/** Renders `registry/namespace/name[@id|:tag]` with no defaults added (library-go `Exact`). */
export function exactReference(ref: ImageReference): string {
  let prefix = ref.registry === '' ? '' : `${ref.registry}/`
  if (ref.namespace !== '') prefix += `${ref.namespace}/`
  const name = nameWithTagOrId(ref)
  // NB: a registry-only reference renders with a trailing '/', as library-go does.
  if (name === '') return ref.registry === '' ? '' : prefix
  return prefix + name
}

function nameWithTagOrId(ref: ImageReference): string {
  if (ref.name === '') return ''
  // An id that is not a digest is a v1 image id, pulled like a tag.
  if (ref.id !== '') return `${ref.name}${isReferenceDigest(ref.id) ? '@' : ':'}${ref.id}`
  if (ref.tag !== '') return `${ref.name}:${ref.tag}`
  return ref.name
}

/** Renders ref like library-go `String()`: as exactReference, but Docker Hub references get the `library` namespace. */
export function referenceString(ref: ImageReference): string {
  if (ref.namespace === '' && isDockerHub(ref.registry)) {
    return exactReference({ ...ref, namespace: HUB_NAMESPACE })
  }
  return exactReference(ref)
}

/**
 * The canonical repository name (distribution `ParseNormalizedNamed`, without tag or digest): `busybox` →
 * `docker.io/library/busybox`, `index.docker.io/x/y` → `docker.io/x/y`; other registries are kept as written.
 */
export function normalizedName(ref: ImageReference): string {
  const registry =
    ref.registry === '' || ref.registry === DOCKER_HUB_V1_HOST
      ? DOCKER_DEFAULT_REGISTRY
      : ref.registry
  const namespace =
    ref.namespace === '' && registry === DOCKER_DEFAULT_REGISTRY ? HUB_NAMESPACE : ref.namespace
  const path = repositoryPath({ ...ref, namespace })
  return path === '' ? registry : `${registry}/${path}`
}

function invalid(message: string): AppError {
  return new AppError(Reason.Invalid, message)
}
