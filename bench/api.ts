import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Agent, request } from 'undici'
import { resolveServerConfig } from '../src/server/config.js'
import { startServer } from '../src/server/server.js'
import { SqliteStore } from '../src/store/sqlite-store.js'
import type { BenchRow } from './table.js'

const STREAMS = 10_000
const GETS = 4_000
const CONCURRENCY = 16

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/**
 * Issue 4's benchmark: API GET and LIST with 10,000 image streams in the SQLite store, over HTTP on
 * loopback; latency percentiles, requests/s and the server's memory. No peer runs here (no kube-apiserver).
 */
export async function benchApi(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'))
  const dataDir = join(dir, 'data')
  // 1. Fill the store before the server opens it (the server holds it exclusively).
  const { mkdirSync } = await import('node:fs')
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const seed = await SqliteStore.open({ path: join(dataDir, 'imagestreams.db') })
  await seed.create('namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'bench' },
  })
  for (let i = 0; i < STREAMS; i++) {
    await seed.create('imagestreams', {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: `app-${i}`, namespace: 'bench', generation: 1 },
      spec: {
        lookupPolicy: { local: false },
        tags: [
          {
            name: 'latest',
            from: { kind: 'DockerImage', name: `127.0.0.1:1/bench/app-${i}:latest` },
            reference: true,
          },
        ],
      },
      status: { dockerImageRepository: '' },
    })
  }
  await seed.close()
  const rssBefore = process.memoryUsage().rss
  const server = await startServer(
    resolveServerConfig(
      {},
      { dataDir, listen: '127.0.0.1:0', insecureHttp: true, disableScheduledImport: true }
    )
  )
  const dispatcher = new Agent({ connections: CONCURRENCY })
  const headers = { authorization: `Bearer ${server.adminToken}`, accept: 'application/json' }
  const base = `${server.url}/apis/image.openshift.io/v1/namespaces/bench/imagestreams`
  const rows: BenchRow[] = []
  try {
    // 2. GET by name, CONCURRENCY in flight.
    const latencies: number[] = []
    let next = 0
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < GETS; i = next++) {
          const s = performance.now()
          const res = await request(`${base}/app-${(i * 7919) % STREAMS}`, { headers, dispatcher })
          await res.body.arrayBuffer()
          if (res.statusCode !== 200) throw new Error(`GET ${res.statusCode}`)
          latencies.push(performance.now() - s)
        }
      })
    )
    const wall = performance.now() - t0
    latencies.sort((a, b) => a - b)
    rows.push({
      benchmark: `API, ${STREAMS} streams`,
      subject: `GET one stream x${GETS}, ${CONCURRENCY} in flight`,
      wallMs: wall,
      requests: GETS,
      note: `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ${((GETS / wall) * 1000).toFixed(0)} req/s; no peer`,
    })

    // 3. LIST everything in pages of 500, as kubectl does.
    const pages: number[] = []
    const t1 = performance.now()
    let cont = ''
    let items = 0
    do {
      const s = performance.now()
      const res = await request(
        `${base}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
        {
          headers,
          dispatcher,
        }
      )
      const body = (await res.body.json()) as { items: unknown[]; metadata: { continue?: string } }
      items += body.items.length
      cont = body.metadata.continue ?? ''
      pages.push(performance.now() - s)
    } while (cont !== '')
    const listWall = performance.now() - t1
    pages.sort((a, b) => a - b)
    rows.push({
      benchmark: `API, ${STREAMS} streams`,
      subject: `LIST all (${items} items, pages of 500)`,
      wallMs: listWall,
      requests: pages.length,
      note: `page p50 ${percentile(pages, 50).toFixed(1)} ms, p99 ${percentile(pages, 99).toFixed(1)} ms; process RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MiB over the bench before start)`,
    })
  } finally {
    await dispatcher.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}
