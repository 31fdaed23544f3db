import type { ObjectMeta, Time } from '../../meta.js'

// The core/v1 kinds this API serves, with the JSON field names of k8s.io/api/core/v1/types.go.

/** A reference to another object (corev1.ObjectReference); image tags use kind, namespace and name. */
export type ObjectReference = {
  kind?: string
  namespace?: string
  name?: string
  uid?: string
  apiVersion?: string
  resourceVersion?: string
  fieldPath?: string
}

/** A reference to an object in the same namespace by name (corev1.LocalObjectReference). */
export type LocalObjectReference = {
  name?: string
}

/** Namespace phases. */
export const NamespacePhase = { Active: 'Active', Terminating: 'Terminating' } as const
/** A value of NamespacePhase. */
export type NamespacePhase = (typeof NamespacePhase)[keyof typeof NamespacePhase]

/** A condition of a namespace (corev1.NamespaceCondition). */
export type NamespaceCondition = {
  type: string
  status: string
  lastTransitionTime?: Time | null
  reason?: string
  message?: string
}

/** A namespace: the scope of image streams, secrets and service accounts (cluster-scoped). */
export type Namespace = {
  apiVersion?: 'v1'
  kind?: 'Namespace'
  metadata: ObjectMeta
  spec?: { finalizers?: string[] | null }
  status?: { phase?: string; conditions?: NamespaceCondition[] | null }
}

/** Secret types; PodmanConfigJson is this project's extension for Podman `auth.json` files. */
export const SecretType = {
  Opaque: 'Opaque',
  ServiceAccountToken: 'kubernetes.io/service-account-token',
  Dockercfg: 'kubernetes.io/dockercfg',
  DockerConfigJson: 'kubernetes.io/dockerconfigjson',
  PodmanConfigJson: 'kubernetes.io/podmanconfigjson',
  BasicAuth: 'kubernetes.io/basic-auth',
  SSHAuth: 'kubernetes.io/ssh-auth',
  TLS: 'kubernetes.io/tls',
  BootstrapToken: 'bootstrap.kubernetes.io/token',
} as const
/** A value of SecretType (other strings are allowed and treated as Opaque). */
export type SecretType = (typeof SecretType)[keyof typeof SecretType]

/** Data keys the secret types require. */
export const SecretKey = {
  Dockercfg: '.dockercfg',
  DockerConfigJson: '.dockerconfigjson',
  PodmanAuthJson: 'auth.json',
  ServiceAccountName: 'kubernetes.io/service-account.name',
  BasicAuthUsername: 'username',
  BasicAuthPassword: 'password',
  SSHAuthPrivateKey: 'ssh-privatekey',
  TLSCert: 'tls.crt',
  TLSPrivateKey: 'tls.key',
} as const

/** Maximum total size of a secret's decoded data (core.MaxSecretSize, 1 MiB). */
export const MAX_SECRET_SIZE = 1024 * 1024

/** A secret; `data` values are base64, `stringData` values are plain text and win over `data`. */
export type Secret = {
  apiVersion?: 'v1'
  kind?: 'Secret'
  metadata: ObjectMeta
  immutable?: boolean | null
  data?: Record<string, string> | null
  stringData?: Record<string, string> | null
  type?: string
}

/** A service account: pull secrets for kubelet pulls and mountable secrets for builds. */
export type ServiceAccount = {
  apiVersion?: 'v1'
  kind?: 'ServiceAccount'
  metadata: ObjectMeta
  secrets?: ObjectReference[] | null
  imagePullSecrets?: LocalObjectReference[] | null
  automountServiceAccountToken?: boolean | null
}
