import { AppError, Reason } from '../shared/errors.js'
import { type Digest, isDigest } from './digest.js'
import { baseMediaType, MediaType } from './media-types.js'

/** The platform of an index entry (OCI image-index `platform`). */
export type Platform = {
  readonly architecture: string
  readonly os: string
  readonly variant?: string
  readonly 'os.version'?: string
  readonly 'os.features'?: readonly string[]
}

/** An OCI content descriptor; the digest is strictly validated before it can reach a URL or a path. */
export type Descriptor = {
  readonly mediaType: string
  readonly digest: Digest
  readonly size: number
  readonly platform?: Platform
  readonly annotations?: Readonly<Record<string, string>>
  readonly urls?: readonly string[]
  readonly artifactType?: string
}

/** An OCI image index or a Docker manifest list. */
export type IndexManifest = {
  readonly kind: 'index'
  readonly mediaType: string
  readonly manifests: readonly Descriptor[]
  readonly annotations?: Readonly<Record<string, string>>
  readonly subject?: Descriptor
  readonly artifactType?: string
}

/** An OCI image manifest or a Docker v2 schema 2 manifest. */
export type ImageManifest = {
  readonly kind: 'image'
  readonly mediaType: string
  readonly config: Descriptor
  readonly layers: readonly Descriptor[]
  readonly annotations?: Readonly<Record<string, string>>
  readonly subject?: Descriptor
  readonly artifactType?: string
}

/** A Docker v2 schema 1 manifest (signed or not); layers and history are newest first, as served. */
export type Schema1Manifest = {
  readonly kind: 'schema1'
  readonly mediaType: string
  readonly name: string
  readonly tag: string
  readonly architecture: string
  readonly fsLayers: readonly Digest[]
  /** The `v1Compatibility` JSON strings. */
  readonly history: readonly string[]
}

/** A parsed manifest document, by kind. */
export type ParsedManifest = IndexManifest | ImageManifest | Schema1Manifest

type Kind = ParsedManifest['kind']
type Json = Record<string, unknown>

const KIND_BY_MEDIA_TYPE: Readonly<Record<string, Kind>> = {
  [MediaType.OciManifest]: 'image',
  [MediaType.DockerManifest]: 'image',
  [MediaType.OciIndex]: 'index',
  [MediaType.DockerManifestList]: 'index',
  [MediaType.DockerSchema1]: 'schema1',
  [MediaType.DockerSchema1Signed]: 'schema1',
}
// Distribution refuses Docker documents whose body does not name their type; OCI made the field optional.
const BODY_TYPE_REQUIRED: ReadonlySet<string> = new Set([
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
])
// The fields that tell the document kinds apart (containers/image validateUnambiguousManifestFormat).
const ALLOWED_FIELDS: Readonly<Record<Kind, readonly string[]>> = {
  image: ['config', 'layers'],
  index: ['manifests'],
  schema1: ['fsLayers', 'history'],
}
const KIND_FIELDS = ['config', 'layers', 'manifests', 'fsLayers', 'history'] as const
// Go's encoding/json matches field names case-insensitively, so `Manifests` would be read as `manifests` there.
const CASE_SENSITIVE_FIELDS: ReadonlyMap<string, string> = new Map(
  [...KIND_FIELDS, 'mediaType', 'schemaVersion', 'subject'].map((f) => [f.toLowerCase(), f])
)
// image-spec defs-descriptor.json mediaType pattern.
const MEDIA_TYPE_GRAMMAR =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/

/**
 * Parses a manifest as served with the given Content-Type. The base media type of the Content-Type chooses the
 * parser; when it is missing, `application/json` or unknown, the body's `mediaType` decides (or `schemaVersion: 1`
 * for schema 1, or the kind fields of an OCI document without `mediaType`). Throws AppError(BadRequest,
 * 'manifest invalid: …') for non-JSON, a wrong schemaVersion, a body `mediaType` that contradicts the
 * Content-Type, ambiguous documents (CVE-2021-41190), malformed descriptors (digest, size, mediaType) and a
 * missing config.
 */
export function parseManifest(bytes: Uint8Array, contentType: string): ParsedManifest {
  const doc = decodeDocument(bytes)
  checkFieldCase(doc)
  const mediaType = resolveMediaType(doc, baseMediaType(contentType))
  const kind = KIND_BY_MEDIA_TYPE[mediaType] as Kind
  checkUnambiguous(doc, kind)
  checkSchemaVersion(doc, kind === 'schema1' ? 1 : 2, mediaType)
  switch (kind) {
    case 'index':
      return parseIndex(doc, mediaType)
    case 'image':
      return parseImage(doc, mediaType)
    case 'schema1':
      return parseSchema1(doc, mediaType)
  }
}

function decodeDocument(bytes: Uint8Array): Json {
  let value: unknown
  try {
    // Keep a BOM so that JSON.parse refuses it, as Go's decoder does.
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes))
  } catch (cause) {
    throw invalid('document is not valid JSON', cause)
  }
  if (!isObject(value)) throw invalid('document is not a JSON object')
  return value
}

function checkFieldCase(doc: Json): void {
  for (const key of Object.keys(doc)) {
    const canonical = CASE_SENSITIVE_FIELDS.get(key.toLowerCase())
    if (canonical !== undefined && canonical !== key) {
      throw invalid(`field ${quote(key)} must be spelled ${quote(canonical)}`)
    }
  }
}

function resolveMediaType(doc: Json, declared: string): string {
  const body = doc.mediaType
  if (body !== undefined && typeof body !== 'string') throw invalid('mediaType must be a string')
  const declaredKind = KIND_BY_MEDIA_TYPE[declared]
  if (declaredKind !== undefined) {
    if (body === undefined) {
      if (BODY_TYPE_REQUIRED.has(declared)) {
        throw invalid(`mediaType in the document should be ${quote(declared)}, not empty`)
      }
    } else if (
      body !== declared &&
      !(declaredKind === 'schema1' && KIND_BY_MEDIA_TYPE[body] === 'schema1')
    ) {
      throw invalid(
        `mediaType ${quote(body)} in the document does not match content type ${quote(declared)}`
      )
    }
    return declared
  }
  // No usable Content-Type: the document has to say what it is.
  if (body !== undefined) {
    if (KIND_BY_MEDIA_TYPE[body] === undefined)
      throw invalid(`unsupported manifest media type ${quote(body)}`)
    return body
  }
  if (doc.schemaVersion === 1) {
    return Object.hasOwn(doc, 'signatures')
      ? MediaType.DockerSchema1Signed
      : MediaType.DockerSchema1
  }
  if (doc.schemaVersion === 2) {
    if (Object.hasOwn(doc, 'manifests')) return MediaType.OciIndex
    if (Object.hasOwn(doc, 'config')) return MediaType.OciManifest
  }
  const what = declared === '' ? 'no content type' : `content type ${quote(declared)}`
  throw invalid(`cannot tell the manifest type: ${what} and no mediaType in the document`)
}

function checkUnambiguous(doc: Json, kind: Kind): void {
  const present = KIND_FIELDS.filter((f) => Object.hasOwn(doc, f))
  if (present.includes('manifests') && (present.includes('config') || present.includes('layers'))) {
    throw invalid('ambiguous document: manifests together with config or layers')
  }
  const unexpected = present.find((f) => !ALLOWED_FIELDS[kind].includes(f))
  if (unexpected === undefined) return
  if (kind === 'index')
    throw invalid(`expected index but found manifest field ${quote(unexpected)}`)
  if (kind === 'image' && unexpected === 'manifests') {
    throw invalid(`expected manifest but found index field ${quote(unexpected)}`)
  }
  throw invalid(`unexpected field ${quote(unexpected)} in a ${kind} manifest`)
}

function checkSchemaVersion(doc: Json, want: number, mediaType: string): void {
  const got = doc.schemaVersion
  if (got === want) return
  if (got === undefined) throw invalid(`missing schemaVersion, want ${want} for ${mediaType}`)
  const shown =
    typeof got === 'number' ? String(got) : typeof got === 'string' ? quote(got) : typeof got
  throw invalid(`schemaVersion ${shown} is not ${want} for ${mediaType}`)
}

function parseIndex(doc: Json, mediaType: string): IndexManifest {
  const manifests = doc.manifests
  if (!Array.isArray(manifests)) throw invalid('manifests must be an array')
  return {
    kind: 'index',
    mediaType,
    manifests: manifests.map((m, i) => parseDescriptor(m, `manifests[${i}]`)),
    ...commonFields(doc),
  }
}

function parseImage(doc: Json, mediaType: string): ImageManifest {
  if (doc.config === undefined || doc.config === null) throw invalid('missing config')
  const layers = doc.layers ?? []
  if (!Array.isArray(layers)) throw invalid('layers must be an array')
  return {
    kind: 'image',
    mediaType,
    config: parseDescriptor(doc.config, 'config'),
    layers: layers.map((l, i) => parseDescriptor(l, `layers[${i}]`)),
    ...commonFields(doc),
  }
}

function commonFields(doc: Json): {
  annotations?: Readonly<Record<string, string>>
  subject?: Descriptor
  artifactType?: string
} {
  const annotations = optionalAnnotations(doc.annotations, 'annotations')
  const artifactType = optionalMediaType(doc.artifactType, 'artifactType')
  return {
    ...(annotations === undefined ? {} : { annotations }),
    ...(doc.subject === undefined || doc.subject === null
      ? {}
      : { subject: parseDescriptor(doc.subject, 'subject') }),
    ...(artifactType === undefined ? {} : { artifactType }),
  }
}

function parseSchema1(doc: Json, mediaType: string): Schema1Manifest {
  const { fsLayers, history } = doc
  if (!Array.isArray(fsLayers)) throw invalid('fsLayers must be an array')
  if (!Array.isArray(history)) throw invalid('history must be an array')
  if (fsLayers.length !== history.length)
    throw invalid('length of history not equal to number of layers')
  return {
    kind: 'schema1',
    mediaType,
    name: optionalString(doc.name, 'name') ?? '',
    tag: optionalString(doc.tag, 'tag') ?? '',
    architecture: optionalString(doc.architecture, 'architecture') ?? '',
    fsLayers: fsLayers.map((l: unknown, i) => {
      const at = `fsLayers[${i}]`
      if (!isObject(l)) throw invalid(`${at} must be an object`)
      return digestField(l.blobSum, `${at}.blobSum`)
    }),
    history: history.map((h: unknown, i) => {
      const at = `history[${i}]`
      if (!isObject(h) || typeof h.v1Compatibility !== 'string') {
        throw invalid(`${at}.v1Compatibility must be a string`)
      }
      return h.v1Compatibility
    }),
  }
}

function parseDescriptor(value: unknown, at: string): Descriptor {
  if (!isObject(value)) throw invalid(`${at} must be an object`)
  const mediaType = optionalMediaType(value.mediaType, `${at}.mediaType`)
  if (mediaType === undefined) throw invalid(`${at}.mediaType is required`)
  const digest = digestField(value.digest, `${at}.digest`)
  const size = value.size
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(`${at}.size must be a non-negative integer`)
  }
  const platform = value.platform ?? undefined
  const annotations = optionalAnnotations(value.annotations, `${at}.annotations`)
  const urls = optionalStrings(value.urls, `${at}.urls`)
  const artifactType = optionalMediaType(value.artifactType, `${at}.artifactType`)
  return {
    mediaType,
    digest,
    size,
    ...(platform === undefined ? {} : { platform: parsePlatformField(platform, `${at}.platform`) }),
    ...(annotations === undefined ? {} : { annotations }),
    ...(urls === undefined ? {} : { urls }),
    ...(artifactType === undefined ? {} : { artifactType }),
  }
}

function parsePlatformField(value: unknown, at: string): Platform {
  if (!isObject(value)) throw invalid(`${at} must be an object`)
  const variant = optionalString(value.variant, `${at}.variant`)
  const osVersion = optionalString(value['os.version'], `${at}.os.version`)
  const osFeatures = optionalStrings(value['os.features'], `${at}.os.features`)
  return {
    // Tolerated when absent: a list entry without a platform part still selects as "first entry".
    architecture: optionalString(value.architecture, `${at}.architecture`) ?? '',
    os: optionalString(value.os, `${at}.os`) ?? '',
    ...(variant === undefined || variant === '' ? {} : { variant }),
    ...(osVersion === undefined || osVersion === '' ? {} : { 'os.version': osVersion }),
    ...(osFeatures === undefined ? {} : { 'os.features': osFeatures }),
  }
}

function digestField(value: unknown, at: string): Digest {
  if (typeof value !== 'string' || !isDigest(value)) {
    throw invalid(
      `${at} ${typeof value === 'string' ? quote(value) : 'value'} is not a valid digest`
    )
  }
  return value
}

function optionalString(value: unknown, at: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(`${at} must be a string`)
  return value
}

function optionalMediaType(value: unknown, at: string): string | undefined {
  const s = optionalString(value, at)
  if (s !== undefined && !MEDIA_TYPE_GRAMMAR.test(s))
    throw invalid(`${at} ${quote(s)} is not a media type`)
  return s
}

function optionalStrings(value: unknown, at: string): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalid(`${at} must be an array of strings`)
  }
  return value
}

function optionalAnnotations(
  value: unknown,
  at: string
): Readonly<Record<string, string>> | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid(`${at} must map strings to strings`)
  }
  return value as Record<string, string>
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Bounded and escaped: values come from a remote document and end up in logs and API status messages.
function quote(s: string): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s)
}

function invalid(detail: string, cause?: unknown): AppError {
  return new AppError(
    Reason.BadRequest,
    `manifest invalid: ${detail}`,
    cause === undefined ? {} : { cause }
  )
}
