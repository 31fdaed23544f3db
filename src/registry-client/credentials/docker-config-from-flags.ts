import { Buffer } from 'node:buffer'
import { AppError, Reason } from '../../shared/errors.js'
import { DOCKER_HUB_SERVER } from './docker-hub.js'

/** The flags of `oc create secret docker-registry`. */
export type DockerRegistryFlags = {
  /** `--docker-server`; defaults to `https://index.docker.io/v1/`. */
  readonly server?: string | undefined
  readonly username: string
  readonly password: string
  readonly email?: string | undefined
}

/**
 * Returns the `.dockerconfigjson` document `oc create secret docker-registry` writes:
 * `{"auths":{"<server>":{"username","password","email","auth"}}}` with `auth` the base64 of
 * `username:password`; empty fields are omitted as kubectl does. Throws AppError(Invalid) when the username
 * or password is empty or the username contains ':' (the `auth` field could not be split back).
 */
export function dockerConfigJsonFromFlags(flags: DockerRegistryFlags): string {
  const server =
    flags.server === undefined || flags.server === '' ? DOCKER_HUB_SERVER : flags.server
  if (flags.username === '') throw new AppError(Reason.Invalid, 'docker-username is required')
  if (flags.password === '') throw new AppError(Reason.Invalid, 'docker-password is required')
  if (flags.username.includes(':')) {
    throw new AppError(Reason.Invalid, "docker-username must not contain ':'")
  }
  const auth = Buffer.from(`${flags.username}:${flags.password}`, 'utf8').toString('base64')
  const entry = {
    username: flags.username,
    password: flags.password,
    ...(flags.email === undefined || flags.email === '' ? {} : { email: flags.email }),
    auth,
  }
  return JSON.stringify({ auths: { [server]: entry } })
}
