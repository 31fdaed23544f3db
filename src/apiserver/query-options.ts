import { type FieldSelector, parseFieldSelector } from '../api/field-selector.js'
import { type LabelSelector, parseLabelSelector } from '../api/label-selector.js'
import { AppError, Reason } from '../shared/errors.js'

// The query parameters of list, watch and write requests (metav1.ListOptions, CreateOptions,
// UpdateOptions, PatchOptions).

/** How unknown fields in a written object are treated (fieldValidation). */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict'

/** Options of a write (create, update, patch, delete). */
export type WriteOptions = {
  readonly dryRun: boolean
  readonly fieldValidation: FieldValidation
}

/** Options of a list or watch. */
export type ListQuery = {
  readonly labelSelector: LabelSelector
  readonly fieldSelector: FieldSelector
  readonly limit: number
  readonly continue: string
  readonly resourceVersion: string
  /** Seconds after which a watch ends; 0 = the server default. */
  readonly timeoutSeconds: number
}

function badRequest(message: string): AppError {
  return new AppError(Reason.BadRequest, message)
}

/** Parses dryRun, fieldValidation and fieldManager (accepted, not recorded). */
export function parseWriteOptions(query: URLSearchParams): WriteOptions {
  const dryRunValues = query.getAll('dryRun').filter((v) => v !== '')
  for (const v of dryRunValues) {
    if (v !== 'All') {
      throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`)
    }
  }
  const fv = query.get('fieldValidation') ?? ''
  let fieldValidation: FieldValidation
  switch (fv) {
    case '':
    case 'Warn':
      fieldValidation = 'Warn'
      break
    case 'Ignore':
    case 'Strict':
      fieldValidation = fv
      break
    default:
      throw badRequest(
        `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`
      )
  }
  const fieldManager = query.get('fieldManager') ?? ''
  if (fieldManager.length > 128) {
    throw badRequest('fieldManager: Too long: may not be more than 128 bytes')
  }
  return { dryRun: dryRunValues.length > 0, fieldValidation }
}

function nonNegativeInt(query: URLSearchParams, name: string): number {
  const raw = query.get(name) ?? ''
  if (raw === '') return 0
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw badRequest(`${name}: Invalid value: "${raw}": must be a non-negative integer`)
  }
  return Number(raw)
}

/** Parses the options of a list or watch; selectors are checked against the kind's fields. */
export function parseListQuery(
  query: URLSearchParams,
  selectableFields: readonly string[]
): ListQuery {
  return {
    labelSelector: parseLabelSelector(query.get('labelSelector') ?? ''),
    fieldSelector: parseFieldSelector(query.get('fieldSelector') ?? '', selectableFields),
    limit: nonNegativeInt(query, 'limit'),
    continue: query.get('continue') ?? '',
    resourceVersion: query.get('resourceVersion') ?? '',
    timeoutSeconds: nonNegativeInt(query, 'timeoutSeconds'),
  }
}
