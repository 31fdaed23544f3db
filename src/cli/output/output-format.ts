import { UsageError } from '../io.js'
import { compileJsonPath, type JsonPathTemplate } from './jsonpath.js'

/** A parsed `-o` value. */
export type OutputFormat =
  | { readonly kind: 'table'; readonly wide: boolean }
  | { readonly kind: 'json' }
  | { readonly kind: 'yaml' }
  | { readonly kind: 'name' }
  | { readonly kind: 'jsonpath'; readonly template: JsonPathTemplate }

/** The formats a command accepts, for the error message. */
const ALLOWED = 'json, yaml, name, wide, jsonpath=TEMPLATE'

/**
 * Parses `-o`: `json`, `yaml`, `name`, `wide`, `jsonpath=TEMPLATE` (also `jsonpath='…'` with quotes
 * and `jsonpath-as-json` is refused); empty or absent means the human table.
 */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === '') return { kind: 'table', wide: false }
  if (value === 'wide') return { kind: 'table', wide: true }
  if (value === 'json' || value === 'yaml' || value === 'name') return { kind: value }
  const m = /^jsonpath=(.*)$/s.exec(value)
  if (m !== null) {
    const raw = m[1] ?? ''
    const text = /^'.*'$/s.test(raw) || /^".*"$/s.test(raw) ? raw.slice(1, -1) : raw
    try {
      return { kind: 'jsonpath', template: compileJsonPath(text) }
    } catch (err) {
      throw new UsageError(`error parsing jsonpath ${text}, ${(err as Error).message}`)
    }
  }
  throw new UsageError(
    `unable to match a printer suitable for the output format "${value}", allowed formats are: ${ALLOWED}`
  )
}
