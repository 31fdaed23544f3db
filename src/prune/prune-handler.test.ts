import { describe, expect, it } from 'vitest'
import { isAppError } from '../shared/errors.js'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createPruneGate } from './prune-gate.js'
import { createImagePruneHandler } from './prune-handler.js'

const signal = new AbortController().signal
const ADMIN = { kind: 'admin', user: 'system:admin' }
const clock = { now: () => Date.parse('2026-03-01T12:00:00Z'), sleep: async () => {} }

describe('createImagePruneHandler', () => {
  it('answers 200 with the report, adding the server registry hostnames', async () => {
    const handler = createImagePruneHandler({
      store: new MemoryStore(),
      clock,
      logger: noopLogger,
      registryHostnames: () => ['registry.local:5000'],
    })
    const res = await handler({ caller: ADMIN, body: { keepTagRevisions: 1 }, signal })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      kind: 'ImagePruneReport',
      dryRun: true,
      registryAvailable: false,
      stats: { deletedImages: 0 },
      warnings: ['the integrated registry is not enabled: only API objects are pruned'],
    })
  })

  it('forbids anyone but the administrator, in Kubernetes wording', async () => {
    const handler = createImagePruneHandler({
      store: new MemoryStore(),
      clock,
      logger: noopLogger,
      registryHostnames: () => [],
    })
    const err = await handler({
      caller: { kind: 'serviceaccount', user: 'system:serviceaccount:team:default' },
      body: {},
      signal,
    }).catch((e: unknown) => e)
    expect(isAppError(err, 'Forbidden')).toBe(true)
    expect((err as Error).message).toBe(
      'imageprunes.imagestreams.io is forbidden: User "system:serviceaccount:team:default" cannot create resource "imageprunes" in API group "imagestreams.io" at the cluster scope'
    )
  })

  it('rejects a confirmed prune while another runs, but not a dry run', async () => {
    const gate = createPruneGate()
    const handler = createImagePruneHandler({
      store: new MemoryStore(),
      clock,
      logger: noopLogger,
      registryHostnames: () => [],
      gate,
    })
    let release = (): void => {}
    const busy = gate.run(() => new Promise<void>((r) => (release = r)))
    const err = await handler({ caller: ADMIN, body: { confirm: true }, signal }).catch((e) => e)
    expect(isAppError(err, 'Conflict')).toBe(true)
    expect((await handler({ caller: ADMIN, body: {}, signal })).status).toBe(200)
    release()
    await busy
    expect((await handler({ caller: ADMIN, body: { confirm: true }, signal })).body.dryRun).toBe(
      false
    )
  })

  it('validates the body', async () => {
    const handler = createImagePruneHandler({
      store: new MemoryStore(),
      clock,
      logger: noopLogger,
      registryHostnames: () => [],
    })
    const err = await handler({ caller: ADMIN, body: { keepTagRevisions: 'x' }, signal }).catch(
      (e) => e
    )
    expect(isAppError(err, 'Invalid')).toBe(true)
  })
})
