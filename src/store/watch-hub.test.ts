import { describe, expect, it } from 'vitest'
import type { EventRecord } from './local-backend.js'
import { WatchHub } from './watch-hub.js'

const scope = { resource: 'imagestreams', namespace: undefined }

function rec(rv: number): EventRecord {
  return {
    rv,
    type: 'ADDED',
    resource: 'imagestreams',
    namespace: 'ns1',
    name: `s${rv}`,
    object: JSON.stringify({ metadata: { name: `s${rv}`, resourceVersion: String(rv) } }),
  }
}

function hubOver(history: EventRecord[], bufferSize?: number): WatchHub {
  return new WatchHub({
    history: {
      compactedRevision: () => 0,
      readEvents: (o) => history.filter((e) => e.rv > o.after && e.rv <= o.upto).slice(0, o.limit),
    },
    pageSize: 2,
    ...(bufferSize === undefined ? {} : { bufferSize }),
  })
}

describe('WatchHub', () => {
  it('forgets a watcher whose iteration ends', async () => {
    const hub = hubOver([])
    const w = hub.watch({ scope, after: 0, current: 0, signal: new AbortController().signal })
    expect(hub.size).toBe(1)
    hub.publish(rec(1))
    for await (const e of w) {
      expect(e.object).toEqual({ metadata: { name: 's1', resourceVersion: '1' } })
      break
    }
    expect(hub.size).toBe(0)
  })

  it('forgets a watcher whose signal aborts, even if never iterated', () => {
    const hub = hubOver([])
    const c = new AbortController()
    hub.watch({ scope, after: 0, current: 0, signal: c.signal })
    c.abort()
    expect(hub.size).toBe(0)
  })

  it('replays history in pages, then switches to live events', async () => {
    const history = [1, 2, 3, 4, 5].map(rec)
    const hub = hubOver(history)
    const c = new AbortController()
    const it1 = hub.watch({ scope, after: 1, current: 5, signal: c.signal })[Symbol.asyncIterator]()
    hub.publish(rec(6))
    const got: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = await it1.next()
      got.push(String(r.value?.object.metadata.resourceVersion))
    }
    expect(got).toEqual(['2', '3', '4', '5', '6'])
    c.abort()
  })

  it('bounds a slow watcher by catching it up from history', async () => {
    const history: EventRecord[] = []
    const hub = hubOver(history, 2)
    const c = new AbortController()
    const it1 = hub.watch({ scope, after: 0, current: 0, signal: c.signal })[Symbol.asyncIterator]()
    for (let rv = 1; rv <= 9; rv++) {
      history.push(rec(rv))
      hub.publish(rec(rv))
    }
    const got: number[] = []
    for (let i = 0; i < 9; i++)
      got.push(Number((await it1.next()).value?.object.metadata.resourceVersion))
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    c.abort()
  })
})
