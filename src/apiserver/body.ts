import { parse as parseYaml } from 'yaml'
import { AppError, Reason } from '../shared/errors.js'
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf.js'
import { requestEntityTooLarge, unsupportedMediaType } from './status-error.js'

// Request bodies: JSON or YAML documents, as kube-apiserver reads them, capped in size.

/** Largest request body read (kube-apiserver's default limit is 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024

/** The media type of a Content-Type header, lower-cased and without parameters. */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml'])
const JSON_TYPES = new Set(['application/json', ''])

/** Reads the raw body, refusing bodies over MAX_BODY_BYTES. */
export async function readBodyBytes(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > MAX_BODY_BYTES) throw requestEntityTooLarge(MAX_BODY_BYTES)
  const bytes = new Uint8Array(await request.arrayBuffer())
  if (bytes.length > MAX_BODY_BYTES) throw requestEntityTooLarge(MAX_BODY_BYTES)
  return bytes
}

/** Reads the body as UTF-8 text, refusing bodies over MAX_BODY_BYTES. */
export async function readBodyText(request: Request): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request))
}

/** Parses JSON text; BadRequest with Kubernetes' wording when it is malformed. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new AppError(
      Reason.BadRequest,
      `couldn't get version/kind; json parse error: ${(err as Error).message}`,
      { cause: err }
    )
  }
}

/** Parses one YAML document; BadRequest when it is malformed. */
export function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text)
  } catch (err) {
    throw new AppError(
      Reason.BadRequest,
      `error converting YAML to JSON: yaml: ${(err as Error).message}`,
      { cause: err }
    )
  }
}

/**
 * Reads an object body (create, update, TokenRequest, DeleteOptions) in JSON, YAML or, for the built-in
 * kinds kubectl sends that way, Kubernetes protobuf. An empty body is undefined. Other media types are
 * 415 UnsupportedMediaType.
 */
export async function readObjectBody(request: Request): Promise<unknown> {
  const type = mediaTypeOf(request.headers.get('content-type'))
  if (type === PROTOBUF_MEDIA_TYPE) {
    const bytes = await readBodyBytes(request)
    return bytes.length === 0 ? undefined : decodeProtobufObject(bytes)
  }
  if (!JSON_TYPES.has(type) && !YAML_TYPES.has(type)) {
    throw unsupportedMediaType(type, ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE])
  }
  const text = await readBodyText(request)
  if (text.trim() === '') return undefined
  return YAML_TYPES.has(type) ? parseYamlBody(text) : parseJsonBody(text)
}

/** Reports whether a value is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
