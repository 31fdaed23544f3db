import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:https'
import { serve } from '@hono/node-server'
import { it } from 'vitest'
import { jsonLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createApiApp } from './app.js'
import { createTokenAuthority } from './token-authority.js'

it('devserver', async () => {
  const clock = { now: () => Date.now(), sleep: async () => {} }
  const store = new MemoryStore({ clock })
  const tokens = createTokenAuthority({ key: new Uint8Array(32).fill(7), clock, store })
  const app = createApiApp({
    store,
    importer: async (_ns, isi) => isi,
    tokens,
    adminToken: 'admin',
    clock,
    logger: jsonLogger((l) => process.stderr.write(l), 'debug'),
    settings: { defaultImportMode: 'Legacy', registryHostname: 'reg.local:5000' },
  })
  await store.create('namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'default' },
    status: { phase: 'Active' },
  })
  await store.create('serviceaccounts', { metadata: { name: 'default', namespace: 'default' } })
  await store.create('secrets', {
    metadata: { name: 'pull', namespace: 'default' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
  })
  await new Promise<void>((resolve) => {
    const s = serve(
      {
        fetch: app.fetch,
        hostname: '127.0.0.1',
        port: 0,
        createServer,
        serverOptions: {
          cert: readFileSync('/tmp/smoke/tls.crt'),
          key: readFileSync('/tmp/smoke/tls.key'),
        },
      },
      (info) => {
        writeFileSync('/tmp/smoke/port', String(info.port))
      }
    )
    setTimeout(() => {
      s.close()
      resolve()
    }, 590_000)
  })
}, 600_000)
