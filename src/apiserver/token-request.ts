import { ApiError, notFoundError } from '../api/api-error.js'
import type { ServiceAccount } from '../api/core/v1/types.js'
import { formatFieldErrors, goQuote, invalid } from '../api/field-errors.js'
import { AppError, type FieldError, Reason } from '../shared/errors.js'
import { isJsonObject, readObjectBody } from './body.js'
import { parseWriteOptions } from './query-options.js'
import type { Handler } from './request-context.js'
import { rfc3339 } from './strategy.js'

// TokenRequest (authentication.k8s.io/v1), the serviceaccounts/token subresource that
// `kubectl create token SA` and `isctl create token SA` call.

/** apiVersion of TokenRequest. */
export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1'
/** Token lifetime when the request gives none (Kubernetes' default is one hour). */
export const DEFAULT_TOKEN_SECONDS = 3600
const MIN_TOKEN_SECONDS = 600
const MAX_TOKEN_SECONDS = 2 ** 32

function invalidTokenRequest(name: string, errs: FieldError[]): ApiError {
  return new ApiError(
    Reason.Invalid,
    `TokenRequest.authentication.k8s.io ${goQuote(name)} is invalid: ${formatFieldErrors(errs)}`,
    { group: 'authentication.k8s.io', kind: 'TokenRequest', name },
    { causes: errs }
  )
}

/** POST …/namespaces/{ns}/serviceaccounts/{name}/token: issues a token for the service account. */
export const createTokenRequest: Handler = async (ctx) => {
  const namespace = ctx.info.namespace ?? ''
  const name = ctx.info.name ?? ''
  const wo = parseWriteOptions(ctx.query)
  const body = await readObjectBody(ctx.request)
  if (body !== undefined && !isJsonObject(body)) {
    throw new AppError(
      Reason.BadRequest,
      'the object provided is unrecognized (must be of type TokenRequest)'
    )
  }
  const req = body ?? {}
  if (req.kind !== undefined && req.kind !== 'TokenRequest') {
    throw new AppError(Reason.BadRequest, `${String(req.kind)} is not a TokenRequest`)
  }
  const spec = isJsonObject(req.spec) ? req.spec : {}
  const given = spec.expirationSeconds
  let seconds = DEFAULT_TOKEN_SECONDS
  if (given !== undefined && given !== null) {
    if (typeof given !== 'number' || !Number.isInteger(given)) {
      throw new AppError(Reason.BadRequest, 'spec.expirationSeconds must be an integer')
    }
    const errs: FieldError[] = []
    if (given < MIN_TOKEN_SECONDS) {
      errs.push(
        invalid('spec.expirationSeconds', given, 'may not specify a duration less than 10 minutes')
      )
    } else if (given > MAX_TOKEN_SECONDS) {
      errs.push(
        invalid(
          'spec.expirationSeconds',
          given,
          'may not specify a duration larger than 2^32 seconds'
        )
      )
    }
    if (errs.length > 0) throw invalidTokenRequest(name, errs)
    seconds = given
  }
  const audiences = Array.isArray(spec.audiences)
    ? spec.audiences.filter((a): a is string => typeof a === 'string')
    : []
  const sa = await ctx.deps.store.get<ServiceAccount & { metadata: { name: string } }>({
    resource: 'serviceaccounts',
    namespace,
    name,
  })
  if (sa === undefined) throw notFoundError('ServiceAccount', name)
  const issued = wo.dryRun
    ? { token: '', expirationTimestamp: rfc3339(ctx.deps.clock.now() + seconds * 1000) }
    : ctx.deps.tokens.issue({
        namespace,
        serviceAccount: name,
        uid: sa.metadata.uid ?? '',
        expirationSeconds: seconds,
      })
  return {
    type: 'object',
    code: 201,
    object: {
      kind: 'TokenRequest',
      apiVersion: TOKEN_REQUEST_API_VERSION,
      metadata: { name, namespace, creationTimestamp: rfc3339(ctx.deps.clock.now()) },
      spec: { audiences, expirationSeconds: seconds, boundObjectRef: null },
      status: issued,
    },
  }
}
