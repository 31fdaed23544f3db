import { Buffer } from 'node:buffer'
import { basename } from 'node:path'
import { type Secret, SecretKey, SecretType } from '../api/core/v1/types.js'
import { isConfigMapKey } from '../api/name-validation.js'
import type { DocumentLayout } from '../registry-client/credentials/docker-config.js'
import { dockerConfigJsonFromFlags } from '../registry-client/credentials/docker-config-from-flags.js'
import { AppError, Reason } from '../shared/errors.js'
import { checkAuthFile } from './auth-file-check.js'
import { type CliIo, UsageError } from './io.js'

// The Secret objects of `create secret generic` and `create secret docker-registry`, built like kubectl
// builds them, plus a client-side check of registry credential files: a broken file is refused before it
// reaches the server, with a message that says what is wrong.

/** The flags of `create secret generic`. */
export type GenericSecretFlags = {
  readonly type?: string | undefined
  readonly fromFile: readonly string[]
  readonly fromLiteral: readonly string[]
}

/** The flags of `create secret docker-registry`. */
export type DockerRegistrySecretFlags = {
  readonly server?: string | undefined
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly email?: string | undefined
  readonly fromFile: readonly string[]
}

/** A built secret and the warnings about its content. */
export type BuiltSecret = { readonly secret: Secret; readonly warnings: readonly string[] }

// The data key each credential secret type reads, and how its document is laid out.
const CREDENTIAL_TYPES: Readonly<
  Record<string, { keys: readonly string[]; layout: DocumentLayout }>
> = {
  [SecretType.DockerConfigJson]: { keys: [SecretKey.DockerConfigJson], layout: 'auths' },
  [SecretType.Dockercfg]: { keys: [SecretKey.Dockercfg], layout: 'legacy' },
  [SecretType.PodmanConfigJson]: {
    keys: [SecretKey.PodmanAuthJson, SecretKey.DockerConfigJson],
    layout: 'auths',
  },
}

/**
 * Builds `create secret generic NAME`: `--from-file=[KEY=]PATH` (key defaults to the file's base name),
 * `--from-literal=KEY=VALUE`, `--type`. For the registry credential types the required key must be
 * present and its file must be a readable credential document (see checkAuthFile).
 */
export async function buildGenericSecret(
  name: string,
  namespace: string,
  flags: GenericSecretFlags,
  io: CliIo
): Promise<BuiltSecret> {
  const data: Record<string, string> = {}
  const texts = new Map<string, { text: string; path: string }>()
  const add = (key: string, value: string): void => {
    const errs = isConfigMapKey(key)
    if (errs.length > 0)
      throw new UsageError(`"${key}" is not a valid key name for a Secret: ${errs.join(';')}`)
    if (key in data) {
      throw new UsageError(
        `cannot add key ${key}, another key by that name already exists in Data for Secret "${name}"`
      )
    }
    data[key] = Buffer.from(value, 'utf8').toString('base64')
  }
  for (const spec of flags.fromFile) {
    const eq = spec.indexOf('=')
    const key = eq < 0 ? basename(spec) : spec.slice(0, eq)
    const path = eq < 0 ? spec : spec.slice(eq + 1)
    if (eq >= 0 && (key === '' || path === '')) {
      throw new UsageError(`key names or file paths cannot be empty: --from-file=${spec}`)
    }
    const text = await readSource(path, io)
    add(key, text)
    texts.set(key, { text, path })
  }
  for (const spec of flags.fromLiteral) {
    const eq = spec.indexOf('=')
    if (eq <= 0) throw new UsageError(`invalid literal source ${spec}, expected key=value`)
    add(spec.slice(0, eq), spec.slice(eq + 1))
  }
  const type = flags.type ?? ''
  const warnings: string[] = []
  const credential = CREDENTIAL_TYPES[type]
  if (credential !== undefined) {
    const key = credential.keys.find((k) => texts.has(k))
    if (key === undefined) {
      const want = credential.keys[0] ?? ''
      const given = [...texts.keys()]
      throw new UsageError(
        `a secret of type ${type} needs the key ${want}${given.length > 0 ? ` (got ${given.join(', ')})` : ''}: use --from-file=${want}=PATH`
      )
    }
    const source = texts.get(key) as { text: string; path: string }
    warnings.push(...checkAuthFile(source.text, source.path, credential.layout))
  }
  const secret: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    data,
    ...(type === '' ? {} : { type }),
  }
  return { secret, warnings }
}

/**
 * Builds `create secret docker-registry NAME`: from `--docker-server/--docker-username/--docker-password
 * [--docker-email]` (oc's `.dockerconfigjson` document), or from `--from-file` like generic.
 */
export async function buildDockerRegistrySecret(
  name: string,
  namespace: string,
  flags: DockerRegistrySecretFlags,
  io: CliIo
): Promise<BuiltSecret> {
  if (flags.fromFile.length > 0) {
    const fromFile = flags.fromFile.map((f) =>
      f.includes('=') ? f : `${SecretKey.DockerConfigJson}=${f}`
    )
    return buildGenericSecret(
      name,
      namespace,
      { type: SecretType.DockerConfigJson, fromFile, fromLiteral: [] },
      io
    )
  }
  if (
    (flags.username ?? '') === '' ||
    (flags.password ?? '') === '' ||
    (flags.server !== undefined && flags.server === '')
  ) {
    throw new UsageError(
      'either --from-file or the combination of --docker-username, --docker-password and --docker-server is required'
    )
  }
  let doc: string
  try {
    doc = dockerConfigJsonFromFlags({
      server: flags.server,
      username: flags.username ?? '',
      password: flags.password ?? '',
      email: flags.email,
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const secret: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: SecretType.DockerConfigJson,
    data: { [SecretKey.DockerConfigJson]: Buffer.from(doc, 'utf8').toString('base64') },
  }
  return { secret, warnings: [] }
}

async function readSource(path: string, io: CliIo): Promise<string> {
  try {
    return await io.readFile(path)
  } catch (err) {
    const code = (err as { code?: string }).code
    const why =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EISDIR'
          ? 'is a directory (name the files one by one)'
          : (err as Error).message
    throw new AppError(Reason.BadRequest, `error reading ${path}: ${why}`, { cause: err })
  }
}
