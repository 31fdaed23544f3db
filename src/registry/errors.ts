/**
 * Error codes of the distribution spec, plus `UNKNOWN` for our own 500s (as distribution writes them).
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes
 */
export const OciErrorCode = {
  BlobUnknown: 'BLOB_UNKNOWN',
  BlobUploadInvalid: 'BLOB_UPLOAD_INVALID',
  BlobUploadUnknown: 'BLOB_UPLOAD_UNKNOWN',
  DigestInvalid: 'DIGEST_INVALID',
  ManifestBlobUnknown: 'MANIFEST_BLOB_UNKNOWN',
  ManifestInvalid: 'MANIFEST_INVALID',
  ManifestUnknown: 'MANIFEST_UNKNOWN',
  NameInvalid: 'NAME_INVALID',
  NameUnknown: 'NAME_UNKNOWN',
  SizeInvalid: 'SIZE_INVALID',
  Unauthorized: 'UNAUTHORIZED',
  Denied: 'DENIED',
  Unsupported: 'UNSUPPORTED',
  TooManyRequests: 'TOOMANYREQUESTS',
  PaginationNumberInvalid: 'PAGINATION_NUMBER_INVALID',
  Unavailable: 'UNAVAILABLE',
  Unknown: 'UNKNOWN',
} as const
/** One of the codes above. */
export type OciErrorCode = (typeof OciErrorCode)[keyof typeof OciErrorCode]

/** Fields of an OciError. */
export type OciErrorInit = {
  readonly status: number
  readonly code: OciErrorCode
  readonly message: string
  readonly detail?: unknown
  /** Extra response headers (WWW-Authenticate, Range, Retry-After). */
  readonly headers?: Readonly<Record<string, string>>
  readonly cause?: unknown
}

/**
 * OciError is what every `/v2` handler throws: the HTTP status, a spec error code, a message and an optional
 * detail, rendered as `{"errors":[{code,message,detail}]}` by the app's one onError (ggcr `regError`).
 */
export class OciError extends Error {
  override readonly name: string = 'OciError'
  readonly status: number
  readonly code: OciErrorCode
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(init: OciErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.status = init.status
    this.code = init.code
    this.detail = init.detail
    this.headers = init.headers ?? {}
  }
}

/** Reports whether err is an OciError (by its fields, not the class). */
export function isOciError(err: unknown): err is OciError {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { name?: unknown; code?: unknown; status?: unknown }
  return e.name === 'OciError' && typeof e.code === 'string' && typeof e.status === 'number'
}

/** The JSON body of an error response. */
export function ociErrorBody(err: OciError): string {
  const entry: Record<string, unknown> = { code: err.code, message: err.message }
  if (err.detail !== undefined) entry.detail = err.detail
  return JSON.stringify({ errors: [entry] })
}

// Prebuilt errors, as ggcr's regErrBlobUnknown and friends.

/** 404 BLOB_UNKNOWN. */
export const blobUnknown = (digest: string): OciError =>
  new OciError({
    status: 404,
    code: OciErrorCode.BlobUnknown,
    message: 'blob unknown to registry',
    detail: { digest },
  })

/** 404 MANIFEST_UNKNOWN. */
export const manifestUnknown = (reference: string, message = 'manifest unknown'): OciError =>
  new OciError({
    status: 404,
    code: OciErrorCode.ManifestUnknown,
    message,
    detail: { reference },
  })

/** 404 NAME_UNKNOWN. */
export const nameUnknown = (name: string): OciError =>
  new OciError({
    status: 404,
    code: OciErrorCode.NameUnknown,
    message: 'repository name not known to registry',
    detail: { name },
  })

/** 400 NAME_INVALID. */
export const nameInvalid = (message: string): OciError =>
  new OciError({ status: 400, code: OciErrorCode.NameInvalid, message })

/** 400 DIGEST_INVALID. */
export const digestInvalid = (message: string, detail?: unknown): OciError =>
  new OciError({
    status: 400,
    code: OciErrorCode.DigestInvalid,
    message,
    ...(detail === undefined ? {} : { detail }),
  })

/** 400 MANIFEST_INVALID (413 for a body over the limit). */
export const manifestInvalid = (message: string, status = 400): OciError =>
  new OciError({ status, code: OciErrorCode.ManifestInvalid, message })

/** 404 BLOB_UPLOAD_UNKNOWN. */
export const uploadUnknown = (): OciError =>
  new OciError({
    status: 404,
    code: OciErrorCode.BlobUploadUnknown,
    message: 'blob upload unknown to registry',
  })

/** 405 UNSUPPORTED. */
export const unsupported = (message = 'the operation is unsupported'): OciError =>
  new OciError({ status: 405, code: OciErrorCode.Unsupported, message })
