import { describe, expect, it } from 'vitest'
import { AppError, Reason } from '../shared/errors.js'
import {
  alreadyExistsError,
  conflictError,
  invalidError,
  notFoundError,
  OPTIMISTIC_LOCK_DETAIL,
} from './api-error.js'
import { invalid, required } from './field-errors.js'
import { INTERNAL_ERROR_MESSAGE, statusFromError } from './status.js'

const IMPORT_MODE = "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'"

describe('invalidError', () => {
  it('words one error as Kubernetes does', () => {
    const err = invalidError('ImageStream', 'name', [
      invalid('spec.tags[0].importPolicy.importMode', 'X', IMPORT_MODE),
    ])
    expect(err.reason).toBe(Reason.Invalid)
    expect(err.message).toBe(
      `ImageStream.image.openshift.io "name" is invalid: spec.tags[0].importPolicy.importMode: Invalid value: "X": ${IMPORT_MODE}`
    )
  })

  it('brackets several errors and names core kinds without a group', () => {
    const err = invalidError('Secret', 'pull', [
      required('data[.dockerconfigjson]'),
      required('metadata.namespace'),
    ])
    expect(err.message).toBe(
      'Secret "pull" is invalid: [data[.dockerconfigjson]: Required value, metadata.namespace: Required value]'
    )
  })

  it('rejects kinds outside the scheme', () => {
    expect(() => invalidError('Pod', 'x', [])).toThrow(/unknown kind/)
  })
})

describe('statusFromError', () => {
  it('renders an Invalid error with details and causes', () => {
    const err = invalidError('ImageStream', 'web', [
      invalid('spec.tags[0].importPolicy.importMode', 'X', IMPORT_MODE),
      required('spec.tags[1].from.name'),
    ])
    expect(statusFromError(err)).toStrictEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: err.message,
      reason: 'Invalid',
      details: {
        name: 'web',
        group: 'image.openshift.io',
        kind: 'ImageStream',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "X": ${IMPORT_MODE}`,
            field: 'spec.tags[0].importPolicy.importMode',
          },
          {
            reason: 'FieldValueRequired',
            message: 'Required value',
            field: 'spec.tags[1].from.name',
          },
        ],
      },
      code: 422,
    })
  })

  it.each([
    [
      notFoundError('ImageStream', 'x'),
      404,
      'imagestreams.image.openshift.io "x" not found',
      'imagestreams',
    ],
    [alreadyExistsError('Secret', 's'), 409, 'secrets "s" already exists', 'secrets'],
    [
      conflictError('ImageStream', 'x', OPTIMISTIC_LOCK_DETAIL),
      409,
      `Operation cannot be fulfilled on imagestreams.image.openshift.io "x": ${OPTIMISTIC_LOCK_DETAIL}`,
      'imagestreams',
    ],
  ])('renders %s', (err, code, message, kind) => {
    const status = statusFromError(err)
    expect(status).toMatchObject({ code, message, details: { name: err.subject.name, kind } })
  })

  it('renders a plain AppError without details', () => {
    expect(statusFromError(new AppError(Reason.Forbidden, 'no'))).toStrictEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'no',
      reason: 'Forbidden',
      code: 403,
    })
  })

  it('hides the message of unexpected errors', () => {
    expect(statusFromError(new Error('secret path /x'))).toMatchObject({
      reason: 'InternalError',
      code: 500,
      message: INTERNAL_ERROR_MESSAGE,
    })
  })
})
