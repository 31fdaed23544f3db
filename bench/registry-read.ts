import { performance } from 'node:perf_hooks'
import { parseManifest } from '../src/oci/manifest.js'
import { createRegistryClient } from '../src/registry-client/client.js'
import { keyringFromSecrets } from '../src/registry-client/credentials/pull-secrets.js'
import { startRegistry } from '../test/support/docker-registry.js'
import { runSkopeo } from '../test/support/peers.js'
import { seedTags } from '../test/support/test-images.js'
import type { BenchRow } from './table.js'

const TAGS = 200

/**
 * Issue 2's benchmark: manifest + config of 200 tags of one repository on a local token-auth registry,
 * our client against `skopeo inspect` per tag. Requests are counted in the registry's access log and at the
 * token issuer.
 */
export async function benchRegistryRead(): Promise<BenchRow[]> {
  const reg = await startRegistry('token')
  const rows: BenchRow[] = []
  try {
    const seeded = await seedTags(reg, 'bench/app', TAGS)
    const [registry, ...rest] = seeded.references[0]?.split('/') ?? []
    const repository = rest.join('/').replace(/:[^:]*$/, '')
    const count = (): number => reg.requests().length + (reg.tokenIssuer?.requests.length ?? 0)
    const settle = async (n: number): Promise<void> => {
      await reg.waitForRequests(n - (reg.tokenIssuer?.requests.length ?? 0), { timeoutMs: 10_000 })
    }

    // skopeo: one process per tag, as a script calling `skopeo inspect` would.
    let before = count()
    let t0 = performance.now()
    for (const ref of seeded.references) {
      await runSkopeo([
        'inspect',
        '--tls-verify=false',
        '--creds',
        `${reg.username}:${reg.password}`,
        `docker://${ref}`,
      ])
    }
    let wall = performance.now() - t0
    await new Promise((r) => setTimeout(r, 300))
    rows.push({
      benchmark: `manifest+config, ${TAGS} tags`,
      subject: 'skopeo inspect (per tag)',
      wallMs: wall,
      requests: count() - before,
    })

    for (const concurrency of [1, 8]) {
      const secret = {
        metadata: { name: 'bench' },
        type: 'kubernetes.io/dockerconfigjson',
        data: {
          '.dockerconfigjson': Buffer.from(
            JSON.stringify({
              auths: { [reg.host]: { username: reg.username, password: reg.password } },
            })
          ).toString('base64'),
        },
      }
      const client = createRegistryClient({ keyring: keyringFromSecrets([secret]).keyring })
      const repo = client.repository({ registry: registry ?? '', repository, insecure: true })
      before = count()
      t0 = performance.now()
      const queue = [...seeded.tags]
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let tag = queue.shift(); tag !== undefined; tag = queue.shift()) {
            const m = await repo.manifestGet(tag, {})
            const parsed = parseManifest(m.bytes, m.mediaType)
            if (parsed.kind !== 'image') throw new Error(`unexpected ${parsed.kind}`)
            await repo.blobGet(parsed.config.digest, { expectedSize: parsed.config.size })
          }
        })
      )
      wall = performance.now() - t0
      await client.close()
      const n = count() - before
      await settle(count()).catch(() => undefined)
      rows.push({
        benchmark: `manifest+config, ${TAGS} tags`,
        subject: `isctl client, concurrency ${concurrency}`,
        wallMs: wall,
        requests: n,
        note: 'one ping and one token for all tags',
      })
    }
  } finally {
    await reg.stop()
  }
  return rows
}
