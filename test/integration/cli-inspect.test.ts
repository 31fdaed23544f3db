import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import { freePort } from '../support/free-port.js'
import { skopeoInspectRaw } from '../support/peers.js'
import { type SeededImages, seedImages } from '../support/test-images.js'

type Run = { code: number; stdout: string; stderr: string }
async function isctl(...argv: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: {},
    readFile: (p) => readFile(p, 'utf8'),
  })
  return { code, stdout, stderr }
}

describe('isctl inspect against a private TLS registry', () => {
  let reg: RunningRegistry
  let images: SeededImages
  let dir: string
  let authfile: string
  let badAuthfile: string
  beforeAll(async () => {
    reg = await startRegistry('basic-tls')
    images = await seedImages(reg)
    dir = mkdtempSync(join(tmpdir(), 'isctl-inspect-'))
    const b64 = (p: string) => Buffer.from(`${reg.username}:${p}`).toString('base64')
    authfile = join(dir, 'auth.json')
    writeFileSync(
      authfile,
      JSON.stringify({ auths: { [reg.host]: { auth: b64(reg.password ?? '') } } })
    )
    badAuthfile = join(dir, 'bad.json')
    writeFileSync(badAuthfile, JSON.stringify({ auths: { [reg.host]: { auth: b64('wrong') } } }))
  })
  afterAll(async () => {
    await reg?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('--raw prints exactly the bytes skopeo inspect --raw prints', async () => {
    const r = await isctl(
      'inspect',
      '--raw',
      '--insecure',
      '--authfile',
      authfile,
      images.multiOci.reference
    )
    expect(r).toMatchObject({ code: 0, stderr: '' })
    const peer = await skopeoInspectRaw(`docker://${images.multiOci.reference}`, {
      tlsVerify: false,
      creds: `${reg.username}:${reg.password}`,
    })
    expect(r.stdout.trimEnd()).toBe(peer.bytes.toString('utf8').trimEnd())
  })

  it('lists the platforms of an index with their digests', async () => {
    const r = await isctl(
      'inspect',
      '--insecure',
      '--authfile',
      authfile,
      images.multiDocker.reference
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Digest:        ${images.multiDocker.digest}`)
    expect(r.stdout).toContain(
      'Media Type:    application/vnd.docker.distribution.manifest.list.v2+json'
    )
    for (const child of images.multiDocker.children) {
      const p = [child.platform.os, child.platform.architecture, child.platform.variant]
        .filter(Boolean)
        .join('/')
      expect(r.stdout).toMatch(new RegExp(`${p}\\s+${child.digest}`))
    }
  })

  it('--platform picks the child and prints its config', async () => {
    const r = await isctl(
      'inspect',
      '--insecure',
      '--authfile',
      authfile,
      '--platform',
      'linux/arm/v7',
      '-o',
      'json',
      images.multiOci.reference
    )
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as Record<string, unknown>
    const child = images.multiOci.children.find((c) => c.platform.variant === 'v7')
    expect(out).toMatchObject({
      Digest: images.multiOci.digest,
      ImageDigest: child?.digest,
      Architecture: 'arm',
      Variant: 'v7',
      Env: child?.config.env,
      Labels: child?.config.labels,
    })
  })

  it('a platform missing from the index names the ones available', async () => {
    const r = await isctl(
      'inspect',
      '--insecure',
      '--authfile',
      authfile,
      '--platform',
      'linux/s390x',
      images.multiOci.reference
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /no image for platform linux\/s390x .*available: linux\/amd64, linux\/arm64\/v8/
    )
  })

  it.each([
    {
      name: 'a missing tag',
      args: (h: string) => ['--insecure', `${h}/team/app:nope`],
      auth: 'good',
      want: /error: .*team\/app:nope: .*manifest unknown \(the tag or digest does not exist/,
    },
    {
      name: 'a wrong password',
      args: (h: string) => ['--insecure', `${h}/team/app:v1`],
      auth: 'bad',
      want: /error: .*team\/app:v1: .*(unauthorized|authentication required).*--authfile/i,
    },
    {
      name: 'no credentials at all',
      args: (h: string) => ['--insecure', `${h}/team/app:v1`],
      auth: 'none',
      want: /error: .*team\/app:v1: .*(unauthorized|authentication required)/i,
    },
    {
      name: 'a self-signed certificate without --insecure',
      args: (h: string) => [`${h}/team/app:v1`],
      auth: 'good',
      want: /error: .*certificate.*--insecure/,
    },
  ])('$name gives a clear error and exit code 1', async ({ args, auth, want }) => {
    const authArgs = auth === 'none' ? [] : ['--authfile', auth === 'good' ? authfile : badAuthfile]
    const r = await isctl('inspect', ...authArgs, ...args(reg.host))
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(want)
    expect(r.stderr).not.toContain(reg.password ?? '<none>')
  })

  it('a registry that is not running: connection refused, with a hint', async () => {
    const port = await freePort()
    const r = await isctl('inspect', `127.0.0.1:${port}/team/app:v1`)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /error: .*127\.0\.0\.1:\d+.*(ECONNREFUSED|refused).*is the registry running/
    )
  })

  it.each([
    { args: ['inspect', 'UPPER/Case:tag'], want: /error: .*repository name must be lowercase/ },
    { args: ['inspect', '--platform', 'linux', 'x/y:z'], want: /error: --platform: / },
    { args: ['inspect', '-o', 'yaml', 'x/y:z'], want: /error: output format "yaml"/ },
    {
      args: ['inspect', '--authfile', '/nonexistent/auth.json', 'x/y:z'],
      want: /error: --authfile /,
    },
  ])('bad input $args is rejected before any request', async ({ args, want }) => {
    const r = await isctl(...args)
    expect(r.code).toBeGreaterThan(0)
    expect(r.stderr).toMatch(want)
  })
})
