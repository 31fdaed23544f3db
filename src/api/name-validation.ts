// Name and key grammars of Kubernetes, with its exact messages:
// k8s.io/apimachinery/pkg/util/validation/validation.go, pkg/api/validate/content/{kube,path}.go and
// pkg/api/validation/generic.go. Each check returns the list of problems (empty when valid).

/** A name validator as Kubernetes' ValidateNameFunc: prefix is true when checking a generateName. */
export type NameValidator = (name: string, prefix: boolean) => string[]

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1123_LABEL_ERR =
  'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or ' +
  "'-', and must start and end with an alphanumeric character"
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`
const DNS1123_SUBDOMAIN_ERR =
  'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ' +
  "'-' or '.', and must start and end with an alphanumeric character"
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const LABEL_KEY_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
  'alphanumeric character'
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or " +
  "'.', and must start and end with an alphanumeric character"
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+'
const CONFIG_MAP_KEY_ERR =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"

const dns1123Label = new RegExp(`^${DNS1123_LABEL_FMT}$`)
const dns1123Subdomain = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`)
const labelKey = new RegExp(`^${LABEL_KEY_FMT}$`)
const labelValue = new RegExp(`^${LABEL_VALUE_FMT}$`)
const configMapKey = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`)

/** Maximum length of a DNS-1123 label (namespace names, label name parts). */
export const DNS1123_LABEL_MAX_LENGTH = 63
/** Maximum length of a DNS-1123 subdomain (most object names). */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253
/** Maximum length of a label value. */
export const LABEL_VALUE_MAX_LENGTH = 63

/** Kubernetes' "must be no more than N characters". */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`
}

/** Kubernetes' RegexError: the message, examples and the regular expression used. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`
  // NB: reproduces Kubernetes' double space before "or" ("'my-name',  or '123-abc'").
  const listed = examples.map((e, i) => `${i > 0 ? ' or ' : ''}'${e}', `).join('')
  return `${msg} (e.g. ${listed}regex used for validation is '${fmt}')`
}

/** Checks a DNS-1123 label (RFC 1123), e.g. a namespace name. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH))
  if (!dns1123Label.test(value)) {
    if (dns1123Subdomain.test(value)) errs.push('must not contain dots')
    else errs.push(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, 'my-name', '123-abc'))
  }
  return errs
}

/** Checks a DNS-1123 subdomain (RFC 1123), e.g. a Secret name. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH))
  }
  if (!dns1123Subdomain.test(value)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'))
  }
  return errs
}

/** Checks a qualified name (label key, annotation key, finalizer): `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) {
    name = parts[0] ?? ''
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? ''
    name = parts[1] ?? ''
    if (prefix.length === 0) errs.push('prefix part must be non-empty')
    else for (const msg of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`)
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]
  }
  if (name.length === 0) errs.push('name part must be non-empty')
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`)
  if (!labelKey.test(name)) {
    errs.push(
      `name part ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`
    )
  }
  return errs
}

/** Checks a label value (may be empty). */
export function isLabelValue(value: string): string[] {
  const errs: string[] = []
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH))
  if (!labelValue.test(value)) {
    errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'))
  }
  return errs
}

/** Checks a key of Secret or ConfigMap data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH))
  }
  if (!configMapKey.test(value)) {
    errs.push(
      regexError(CONFIG_MAP_KEY_ERR, CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name')
    )
  }
  if (value === '.') errs.push("must not be '.'")
  else if (value === '..') errs.push("must not be '..'")
  else if (value.startsWith('..')) errs.push("must not start with '..'")
  return errs
}

/** Checks that a name can be a URL path segment (no `/`, no `%`, not `.` or `..`). */
export function isPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`]
  return isPathSegmentPrefix(name)
}

/** Checks that a name prefix can start a URL path segment (no `/`, no `%`). */
export function isPathSegmentPrefix(name: string): string[] {
  const errs: string[] = []
  if (name.includes('/')) errs.push("may not contain '/'")
  if (name.includes('%')) errs.push("may not contain '%'")
  return errs
}

/** ValidatePathSegmentName: the name rule of most OpenShift image objects. */
export const validatePathSegmentName: NameValidator = (name, prefix) =>
  prefix ? isPathSegmentPrefix(name) : isPathSegmentName(name)

// A generateName may end in '-' because random characters follow it.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name
}

/** NameIsDNSSubdomain: the name rule of Secrets and ServiceAccounts. */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name)

/** NameIsDNSLabel: the name rule of Namespaces (ValidateNamespaceName). */
export const nameIsDNSLabel: NameValidator = (name, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(name) : name)
