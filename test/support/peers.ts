import { computeDigest, type Digest } from '../../src/oci/digest.js'
import { MediaType } from '../../src/oci/media-types.js'
import { type CommandResult, runCommand } from './run-command.js'

/** Options of runSkopeo and runUmoci. */
export type PeerRunOptions = {
  /** Kills the peer after this many milliseconds; default 30 s. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  readonly cwd?: string
}

/** Output of a peer command: stdout as text (and as bytes), stderr as text. */
export type PeerResult = {
  readonly stdout: string
  readonly stdoutBytes: Buffer
  readonly stderr: string
}

const toPeerResult = (r: CommandResult): PeerResult => ({
  stdout: r.stdout.toString('utf8'),
  stdoutBytes: r.stdout,
  stderr: r.stderr,
})

/**
 * Runs Debian's skopeo 1.9.3 with `--insecure-policy` (no dependency on /etc/containers/policy.json)
 * and the given arguments, e.g. `['copy', '--dest-tls-verify=false', 'oci:dir:tag', 'docker://…']`.
 * Rejects with the command line, exit status and stderr on failure.
 */
export async function runSkopeo(
  args: readonly string[],
  opts: PeerRunOptions = {}
): Promise<PeerResult> {
  return toPeerResult(await runCommand('skopeo', ['--insecure-policy', ...args], opts))
}

/** Runs Debian's umoci 0.4.7 with the given arguments, e.g. `['init', '--layout', dir]`. */
export async function runUmoci(
  args: readonly string[],
  opts: PeerRunOptions = {}
): Promise<PeerResult> {
  return toPeerResult(await runCommand('umoci', args, opts))
}

/** Options of skopeoInspectRaw. */
export type SkopeoInspectOptions = PeerRunOptions & {
  /** false for plain HTTP or self-signed registries. */
  readonly tlsVerify: boolean
  /** `user:password` */
  readonly creds?: string
  /** A containers-auth.json file. */
  readonly authfile?: string
  /** Fetch the config blob (`--config`) instead of the manifest. */
  readonly config?: boolean
}

/** A manifest (or config) as skopeo fetched it. */
export type SkopeoRawResult = {
  /** The exact bytes served. */
  readonly bytes: Buffer
  /** sha256 of bytes. */
  readonly digest: Digest
  /**
   * The document's `mediaType` field, or when it has none (allowed for OCI; umoci omits it) the type
   * guessed from its shape as containers/image's GuessMIMEType does; '' for configs.
   */
  readonly mediaType: string
  /** The `mediaType` field itself, undefined when absent. */
  readonly declaredMediaType: string | undefined
  /** The parsed JSON. */
  readonly json: unknown
}

const TRANSPORTS = ['docker://', 'oci:', 'oci-archive:', 'dir:', 'docker-archive:']

/**
 * Fetches the raw manifest of ref (`HOST/repo:tag`, `HOST/repo@sha256:…` or any skopeo transport
 * reference) with `skopeo inspect --raw`, as an independent check of what a registry serves.
 */
export async function skopeoInspectRaw(
  ref: string,
  opts: SkopeoInspectOptions
): Promise<SkopeoRawResult> {
  const full = TRANSPORTS.some((t) => ref.startsWith(t)) ? ref : `docker://${ref}`
  const args = [
    'inspect',
    '--raw',
    ...(opts.config === true ? ['--config'] : []),
    `--tls-verify=${String(opts.tlsVerify)}`,
    ...(opts.creds === undefined ? [] : ['--creds', opts.creds]),
    ...(opts.authfile === undefined ? [] : ['--authfile', opts.authfile]),
    full,
  ]
  const { stdoutBytes } = await runSkopeo(args, opts)
  const json: unknown = JSON.parse(stdoutBytes.toString('utf8'))
  const doc = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined
  return {
    bytes: stdoutBytes,
    digest: computeDigest(stdoutBytes),
    mediaType: declared ?? (opts.config === true ? '' : guessManifestMediaType(doc)),
    declaredMediaType: declared,
    json,
  }
}

// https://github.com/containers/image/blob/v5.23.0/manifest/manifest.go (GuessMIMEType)
function guessManifestMediaType(doc: Record<string, unknown>): string {
  if (doc.schemaVersion === 1) {
    return 'signatures' in doc ? MediaType.DockerSchema1Signed : MediaType.DockerSchema1
  }
  if (doc.schemaVersion !== 2) return ''
  if (Array.isArray(doc.manifests)) return MediaType.OciIndex
  const config = doc.config as { mediaType?: unknown } | undefined
  if (config?.mediaType === MediaType.DockerConfig) return MediaType.DockerManifest
  return config === undefined ? '' : MediaType.OciManifest
}
