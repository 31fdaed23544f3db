import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runCommand } from './run-command.js'

/** A certificate and its private key, as PEM text and as files. */
export type CertificateFiles = {
  readonly certPem: string
  readonly keyPem: string
  readonly certPath: string
  readonly keyPath: string
}

/** Options of createTlsCert. */
export type CreateTlsCertOptions = {
  /** Directory to write `<name>.crt` and `<name>.key` into. */
  readonly dir: string
  /** IP addresses for subjectAltName; the first is also the CN. Default ['127.0.0.1']. */
  readonly ips?: readonly string[]
  /** File name stem; default 'tls'. */
  readonly name?: string
  readonly signal?: AbortSignal
}

/**
 * Creates a self-signed EC P-256 server certificate for IP addresses (plus DNS:localhost) with openssl.
 * Being self-signed, the certificate is also the CA clients must trust.
 */
export async function createTlsCert(opts: CreateTlsCertOptions): Promise<CertificateFiles> {
  const ips = opts.ips ?? ['127.0.0.1']
  const san = [...ips.map((ip) => `IP:${ip}`), 'DNS:localhost'].join(',')
  return createSelfSigned({
    dir: opts.dir,
    name: opts.name ?? 'tls',
    subject: `/CN=${ips[0] ?? 'localhost'}`,
    extensions: [`subjectAltName=${san}`, 'extendedKeyUsage=serverAuth'],
    signal: opts.signal,
  })
}

/** Options of createSigningCert. */
export type CreateSigningCertOptions = {
  readonly dir: string
  /** Subject CN; default 'test-issuer'. */
  readonly commonName?: string
  /** File name stem; default 'token-signing'. */
  readonly name?: string
  readonly signal?: AbortSignal
}

/**
 * Creates the self-signed EC P-256 token-signing certificate: docker-registry trusts it as
 * `rootcertbundle` and the issuer sends it (base64 DER) as the JWT's x5c (registry-protocol §4.6).
 */
export async function createSigningCert(opts: CreateSigningCertOptions): Promise<CertificateFiles> {
  return createSelfSigned({
    dir: opts.dir,
    name: opts.name ?? 'token-signing',
    subject: `/CN=${opts.commonName ?? 'test-issuer'}`,
    extensions: [],
    signal: opts.signal,
  })
}

async function createSelfSigned(o: {
  dir: string
  name: string
  subject: string
  extensions: readonly string[]
  signal: AbortSignal | undefined
}): Promise<CertificateFiles> {
  const certPath = join(o.dir, `${o.name}.crt`)
  const keyPath = join(o.dir, `${o.name}.key`)
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-subj',
    o.subject,
    '-days',
    '2',
    ...o.extensions.flatMap((e) => ['-addext', e]),
  ]
  await runCommand('openssl', args, {
    timeoutMs: 15_000,
    ...(o.signal === undefined ? {} : { signal: o.signal }),
  })
  const [certPem, keyPem] = await Promise.all([
    readFile(certPath, 'utf8'),
    readFile(keyPath, 'utf8'),
  ])
  return { certPem, keyPem, certPath, keyPath }
}
