import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto'

/** One entry of a token's `access` claim (distribution token spec). */
export type TokenAccess = {
  readonly type: string
  readonly name: string
  readonly actions: readonly string[]
}

/**
 * Parses scope strings such as "repository:127.0.0.1:5000/team/app:pull,push"; each string may hold
 * several space-separated scopes. The type ends at the first ':' and the actions start after the last
 * ':', so a `host:port/` name survives (registry-protocol §2.3). Malformed scopes are skipped.
 */
export function parseScopes(params: readonly string[]): TokenAccess[] {
  const out: TokenAccess[] = []
  for (const one of params.flatMap((p) => p.split(' '))) {
    const first = one.indexOf(':')
    const last = one.lastIndexOf(':')
    if (first <= 0 || last === first) continue
    const actions = one
      .slice(last + 1)
      .split(',')
      .filter((a) => a !== '')
    out.push({ type: one.slice(0, first), name: one.slice(first + 1, last), actions })
  }
  return out
}

/** Options of mintRegistryToken. */
export type MintRegistryTokenOptions = {
  /** PEM private key of the signing certificate (EC P-256). */
  readonly keyPem: string
  /** PEM signing certificate; sent as the header's x5c. */
  readonly certPem: string
  /** `iss`; must equal the registry's `auth.token.issuer`. */
  readonly issuer: string
  /** `aud`; must equal the registry's `auth.token.service`. */
  readonly service: string
  readonly subject: string
  readonly access: readonly TokenAccess[]
  /** Lifetime; default 300 s. */
  readonly ttlSeconds?: number
}

const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url')

/**
 * Mints an ES256 JWT that docker-registry 2.8.2 accepts when its `rootcertbundle` is the signing
 * certificate: header x5c = [base64 DER of the cert], signature = raw r||s (JWS), not DER.
 * https://github.com/distribution/distribution/blob/v2.8.2/docs/spec/auth/jwt.md
 */
export function mintRegistryToken(o: MintRegistryTokenOptions): string {
  const now = Math.floor(Date.now() / 1000)
  const x5c = [new X509Certificate(o.certPem).raw.toString('base64')]
  const header = { typ: 'JWT', alg: 'ES256', x5c }
  const claims = {
    iss: o.issuer,
    sub: o.subject,
    aud: o.service,
    exp: now + (o.ttlSeconds ?? 300),
    // A few seconds back so that a registry clock a little behind still accepts the token.
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    access: o.access,
  }
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`
  const key = createPrivateKey(o.keyPem)
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64u(signature)}`
}
