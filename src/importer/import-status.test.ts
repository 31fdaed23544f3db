import { describe, expect, it } from 'vitest'
import { RegistryError } from '../registry-client/errors.js'
import { AppError } from '../shared/errors.js'
import {
  invalidNameStatus,
  notV2RegistryStatus,
  repositoryFailedStatus,
  statusForImportError,
} from './import-status.js'

const where = { ref: 'quay.io/team/app:v1', repositoryName: 'team/app', insecure: false }
const url = 'https://quay.io/v2/team/app/manifests/v1'

describe('statusForImportError (openshift-behaviour §2.10)', () => {
  it.each([
    {
      name: 'MANIFEST_UNKNOWN',
      err: new RegistryError({
        code: 'MANIFEST_UNKNOWN',
        message: 'manifest unknown',
        status: 404,
      }),
      want: {
        reason: 'NotFound',
        code: 404,
        message: 'dockerimage.image.openshift.io "quay.io/team/app:v1" not found',
      },
    },
    {
      name: 'NAME_UNKNOWN',
      err: new RegistryError({ code: 'NAME_UNKNOWN', message: 'repository unknown', status: 404 }),
      want: { reason: 'NotFound', code: 404 },
    },
    {
      name: 'a 404 without a body',
      err: new RegistryError({
        code: 'NOT_FOUND',
        message: 'unexpected status code 404',
        status: 404,
      }),
      want: { reason: 'NotFound' },
    },
    {
      name: 'UNAUTHORIZED',
      err: new RegistryError({
        code: 'UNAUTHORIZED',
        message: 'authentication required',
        status: 401,
      }),
      want: {
        reason: 'Unauthorized',
        code: 401,
        message: 'you may not have access to the container image "quay.io/team/app:v1"',
      },
    },
    {
      name: 'incorrect username or password',
      err: new RegistryError({
        code: 'UNAUTHORIZED',
        message: 'UNAUTHORIZED: incorrect username or password (credentials tried: secret x)',
        status: 401,
      }),
      want: {
        reason: 'Unauthorized',
        message: 'incorrect username or password for image "quay.io/team/app:v1"',
      },
    },
    {
      name: 'HTTP only',
      err: new RegistryError({ code: 'HTTP_ONLY', message: 'is HTTP only', reason: 'BadRequest' }),
      want: {
        reason: 'BadRequest',
        code: 400,
        message: 'the repository team/app is HTTP only and requires the insecure flag to import',
      },
    },
    {
      name: 'DENIED stays an InternalError, as in OpenShift',
      err: new RegistryError({
        code: 'DENIED',
        message: 'DENIED: requested access to the resource is denied',
        status: 403,
        method: 'GET',
        url,
      }),
      want: {
        reason: 'InternalError',
        code: 500,
        message: `Internal error occurred: quay.io/team/app:v1: GET ${url}: DENIED: requested access to the resource is denied`,
      },
    },
    {
      name: 'a 5xx',
      err: new RegistryError({
        code: 'UNAVAILABLE',
        message: 'unexpected status code 503',
        status: 503,
      }),
      want: { reason: 'InternalError' },
    },
    {
      name: 'an integrity error',
      err: new RegistryError({ code: 'DIGEST_MISMATCH', message: 'content integrity error: x' }),
      want: {
        reason: 'InternalError',
        message: 'Internal error occurred: quay.io/team/app:v1: content integrity error: x',
      },
    },
    {
      name: 'a 429 is TooManyRequests (beyond OpenShift)',
      err: new RegistryError({
        code: 'TOOMANYREQUESTS',
        message: 'TOOMANYREQUESTS: slow down',
        status: 429,
        retryAfterMs: 1500,
      }),
      want: {
        reason: 'TooManyRequests',
        code: 429,
        message:
          'the registry is rate limiting requests for "quay.io/team/app:v1" (retry after 2s): TOOMANYREQUESTS: slow down',
        details: { retryAfterSeconds: 2 },
      },
    },
    {
      name: 'a timeout is Timeout (beyond OpenShift)',
      err: new RegistryError({
        code: 'TIMEOUT',
        message: 'request timed out after 30000 ms',
        reason: 'Timeout',
      }),
      want: {
        reason: 'Timeout',
        code: 504,
        message: 'timed out importing "quay.io/team/app:v1": request timed out after 30000 ms',
      },
    },
    {
      name: 'a manifest parse error',
      err: new AppError('BadRequest', 'manifest invalid: document is not valid JSON'),
      want: {
        reason: 'InternalError',
        message:
          'Internal error occurred: quay.io/team/app:v1: manifest invalid: document is not valid JSON',
        details: {
          causes: [
            { message: 'quay.io/team/app:v1: manifest invalid: document is not valid JSON' },
          ],
        },
      },
    },
  ])('$name', ({ err, want }) => {
    expect(statusForImportError(err, where)).toMatchObject({
      metadata: {},
      status: 'Failure',
      ...want,
    })
  })

  it('HTTP only with the insecure flag is just an error', () => {
    const err = new RegistryError({ code: 'HTTP_ONLY', message: 'x', reason: 'BadRequest' })
    expect(statusForImportError(err, { ...where, insecure: true }).reason).toBe('InternalError')
  })
})

describe('status constructors', () => {
  it('renders an invalid name with the leading space OpenShift has', () => {
    expect(invalidNameStatus('Bad Name', 'invalid reference format')).toEqual({
      metadata: {},
      status: 'Failure',
      message:
        ' "" is invalid: from.name: Invalid value: "Bad Name": invalid name: invalid reference format',
      reason: 'Invalid',
      details: {
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "Bad Name": invalid name: invalid reference format',
            field: 'from.name',
          },
        ],
      },
      code: 422,
    })
  })

  it('NotV2Registry and ImportFailed', () => {
    expect(notV2RegistryStatus('example.com')).toMatchObject({
      reason: 'NotV2Registry',
      message:
        '.image.openshift.io "" is forbidden: registry "example.com" does not support the v2 Registry API',
    })
    expect(repositoryFailedStatus(1)).toEqual({
      metadata: {},
      status: 'Failure',
      reason: 'ImportFailed',
      message: 'one of the images from this repository failed to import',
    })
    expect(repositoryFailedStatus(3).message).toBe(
      '3 of the images from this repository failed to import'
    )
  })
})
