import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { noopLogger } from '../shared/log.js'
import { MemoryStore } from '../store/memory-store.js'
import { createApiApp } from './app.js'
import { createTokenAuthority } from './token-authority.js'

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON replies by path
type Json = any

// Watch streams through app.request: newline-delimited events, replay from a resourceVersion, live
// events, selectors, Tables, and 410 Expired.

const IS = '/apis/image.openshift.io/v1/namespaces/ns/imagestreams'
type Event = { type: string; object: Record<string, Json> }

function setup(historyRetention?: number) {
  const clock = { now: () => Date.parse('2026-08-22T10:00:00Z'), sleep: async () => {} }
  const store = new MemoryStore({
    clock,
    ...(historyRetention === undefined ? {} : { historyRetention }),
  })
  const app = createApiApp({
    store,
    importer: async (_ns, isi) => isi,
    tokens: createTokenAuthority({ key: new Uint8Array(32).fill(1), clock, store }),
    adminToken: 'admin',
    clock,
    logger: noopLogger,
    settings: { defaultImportMode: 'Legacy' },
  })
  const headers = { authorization: 'Bearer admin', 'content-type': 'application/json' }
  const send = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  return { app, store, send, headers }
}

// Reads events until `count` arrived (or the stream ended), then cancels the stream.
async function readEvents(
  res: Response,
  count: number,
  during?: () => Promise<void>
): Promise<Event[]> {
  const reader = res.body?.getReader()
  if (reader === undefined) throw new Error('no body')
  const decoder = new TextDecoder()
  const events: Event[] = []
  let buffer = ''
  const pending = during?.()
  const deadline = setTimeout(() => void reader.cancel(), 5000)
  try {
    while (events.length < count) {
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let nl = buffer.indexOf('\n')
      while (nl >= 0) {
        events.push(JSON.parse(buffer.slice(0, nl)) as Event)
        buffer = buffer.slice(nl + 1)
        nl = buffer.indexOf('\n')
      }
    }
  } finally {
    clearTimeout(deadline)
    await reader.cancel()
    await pending
  }
  return events
}

const summary = (events: Event[]) =>
  events.map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.reason}`)

let t: ReturnType<typeof setup>
beforeEach(async () => {
  t = setup()
  await t.send('POST', '/api/v1/namespaces', { metadata: { name: 'ns' } })
  await t.send('POST', IS, { metadata: { name: 'a' }, spec: {} })
  await t.send('POST', IS, { metadata: { name: 'b', labels: { tier: 'web' } }, spec: {} })
})
afterEach(async () => {
  await t.store.close()
})

describe('watch', () => {
  it('starts with the current objects as ADDED when resourceVersion is 0 or unset, then follows', async () => {
    const res = await t.app.request(`${IS}?watch=true`, { headers: t.headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const events = await readEvents(res, 5, async () => {
      await t.send('POST', IS, { metadata: { name: 'c' }, spec: {} })
      await t.app.request(`${IS}/a`, {
        method: 'PATCH',
        headers: { ...t.headers, 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { x: 'y' } } }),
      })
      await t.send('DELETE', `${IS}/b`)
    })
    expect(summary(events)).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'MODIFIED a', 'DELETED b'])
    expect(events[0]?.object.kind).toBe('ImageStream')
    expect(events[0]?.object.apiVersion).toBe('image.openshift.io/v1')
  })

  it('replays the changes after a list resourceVersion', async () => {
    const list = (await (await t.app.request(IS, { headers: t.headers })).json()) as Json
    await t.send('POST', IS, { metadata: { name: 'c' }, spec: {} })
    await t.send('DELETE', `${IS}/a`)
    const res = await t.app.request(
      `${IS}?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
      { headers: t.headers }
    )
    const events = await readEvents(res, 2)
    expect(summary(events)).toEqual(['ADDED c', 'DELETED a'])
  })

  it('applies label and field selectors to events', async () => {
    const res = await t.app.request(`${IS}?watch=true&labelSelector=tier%3Dweb`, {
      headers: t.headers,
    })
    const events = await readEvents(res, 2, async () => {
      await t.send('POST', IS, { metadata: { name: 'c' }, spec: {} })
      await t.send('POST', IS, { metadata: { name: 'd', labels: { tier: 'web' } }, spec: {} })
    })
    expect(summary(events)).toEqual(['ADDED b', 'ADDED d'])
    const byName = await t.app.request(
      `/apis/image.openshift.io/v1/imagestreams?watch=true&fieldSelector=metadata.name%3Da`,
      { headers: t.headers }
    )
    expect(summary(await readEvents(byName, 1))).toEqual(['ADDED a'])
  })

  it('sends one-row Tables when asked for Tables, as kubectl get -w does', async () => {
    const res = await t.app.request(`${IS}?watch=true&resourceVersion=0`, {
      headers: {
        ...t.headers,
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      },
    })
    const events = await readEvents(res, 1)
    expect(events[0]?.type).toBe('ADDED')
    expect(events[0]?.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' })
    expect(events[0]?.object.rows).toHaveLength(1)
    expect(events[0]?.object.rows[0].cells[0]).toBe('a')
  })

  it('ends with an ERROR event carrying 410 Expired when the resourceVersion is too old', async () => {
    const small = setup(2)
    await small.send('POST', '/api/v1/namespaces', { metadata: { name: 'ns' } })
    for (const name of ['a', 'b', 'c', 'd'])
      await small.send('POST', IS, { metadata: { name }, spec: {} })
    const res = await small.app.request(`${IS}?watch=true&resourceVersion=1`, {
      headers: small.headers,
    })
    const events = await readEvents(res, 1)
    expect(events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    })
    expect(events[0]?.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/)
    await small.store.close()
  })

  it('ends after timeoutSeconds', async () => {
    const res = await t.app.request(`${IS}?watch=true&resourceVersion=0&timeoutSeconds=1`, {
      headers: t.headers,
    })
    const events = await readEvents(res, 10)
    expect(summary(events)).toEqual(['ADDED a', 'ADDED b'])
  })
})
