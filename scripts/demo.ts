/**
 * @module
 * The end-to-end demo (`npm run demo`): a private registry on 127.0.0.1 with real multi-arch images, read
 * with `isctl inspect` exactly as a user would type it. Everything stops when the demo ends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../src/cli/run.js'
import { startRegistry } from '../test/support/docker-registry.js'
import { seedImages } from '../test/support/test-images.js'

const dir = mkdtempSync(join(tmpdir(), 'isctl-demo-'))
const registry = await startRegistry('basic-tls')
try {
  const images = await seedImages(registry)
  const authfile = join(dir, 'auth.json')
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64')
  writeFileSync(authfile, JSON.stringify({ auths: { [`${registry.host}/team`]: { auth } } }))
  console.log(
    `# a private registry (TLS with a self-signed certificate, htpasswd) at ${registry.host}`
  )
  console.log(`# credentials for ${registry.host}/team in ${authfile}\n`)

  const runs: string[][] = [
    ['inspect', '--insecure', '--authfile', authfile, images.multiOci.reference],
    [
      'inspect',
      '--insecure',
      '--authfile',
      authfile,
      '--platform',
      'linux/arm64/v8',
      images.multiDocker.reference,
    ],
    ['inspect', '--insecure', '--authfile', authfile, '-o', 'json', images.appV1.reference],
    ['inspect', '--insecure', '--authfile', authfile, `${registry.host}/team/app:missing`],
    ['inspect', images.appV1.reference],
  ]
  for (const argv of runs) {
    console.log(`$ isctl ${argv.join(' ')}`)
    const code = await runCli(argv, {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stdout.write(t),
      env: {},
      readFile: (p) => readFile(p, 'utf8'),
    })
    console.log(`# exit code ${code}\n`)
  }
} finally {
  await registry.stop()
  rmSync(dir, { recursive: true, force: true })
}
