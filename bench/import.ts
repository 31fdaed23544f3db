import { performance } from 'node:perf_hooks'
import type { ImageStreamImport } from '../src/api/image/v1/types.js'
import { createImageStreamImport } from '../src/importer/import-stream.js'
import { DEFAULT_IMPORTER_SETTINGS } from '../src/importer/importer-deps.js'
import { createRegistryClient } from '../src/registry-client/client.js'
import { systemClock } from '../src/shared/clock.js'
import { noopLogger } from '../src/shared/log.js'
import { MemoryStore } from '../src/store/memory-store.js'
import { type RunningRegistry, startRegistry } from '../test/support/docker-registry.js'
import { runSkopeo } from '../test/support/peers.js'
import { seedImages, seedTags } from '../test/support/test-images.js'
import type { BenchRow } from './table.js'

const TAGS = 50
const NS = 'bench'

/**
 * Issue 3's benchmarks on a local token-auth registry, registry requests counted in its access log plus
 * the token issuer's log:
 *  - a PreserveOriginal import of the 4-platform OCI index (the list, every child, every config) against
 *    `skopeo inspect --raw` of the index plus `skopeo inspect` of each child, and the same import again
 *    (nothing changed: only the index is fetched, known Images stand in for the rest);
 *  - an `--all` import of 50 tags against `skopeo list-tags` plus `skopeo inspect` per tag.
 */
export async function benchImport(): Promise<BenchRow[]> {
  const reg = await startRegistry('token')
  const rows: BenchRow[] = []
  try {
    const images = await seedImages(reg)
    const seeded = await seedTags(reg, 'bench/all', TAGS)
    const creds = ['--tls-verify=false', '--creds', `${reg.username}:${reg.password}`]
    const secret = {
      metadata: { name: 'pull', namespace: NS },
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': Buffer.from(
          JSON.stringify({
            auths: { [reg.host]: { username: reg.username, password: reg.password } },
          })
        ).toString('base64'),
      },
    }
    const measure = counter(reg)

    // 1. The 4-platform index.
    const index = images.multiOci
    const indexBench = 'PreserveOriginal import, 4-platform index'
    rows.push(
      await measure(indexBench, 'skopeo inspect --raw + inspect --no-tags per child', async () => {
        await runSkopeo(['inspect', '--raw', ...creds, `docker://${index.reference}`])
        for (const child of index.children)
          await runSkopeo(['inspect', '--no-tags', ...creds, `docker://${child.reference}`])
      })
    )
    const store = new MemoryStore()
    await store.create('secrets', secret)
    const importIndex = (client: ReturnType<typeof createRegistryClient>) =>
      createImageStreamImport(
        {
          store,
          client,
          clock: systemClock,
          logger: noopLogger,
          settings: DEFAULT_IMPORTER_SETTINGS,
        },
        NS,
        request('multi', [
          {
            from: { kind: 'DockerImage', name: index.reference },
            to: { name: 'multi' },
            importPolicy: { importMode: 'PreserveOriginal', insecure: true },
          },
        ])
      )
    const client = createRegistryClient()
    try {
      rows.push(
        await measure(
          indexBench,
          'isctl importer',
          async () => {
            const isi = await importIndex(client)
            expectSuccess(isi)
          },
          'list, 4 children and 4 configs; ping and token once'
        )
      )
      rows.push(
        await measure(
          indexBench,
          'isctl importer, re-import',
          async () => {
            expectSuccess(await importIndex(client))
          },
          'nothing changed: the list only, no write'
        )
      )
    } finally {
      await client.close()
    }

    // 2. --all of 50 tags.
    const allBench = `--all import, ${TAGS} tags`
    const repository = `${reg.host}/${seeded.repository}`
    rows.push(
      await measure(allBench, 'skopeo list-tags + inspect --no-tags per tag', async () => {
        await runSkopeo(['list-tags', ...creds, `docker://${repository}`])
        for (const ref of seeded.references)
          await runSkopeo(['inspect', '--no-tags', ...creds, `docker://${ref}`])
      })
    )
    const allStore = new MemoryStore()
    await allStore.create('secrets', secret)
    const allClient = createRegistryClient()
    try {
      rows.push(
        await measure(
          allBench,
          'isctl importer',
          async () => {
            const isi = await createImageStreamImport(
              {
                store: allStore,
                client: allClient,
                clock: systemClock,
                logger: noopLogger,
                settings: DEFAULT_IMPORTER_SETTINGS,
              },
              NS,
              {
                metadata: { name: 'all' },
                spec: {
                  import: true,
                  repository: {
                    from: { kind: 'DockerImage', name: repository },
                    importPolicy: { insecure: true },
                  },
                },
              }
            )
            const repo = isi.status?.repository
            if (repo?.status?.status !== 'Success' || repo.images?.length !== TAGS) {
              throw new Error(`--all import failed: ${JSON.stringify(repo?.status)}`)
            }
          },
          'one manifest per tag; the shared config once'
        )
      )
    } finally {
      await allClient.close()
    }
  } finally {
    await reg.stop()
  }
  return rows
}

function request(
  name: string,
  images: NonNullable<ImageStreamImport['spec']['images']>
): ImageStreamImport {
  return { metadata: { name }, spec: { import: true, images } }
}

function expectSuccess(isi: ImageStreamImport): void {
  const status = isi.status?.images?.[0]?.status
  if (status?.status !== 'Success') throw new Error(`import failed: ${JSON.stringify(status)}`)
}

// Runs fn and counts the requests the registry and its token issuer logged meanwhile.
function counter(reg: RunningRegistry) {
  const tokens = (): number => reg.tokenIssuer?.requests.length ?? 0
  return async (
    benchmark: string,
    subject: string,
    fn: () => Promise<void>,
    note?: string
  ): Promise<BenchRow> => {
    await settle(reg)
    const before = reg.requests().length
    const tokensBefore = tokens()
    const t0 = performance.now()
    await fn()
    const wallMs = performance.now() - t0
    await settle(reg)
    return {
      benchmark,
      subject,
      wallMs,
      requests: reg.requests().length - before + tokens() - tokensBefore,
      ...(note === undefined ? {} : { note }),
    }
  }
}

// The access log line of a request may arrive a moment after its response: wait until it is quiet.
async function settle(reg: RunningRegistry): Promise<void> {
  let seen = -1
  while (reg.requests().length !== seen) {
    seen = reg.requests().length
    await reg.waitForRequests(seen, { timeoutMs: 5_000 })
    await new Promise((r) => setTimeout(r, 150))
  }
}
