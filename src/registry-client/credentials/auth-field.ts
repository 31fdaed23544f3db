import { AppError, Reason } from '../../shared/errors.js'
import { decodeBase64Text } from './base64.js'

/** A username and password decoded from an `auth` field. */
export type BasicAuth = {
  readonly username: string
  readonly password: string
}

/**
 * Decodes the `auth` field of a Docker config entry: standard base64 (padded or unpadded, as kubelet
 * accepts) of `username:password`, split at the first ':'; the username must be non-empty and trailing NULs
 * of the password are trimmed (docker/cli `decodeAuth`). Throws AppError(Invalid) whose message never
 * contains the field or any part of it.
 */
export function decodeAuthField(auth: string): BasicAuth {
  const decoded = decodeBase64Text(auth)
  if (decoded === undefined) {
    throw new AppError(Reason.Invalid, 'auth field is not valid base64 of UTF-8 text')
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) {
    throw new AppError(Reason.Invalid, 'auth field is not base64 of "username:password"')
  }
  const username = decoded.slice(0, colon)
  if (username === '') {
    throw new AppError(Reason.Invalid, 'auth field has an empty username')
  }
  return { username, password: decoded.slice(colon + 1).replace(/\0+$/, '') }
}
