import { describe, expect, it } from 'vitest'
import { MetricsRegistry, renderMetrics } from './metrics.js'
import { createServerMetrics, registryRequestObserver } from './server-metrics.js'

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const r = new MetricsRegistry()
    const c = r.counter({ name: 'x_total', help: 'Things.', labelNames: ['kind'] })
    const g = r.gauge({ name: 'depth', help: 'Depth.' })
    const h = r.histogram({ name: 'lat_seconds', help: 'Latency.', buckets: [0.1, 1] })
    c.inc({ kind: 'a' })
    c.inc({ kind: 'a' }, 2)
    c.inc({ kind: 'b"\\\n' })
    g.set(undefined, 7)
    g.dec()
    h.observe(undefined, 0.05)
    h.observe(undefined, 0.5)
    h.observe(undefined, 5)
    expect(renderMetrics(r)).toBe(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total{kind="a"} 3',
        'x_total{kind="b\\"\\\\\\n"} 1',
        '# HELP depth Depth.',
        '# TYPE depth gauge',
        'depth 6',
        '# HELP lat_seconds Latency.',
        '# TYPE lat_seconds histogram',
        'lat_seconds_bucket{le="0.1"} 1',
        'lat_seconds_bucket{le="1"} 2',
        'lat_seconds_bucket{le="+Inf"} 3',
        'lat_seconds_sum 5.55',
        'lat_seconds_count 3',
        '',
      ].join('\n')
    )
  })

  it('counters never go down', () => {
    const r = new MetricsRegistry()
    const c = r.counter({ name: 'c_total', help: 'c' })
    c.inc(undefined, 2)
    c.inc(undefined, -5)
    expect(c.get()).toBe(2)
  })

  it('returns the registered metric for a compatible second registration and refuses others', () => {
    const r = new MetricsRegistry()
    const a = r.counter({ name: 'a_total', help: 'a', labelNames: ['x'] })
    expect(r.counter({ name: 'a_total', help: 'a', labelNames: ['x'] })).toBe(a)
    expect(() => r.gauge({ name: 'a_total', help: 'a', labelNames: ['x'] })).toThrow()
    expect(() => r.counter({ name: 'bad name', help: 'b' })).toThrow()
    expect(() => r.counter({ name: 'b', help: 'b', labelNames: ['le'] })).toThrow()
  })

  it('counts registry requests through the onRequest observer', () => {
    const m = createServerMetrics()
    const observe = registryRequestObserver(m)
    observe({ registry: 'quay.io', method: 'HEAD', status: 200, durationMs: 12 })
    observe({ registry: 'quay.io', method: 'HEAD', status: 200, durationMs: 8 })
    observe({ registry: 'quay.io', method: 'GET', status: 429, durationMs: 3 })
    expect(m.registryRequests.get({ registry: 'quay.io', method: 'HEAD', status: '200' })).toBe(2)
    const text = renderMetrics(m.registry)
    expect(text).toContain(
      'imagestreams_registry_requests_total{registry="quay.io",method="GET",status="429"} 1'
    )
    expect(text).toContain(
      'imagestreams_registry_request_duration_seconds_count{registry="quay.io",method="HEAD"} 2'
    )
  })
})
