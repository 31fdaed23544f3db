import type { Command } from 'commander'
import { type InspectResult, inspectImage } from '../../importer/inspect-image.js'
import type { Platform } from '../../oci/manifest.js'
import { formatPlatform, parsePlatform } from '../../oci/platform.js'
import { createRegistryClient } from '../../registry-client/client.js'
import { keyringFromAuthFile } from '../../registry-client/credentials/auth-file-keyring.js'
import { anonymousKeyring, type Keyring } from '../../registry-client/credentials/types.js'
import { type CliIo, UsageError } from '../io.js'
import { describeRegistryError } from '../registry-messages.js'

type InspectFlags = {
  raw?: boolean
  insecure?: boolean
  authfile?: string
  platform?: string
  output?: string
  requestTimeout?: string
}

/** Registers `isctl inspect IMAGE`, a skopeo-inspect-like view of a remote image. */
export function registerInspect(program: Command, io: CliIo): void {
  program
    .command('inspect')
    .description('Show the digest, media type, platforms and config of an image in a registry')
    .argument('<image>', 'image reference, e.g. quay.io/org/app:tag or registry:5000/app@sha256:…')
    .option('--raw', 'print the manifest exactly as the registry served it')
    .option('--insecure', 'skip TLS verification and allow plain HTTP')
    .option(
      '--authfile <file>',
      'credentials file (Docker config.json or Podman auth.json); default $REGISTRY_AUTH_FILE'
    )
    .option('--platform <os/arch[/variant]>', 'for an index: describe this platform’s image')
    .option('-o, --output <format>', 'output format: json')
    .option('--request-timeout <duration>', 'give up after this long, e.g. 30s, 2m', '2m')
    .action(async (image: string, flags: InspectFlags) => {
      await runInspect(image, flags, io)
    })
}

async function runInspect(image: string, flags: InspectFlags, io: CliIo): Promise<void> {
  if (flags.output !== undefined && flags.output !== 'json') {
    throw new UsageError(`output format "${flags.output}" not supported by inspect; use -o json`)
  }
  let platform: Platform | undefined
  if (flags.platform !== undefined) {
    try {
      platform = parsePlatform(flags.platform)
    } catch (err) {
      throw new UsageError(`--platform: ${(err as Error).message}`)
    }
  }
  const keyring = await loadKeyring(flags.authfile ?? io.env.REGISTRY_AUTH_FILE, io)
  const client = createRegistryClient({ keyring, userAgent: 'isctl' })
  const signal = AbortSignal.timeout(parseDuration(flags.requestTimeout ?? '2m'))
  try {
    const result = await inspectImage(client, image, {
      ...(flags.insecure === true ? { insecure: true } : {}),
      ...(platform === undefined ? {} : { platform }),
      signal,
    }).catch((err: unknown) => {
      throw describeRegistryError(err, image, flags.insecure === true)
    })
    if (flags.raw === true) {
      io.stdout(new TextDecoder().decode(result.rawManifest))
      if (!new TextDecoder().decode(result.rawManifest).endsWith('\n')) io.stdout('\n')
    } else if (flags.output === 'json') {
      io.stdout(`${JSON.stringify(toJson(result), null, 4)}\n`)
    } else {
      io.stdout(toText(result))
    }
  } finally {
    await client.close()
  }
}

async function loadKeyring(path: string | undefined, io: CliIo): Promise<Keyring> {
  if (path === undefined || path === '') return anonymousKeyring
  let text: string
  try {
    text = await io.readFile(path)
  } catch (err) {
    throw new UsageError(`--authfile ${path}: ${(err as Error).message}`)
  }
  const { keyring, warnings } = keyringFromAuthFile(text, path)
  for (const w of warnings) io.stderr(`warning: ${w}\n`)
  return keyring
}

/** Parses Go-style durations as kubectl's --request-timeout accepts them: `30s`, `2m`, `1h`, or seconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim())
  if (m === null) throw new UsageError(`invalid duration "${s}": use e.g. 30s, 2m or 1h`)
  const n = Number(m[1])
  const unit = m[2] ?? 's'
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit] ?? 1000
  return n * factor
}

function toJson(r: InspectResult): Record<string, unknown> {
  const out: Record<string, unknown> = { Name: r.name, Digest: r.digest, MediaType: r.mediaType }
  if (r.manifests !== undefined) {
    out.Manifests = r.manifests.map((m) => ({
      Digest: m.digest,
      MediaType: m.mediaType,
      Size: m.size,
      Platform: m.platform === undefined ? null : formatPlatform(m.platform),
    }))
  }
  const img = r.image
  if (img !== undefined) {
    const c = img.config
    Object.assign(out, {
      ImageDigest: img.digest,
      ImageMediaType: img.mediaType,
      ConfigDigest: img.configDigest,
      Created: c.created ?? null,
      Author: c.author ?? '',
      Architecture: c.architecture ?? '',
      Os: c.os ?? '',
      Variant: c.variant ?? '',
      Labels: c.config?.Labels ?? null,
      Env: c.config?.Env ?? [],
      Entrypoint: c.config?.Entrypoint ?? null,
      Cmd: c.config?.Cmd ?? null,
      WorkingDir: c.config?.WorkingDir ?? '',
      User: c.config?.User ?? '',
      ExposedPorts: Object.keys(c.config?.ExposedPorts ?? {}),
      Size: img.size,
      Layers: img.layers.map((l) => l.digest),
      LayersData: img.layers.map((l) => ({
        MIMEType: l.mediaType,
        Digest: l.digest,
        Size: l.size,
      })),
    })
  }
  return out
}

function toText(r: InspectResult): string {
  const rows: [string, string][] = [
    ['Name', r.name],
    ['Digest', r.digest],
    ['Media Type', r.mediaType],
  ]
  if (r.manifests !== undefined) {
    const lines = r.manifests.map(
      (m) =>
        `${(m.platform === undefined ? 'unknown' : formatPlatform(m.platform)).padEnd(16)}${m.digest}`
    )
    rows.push(['Manifests', lines.join('\n')])
  }
  const img = r.image
  if (img !== undefined) {
    const c = img.config
    const platform = formatPlatform({
      os: c.os ?? '',
      architecture: c.architecture ?? '',
      ...(c.variant ? { variant: c.variant } : {}),
    })
    if (r.manifests !== undefined) rows.push(['Image Digest', img.digest])
    rows.push(
      ['Created', c.created ?? ''],
      ['Image Size', `${formatBytes(img.size)} in ${img.layers.length} layers`],
      [
        'Layers',
        img.layers.map((l) => `${formatBytes(l.size).padStart(9)} ${l.digest}`).join('\n'),
      ],
      ['Platform', platform],
      ['Author', c.author ?? ''],
      ['Entrypoint', (c.config?.Entrypoint ?? []).join(' ')],
      ['Command', (c.config?.Cmd ?? []).join(' ')],
      ['Working Dir', c.config?.WorkingDir ?? ''],
      ['User', c.config?.User ?? ''],
      ['Exposed Ports', Object.keys(c.config?.ExposedPorts ?? {}).join(', ')],
      ['Environment', (c.config?.Env ?? []).join('\n')],
      [
        'Labels',
        Object.entries(c.config?.Labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
      ]
    )
  } else if (r.manifests !== undefined) {
    rows.push(['', 'use --platform os/arch[/variant] to show one image of the list'])
  }
  const width = 15
  return rows
    .map(([k, v]) => {
      const label = k === '' ? ''.padEnd(width) : `${k}:`.padEnd(width)
      return label + v.split('\n').join(`\n${''.padEnd(width)}`)
    })
    .join('\n')
    .concat('\n')
}

function formatBytes(n: number): string {
  if (n < 1000) return `${n}B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = n / 1000
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v.toFixed(2)}${units[i]}`
}
