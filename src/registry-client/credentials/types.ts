/**
 * A credential for one registry: Basic user/password, an identity (refresh) token for the OAuth2 POST flow,
 * or a ready registry bearer token. `source` names where it came from (secret and key) for messages;
 * it never contains secret material.
 */
export type Credential = {
  readonly username?: string
  readonly password?: string
  readonly identityToken?: string
  readonly registryToken?: string
  /** e.g. `secret default/quay-pull key "quay.io/team"`; safe to show. */
  readonly source: string
}

/** What a lookup is for: the registry host[:port] as written in the reference, the repository path and scheme. */
export type CredentialTarget = {
  /** Registry host with port when the reference had one, e.g. `quay.io`, `127.0.0.1:5000`, `docker.io`. */
  readonly registry: string
  /** Repository path, e.g. `team/app`, `library/busybox`. */
  readonly repository: string
  /** The scheme the request will use: plain HTTP triggers the `:80` rule. */
  readonly scheme: 'https' | 'http'
}

/** The credentials that apply to a target, most specific first, plus notes for error messages. */
export type CredentialLookup = {
  readonly credentials: readonly Credential[]
  /**
   * Human hints explaining credentials that matched by host but were not used, e.g. a plain-host key not
   * sent over HTTP ("add :80 to the key"). Safe to show; no secret material.
   */
  readonly notes: readonly string[]
}

/** Keyring finds the credentials for a target. Implementations never execute credential helpers. */
export type Keyring = {
  lookup(target: CredentialTarget): CredentialLookup
}

/** A keyring with no credentials: every request is anonymous. */
export const anonymousKeyring: Keyring = {
  lookup: () => ({ credentials: [], notes: [] }),
}
