import { AppError, isAppError, Reason } from '../../shared/errors.js'
import { decodeAuthField } from './auth-field.js'
import { quote } from './quote.js'

/** One usable entry of a credential document: the key as written and the credential fields it yields. */
export type AuthEntry = {
  /** The registry key exactly as written in the document, e.g. `https://index.docker.io/v1/`, `quay.io/team`. */
  readonly key: string
  readonly username?: string
  readonly password?: string
  readonly identityToken?: string
  readonly registryToken?: string
}

/**
 * Document layouts: `auths` is `{"auths":{…}}` (`.dockerconfigjson`, Docker `config.json`, Podman
 * `auth.json`); `legacy` is the bare map of `.dockercfg`; `auto` picks `auths` when the object has an
 * `auths`, `credHelpers` or `credsStore` member or is empty, else `legacy`.
 */
export const DocumentLayout = {
  Auths: 'auths',
  Legacy: 'legacy',
  Auto: 'auto',
} as const
/** A value of DocumentLayout. */
export type DocumentLayout = (typeof DocumentLayout)[keyof typeof DocumentLayout]

/** A parsed credential document. Every string in it is safe to show: no secret material. */
export type CredentialDocument = {
  /** True when the document was the bare legacy map (containers/image matches its keys by registry only). */
  readonly legacy: boolean
  /** Usable entries in document order; `{}` entries (credential-helper markers) are left out. */
  readonly entries: readonly AuthEntry[]
  /** Entries that could not be read, e.g. `entry "quay.io": auth field is not valid base64 of UTF-8 text`. */
  readonly badEntries: readonly string[]
  /** Things ignored on purpose that a user may want to know: credential helpers, entries with no username. */
  readonly notices: readonly string[]
}

const CREDENTIAL_FIELDS = [
  'auth',
  'username',
  'password',
  'identitytoken',
  'registrytoken',
] as const
type CredentialField = (typeof CREDENTIAL_FIELDS)[number]

/**
 * Parses a credential document (docker/cli configfile, containers-auth.json(5), kubelet DockerConfig).
 * `what` names the document in messages, e.g. `.dockerconfigjson`. Per entry: a non-empty `auth` (see
 * decodeAuthField) overrides `username`/`password`; `identitytoken` and `registrytoken` are kept; `email` and
 * other fields are ignored; field names match case-insensitively as Go's encoding/json does.
 * `credHelpers`/`credsStore` are never executed, only reported in `notices`.
 * Throws AppError(Invalid) when the document as a whole is unreadable; the message never quotes its content.
 */
export function parseCredentialDocument(
  text: string,
  layout: DocumentLayout,
  what: string
): CredentialDocument {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    // JSON.parse messages quote the input around the error, which may be a password: keep it out.
    throw new AppError(Reason.Invalid, `${what} is not valid JSON`, { cause: stripMessage(err) })
  }
  if (!isPlainObject(doc)) throw new AppError(Reason.Invalid, `${what} is not a JSON object`)

  const auths = member(doc, 'auths')
  const helpers = member(doc, 'credHelpers')
  const store = member(doc, 'credsStore')
  const isAuthsLayout =
    layout === DocumentLayout.Auths ||
    (layout === DocumentLayout.Auto &&
      (auths !== undefined ||
        helpers !== undefined ||
        store !== undefined ||
        Object.keys(doc).length === 0))

  const notices: string[] = []
  let map: Record<string, unknown>
  if (isAuthsLayout) {
    if (auths === undefined || auths === null) {
      map = {}
      if (helpers === undefined && store === undefined && Object.keys(doc).length > 0) {
        notices.push(`${what} has no "auths" object`)
      }
    } else if (isPlainObject(auths)) {
      map = auths
    } else {
      throw new AppError(Reason.Invalid, `${what}: "auths" is not a JSON object`)
    }
    const helperNotice = describeHelpers(helpers, store)
    if (helperNotice !== undefined) notices.push(`${what}: ${helperNotice}`)
  } else {
    map = doc
  }

  const entries: AuthEntry[] = []
  const badEntries: string[] = []
  for (const [key, value] of Object.entries(map)) {
    const result = parseEntry(key, value)
    if (result.kind === 'entry') entries.push(result.entry)
    else if (result.kind === 'bad') badEntries.push(`entry ${quote(key)}: ${result.message}`)
    else if (result.kind === 'notice')
      notices.push(`${what}: entry ${quote(key)} ${result.message}`)
  }
  return { legacy: !isAuthsLayout, entries, badEntries, notices }
}

type EntryResult =
  | { readonly kind: 'entry'; readonly entry: AuthEntry }
  | { readonly kind: 'bad'; readonly message: string }
  | { readonly kind: 'notice'; readonly message: string }
  | { readonly kind: 'empty' }

function parseEntry(key: string, value: unknown): EntryResult {
  // null decodes to an empty entry in Go: nothing to use, nothing wrong.
  if (value === null) return { kind: 'empty' }
  if (!isPlainObject(value)) return { kind: 'bad', message: 'is not a JSON object' }

  const fields: Partial<Record<CredentialField, string>> = {}
  for (const name of CREDENTIAL_FIELDS) {
    const v = member(value, name)
    if (v === undefined || v === null) continue
    if (typeof v !== 'string') return { kind: 'bad', message: `${name} field is not a string` }
    if (v !== '') fields[name] = v
  }

  let username = fields.username
  let password = fields.password
  if (fields.auth !== undefined) {
    try {
      ;({ username, password } = decodeAuthField(fields.auth))
    } catch (err) {
      if (isAppError(err, Reason.Invalid)) return { kind: 'bad', message: err.message }
      throw err
    }
  }

  const identityToken = fields.identitytoken
  const registryToken = fields.registrytoken
  if (username === undefined && identityToken === undefined && registryToken === undefined) {
    // `{}` (or only an email) marks a credential kept by a helper: skipped quietly, like Docker does.
    return password === undefined
      ? { kind: 'empty' }
      : { kind: 'notice', message: 'has a password but no username; skipped' }
  }
  return {
    kind: 'entry',
    entry: {
      key,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(identityToken === undefined ? {} : { identityToken }),
      ...(registryToken === undefined ? {} : { registryToken }),
    },
  }
}

function describeHelpers(helpers: unknown, store: unknown): string | undefined {
  const parts: string[] = []
  if (isPlainObject(helpers)) {
    const named = Object.entries(helpers)
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
      .map(([registry, helper]) => `${quote(helper)} for ${quote(registry)}`)
    if (named.length > 0) parts.push(`credHelpers ${named.join(', ')}`)
  }
  if (typeof store === 'string' && store !== '') parts.push(`credsStore ${quote(store)}`)
  if (parts.length === 0) return undefined
  return `credential helpers are never run: ignoring ${parts.join(' and ')}; registries they serve get no credentials from here`
}

// Go's encoding/json matches field names exactly first, then case-insensitively.
function member(obj: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name]
  const lower = name.toLowerCase()
  for (const [k, v] of Object.entries(obj)) {
    if (k.toLowerCase() === lower) return v
  }
  return undefined
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// Keeps the error class for -v output but drops the message, which quotes the document.
function stripMessage(err: unknown): Error {
  return new Error(err instanceof Error ? err.name : 'parse error')
}
