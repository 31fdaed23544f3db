import { describe, expect, it } from 'vitest'
import { isAppError } from '../shared/errors.js'
import { DEFAULT_PRUNE_OPTIONS, parseImagePruneOptions } from './prune-options.js'

describe('parseImagePruneOptions', () => {
  it('defaults to oc defaults: a dry run keeping 3 revisions and 60 minutes', () => {
    expect(parseImagePruneOptions(undefined)).toEqual(DEFAULT_PRUNE_OPTIONS)
    expect(parseImagePruneOptions({})).toEqual(DEFAULT_PRUNE_OPTIONS)
    expect(DEFAULT_PRUNE_OPTIONS).toMatchObject({
      confirm: false,
      keepTagRevisions: 3,
      keepYoungerThanMs: 3_600_000,
      all: true,
      pruneRegistry: true,
    })
  })

  it('takes every option', () => {
    expect(
      parseImagePruneOptions({
        confirm: true,
        keepTagRevisions: 2,
        keepYoungerThanMs: 0,
        all: false,
        pruneRegistry: false,
        namespace: 'team',
        inUse: ['a/b:c'],
        registryHostnames: ['r:5000'],
      })
    ).toEqual({
      confirm: true,
      keepTagRevisions: 2,
      keepYoungerThanMs: 0,
      pruneOverSizeLimit: false,
      all: false,
      pruneRegistry: false,
      namespace: 'team',
      inUse: ['a/b:c'],
      registryHostnames: ['r:5000'],
    })
  })

  it('drops both keep limits in size mode', () => {
    expect(parseImagePruneOptions({ pruneOverSizeLimit: true })).toMatchObject({
      pruneOverSizeLimit: true,
      keepTagRevisions: 0,
      keepYoungerThanMs: 0,
    })
  })

  it.each([
    [[], 'BadRequest', 'the image prune request must be a JSON object'],
    [{ bogus: 1 }, 'BadRequest', 'strict decoding error: unknown field "bogus"'],
    [{ confirm: 'yes' }, 'Invalid', 'confirm: Invalid value: "yes": must be a boolean'],
    [
      { keepTagRevisions: -1 },
      'Invalid',
      'keepTagRevisions: Invalid value: -1: must be an integer',
    ],
    [{ inUse: [1] }, 'Invalid', 'inUse[0]: Invalid value: 1: must be a string'],
    [
      { pruneOverSizeLimit: true, keepTagRevisions: 1 },
      'Invalid',
      '--prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than',
    ],
  ])('rejects %j', (body, reason, message) => {
    let err: unknown
    try {
      parseImagePruneOptions(body)
    } catch (e) {
      err = e
    }
    expect(isAppError(err, reason as 'Invalid')).toBe(true)
    expect((err as Error).message).toContain(message)
  })
})
