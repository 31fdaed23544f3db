import { quote } from './quote.js'

/**
 * The note for credentials keyed by a port-less host that were not used for a plain-HTTP registry (the
 * OpenShift `:80` rule): `origin` names the secret or file, `key` is the key as written, `suggested` the key
 * that would be used.
 */
export function plainHttpNote(origin: string, key: string, suggested: string): string {
  return `${origin} has credentials for ${quote(key)} but they are not sent over plain HTTP; key them as ${quote(suggested)} to use them with this insecure registry`
}
