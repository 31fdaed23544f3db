import type { Secret } from './types.js'
import { SecretType } from './types.js'

// core/v1 defaulting (kubernetes pkg/apis/core/v1/defaults.go): the only default of the kinds served here.

/** Applies server defaults to a Secret in place: an empty type becomes Opaque. */
export function setDefaultsSecret(secret: Secret): void {
  if ((secret.type ?? '') === '') secret.type = SecretType.Opaque
}
