/**
 * @module
 * The end-to-end demo (`npm run demo`), offline: a private registry on 127.0.0.1 with a real multi-arch
 * image, the imagestreams server on a fresh data directory, and `isctl` commands exactly as a user types
 * them (the seed walkthrough: pull secret, PreserveOriginal import with pull-through policy, switch to Legacy
 * and back). Everything stops when the demo ends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../src/cli/run.js'
import { resolveServerConfig } from '../src/server/config.js'
import { startServer } from '../src/server/server.js'
import { startRegistry } from '../test/support/docker-registry.js'
import { seedImages } from '../test/support/test-images.js'

const dir = mkdtempSync(join(tmpdir(), 'isctl-demo-'))
const registry = await startRegistry('basic-tls')
const caFile = join(dir, 'registry-ca.crt')
writeFileSync(caFile, registry.caCertPem ?? '')
const server = await startServer(
  resolveServerConfig(
    {},
    { dataDir: join(dir, 'data'), listen: '127.0.0.1:0', additionalTrustedCA: caFile }
  )
)
try {
  const images = await seedImages(registry)
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64')
  const config = join(dir, 'config.json')
  // Two entries for one host, as the seed's sample config.json has: host-wide and a path.
  writeFileSync(
    config,
    JSON.stringify({
      auths: {
        [registry.host]: { auth, email: 'demo@example.com' },
        [`${registry.host}/team`]: { auth, email: 'demo@example.com' },
      },
    })
  )
  console.log(`# a private registry (TLS, htpasswd) at ${registry.host} holding a 4-platform image`)
  console.log(`# the imagestreams server at ${server.url}, kubeconfig ${server.kubeconfigPath}\n`)

  const k = ['--kubeconfig', server.kubeconfigPath]
  const multi = images.multiDocker.reference
  const runs: string[][] = [
    [
      'create',
      'secret',
      'generic',
      'registry-pull',
      `--from-file=.dockerconfigjson=${config}`,
      '--type=kubernetes.io/dockerconfigjson',
    ],
    [
      'import-image',
      'multi:latest',
      `--from=${multi}`,
      '--import-mode=PreserveOriginal',
      '--reference-policy=local',
      '--confirm',
    ],
    ['import-image', 'multi:latest', `--from=${multi}`, '--confirm'],
    [
      'import-image',
      'multi:latest',
      `--from=${multi}`,
      '--import-mode=PreserveOriginal',
      '--confirm',
    ],
    ['import-image', 'multi:latest', `--from=${multi}`, '--import-mode=Arm', '--confirm'],
    ['get', 'imagestreams'],
    ['get', 'istag'],
    ['inspect', '--insecure', '--authfile', config, '--platform', 'linux/arm64/v8', multi],
  ]
  for (const argv of runs) {
    console.log(`$ isctl ${argv.join(' ')}`)
    const code = await runCli([...argv, ...(argv[0] === 'inspect' ? [] : k)], {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stdout.write(t),
      env: {},
      readFile: (p) => readFile(p, 'utf8'),
    })
    console.log(`# exit code ${code}\n`)
  }
} finally {
  await server.stop()
  await registry.stop()
  rmSync(dir, { recursive: true, force: true })
}
