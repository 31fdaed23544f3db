import { describe, expect, it } from 'vitest'
import { formatFieldError } from '../../field-errors.js'
import type { Namespace, Secret, ServiceAccount } from './types.js'
import {
  secretPayload,
  validateNamespace,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
} from './validation.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')
const DOCKER_CONFIG = '{"auths":{"quay.io":{"auth":"dTpw"}}}'

function secret(
  type: string | undefined,
  data: Record<string, string> = {},
  extra: Partial<Secret> = {}
): Secret {
  return {
    metadata: { name: 'pull', namespace: 'team' },
    ...(type === undefined ? {} : { type }),
    data,
    ...extra,
  }
}

const msgs = (s: Secret) => validateSecret(s).map(formatFieldError)

describe('validateNamespace', () => {
  it.each<[string, Namespace, string[]]>([
    ['valid', { metadata: { name: 'team-a' } }, []],
    [
      'dots',
      { metadata: { name: 'team.a' } },
      ['metadata.name: Invalid value: "team.a": must not contain dots'],
    ],
    [
      'upper case',
      { metadata: { name: 'Team' } },
      [
        `metadata.name: Invalid value: "Team": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      ],
    ],
    [
      'namespaced',
      { metadata: { name: 'a', namespace: 'b' } },
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
    ['finalizers', { metadata: { name: 'a' }, spec: { finalizers: ['kubernetes'] } }, []],
  ])('%s', (_name, ns, expected) => {
    expect(validateNamespace(ns).map(formatFieldError)).toEqual(expected)
  })
})

describe('validateSecret', () => {
  it.each<[string, Secret, string[]]>([
    [
      'dockerconfigjson',
      secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64(DOCKER_CONFIG) }),
      [],
    ],
    [
      'dockerconfigjson from stringData',
      secret(
        'kubernetes.io/dockerconfigjson',
        {},
        { stringData: { '.dockerconfigjson': DOCKER_CONFIG } }
      ),
      [],
    ],
    [
      'dockercfg',
      secret('kubernetes.io/dockercfg', { '.dockercfg': b64('{"quay.io":{"auth":"dTpw"}}') }),
      [],
    ],
    [
      'podman auth.json',
      secret('kubernetes.io/podmanconfigjson', { 'auth.json': b64(DOCKER_CONFIG) }),
      [],
    ],
    [
      'podman with the docker key',
      secret('kubernetes.io/podmanconfigjson', { '.dockerconfigjson': b64(DOCKER_CONFIG) }),
      [],
    ],
    ['opaque', secret('Opaque', { token: b64('x') }), []],
    ['no type', secret(undefined, { token: b64('x') }), []],
    ['unknown type', secret('example.com/custom'), []],
    [
      'missing key',
      secret('kubernetes.io/dockerconfigjson'),
      ['data[.dockerconfigjson]: Required value'],
    ],
    [
      'missing dockercfg key',
      secret('kubernetes.io/dockercfg', { other: b64('{}') }),
      ['data[.dockercfg]: Required value'],
    ],
    [
      'missing podman key',
      secret('kubernetes.io/podmanconfigjson'),
      ['data[auth.json]: Required value'],
    ],
    [
      'malformed JSON',
      secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('{"auths":') }),
      [
        'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input',
      ],
    ],
    [
      'JSON that is not an object',
      secret('kubernetes.io/dockercfg', { '.dockercfg': b64('[]') }),
      [
        'data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
      ],
    ],
    [
      'bad base64',
      secret('Opaque', { token: 'not base64!' }),
      [
        'data[token]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
      ],
    ],
    [
      'bad key',
      secret('Opaque', { 'a/b': b64('x') }),
      [
        `data[a/b]: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      ],
    ],
    [
      'too large',
      secret('Opaque', { big: b64('x'.repeat(1024 * 1024 + 1)) }),
      ['data: Too long: must have at most 1048576 bytes'],
    ],
    [
      'bad name',
      { metadata: { name: 'Pull', namespace: 'team' }, type: 'Opaque' },
      [
        `metadata.name: Invalid value: "Pull": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ],
    [
      'basic auth without fields',
      secret('kubernetes.io/basic-auth'),
      ['data[username]: Required value', 'data[password]: Required value'],
    ],
    [
      'tls without key',
      secret('kubernetes.io/tls', { 'tls.crt': b64('c') }),
      ['data[tls.key]: Required value'],
    ],
    [
      'service account token without annotation',
      secret('kubernetes.io/service-account-token'),
      ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    ],
  ])('%s', (_name, s, expected) => {
    expect(msgs(s)).toEqual(expected)
  })

  it('overlays stringData on data', () => {
    const { data } = secretPayload(
      secret('Opaque', { a: b64('1'), b: b64('2') }, { stringData: { b: 'plain' } })
    )
    expect(new TextDecoder().decode(data.get('a'))).toBe('1')
    expect(new TextDecoder().decode(data.get('b'))).toBe('plain')
  })

  it('freezes immutable secrets on update', () => {
    const old = secret('Opaque', { a: b64('1') }, { immutable: true })
    old.metadata.resourceVersion = '1'
    const next = secret('kubernetes.io/dockercfg', { a: b64('2') }, { immutable: false })
    next.metadata.resourceVersion = '1'
    expect(validateSecretUpdate(next, old).map(formatFieldError)).toEqual([
      'type: Invalid value: "kubernetes.io/dockercfg": field is immutable',
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
      'data[.dockercfg]: Required value',
    ])
  })
})

describe('validateServiceAccount', () => {
  it.each<[string, ServiceAccount, string[]]>([
    [
      'valid',
      {
        metadata: { name: 'builder', namespace: 'team' },
        secrets: [{ name: 'builder-token' }],
        imagePullSecrets: [{ name: 'quay-pull' }],
      },
      [],
    ],
    ['no secrets', { metadata: { name: 'default', namespace: 'team' } }, []],
    [
      'empty and bad references',
      {
        metadata: { name: 'default', namespace: 'team' },
        secrets: [{}],
        imagePullSecrets: [{ name: 'Bad_Name' }],
      },
      [
        'secrets[0].name: Required value',
        `imagePullSecrets[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ],
    [
      'missing namespace',
      { metadata: { name: 'default' } },
      ['metadata.namespace: Required value'],
    ],
  ])('%s', (_name, sa, expected) => {
    expect(validateServiceAccount(sa).map(formatFieldError)).toEqual(expected)
  })
})
