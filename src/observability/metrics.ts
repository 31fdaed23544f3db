// A tiny Prometheus registry: counters, gauges and histograms with labels, rendered in the text
// exposition format 0.0.4.
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

/** The Content-Type of renderMetrics output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Label values by label name; a missing label renders as the empty string. */
export type LabelValues<L extends string> = { readonly [K in L]?: string }

/** Options of every metric. */
export type MetricOptions<L extends string> = {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`; counters should end in `_total`. */
  readonly name: string
  readonly help: string
  readonly labelNames?: readonly L[]
}

/** Options of a histogram. */
export type HistogramOptions<L extends string> = MetricOptions<L> & {
  /** Upper bounds, ascending; `+Inf` is implied. Default DEFAULT_BUCKETS. */
  readonly buckets?: readonly number[]
}

/** Seconds from 5 ms to a minute: imports and registry requests. */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]

/** New label sets beyond this many per metric are dropped (a guard against unbounded cardinality). */
export const MAX_SERIES_PER_METRIC = 10_000

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

type Kind = 'counter' | 'gauge' | 'histogram'

abstract class Metric<L extends string, S> {
  readonly name: string
  readonly help: string
  readonly labelNames: readonly L[]
  abstract readonly kind: Kind
  protected readonly series = new Map<string, { labels: readonly string[]; value: S }>()

  constructor(o: MetricOptions<L>) {
    if (!METRIC_NAME.test(o.name)) throw new Error(`invalid metric name ${JSON.stringify(o.name)}`)
    for (const l of o.labelNames ?? []) {
      if (!LABEL_NAME.test(l) || l.startsWith('__') || l === 'le') {
        throw new Error(`invalid label name ${JSON.stringify(l)} of metric ${o.name}`)
      }
    }
    this.name = o.name
    this.help = o.help
    this.labelNames = [...(o.labelNames ?? [])]
  }

  protected labelValues(labels: LabelValues<L> | undefined): string[] {
    return this.labelNames.map((n) => labels?.[n] ?? '')
  }

  /** The state of the series for labels, when there is one. */
  protected find(labels: LabelValues<L> | undefined): S | undefined {
    return this.series.get(JSON.stringify(this.labelValues(labels)))?.value
  }

  protected entry(labels: LabelValues<L> | undefined, init: () => S): S | undefined {
    const values = this.labelValues(labels)
    const key = JSON.stringify(values)
    let e = this.series.get(key)
    if (e === undefined) {
      if (this.series.size >= MAX_SERIES_PER_METRIC) return undefined
      e = { labels: values, value: init() }
      this.series.set(key, e)
    }
    return e.value
  }

  protected labelText(values: readonly string[], extra?: readonly [string, string]): string {
    const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`)
    if (extra !== undefined) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`)
    return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
  }

  /** The sample lines of this metric (without HELP and TYPE). */
  abstract samples(): string[]

  /** Forgets every series. */
  reset(): void {
    this.series.clear()
  }
}

// A metric with one number per series: counters and gauges.
abstract class ValueMetric<L extends string> extends Metric<L, { v: number }> {
  /** The current value for labels (0 when never set). */
  get(labels?: LabelValues<L>): number {
    return this.find(labels)?.v ?? 0
  }

  samples(): string[] {
    return [...this.series.values()].map(
      (s) => `${this.name}${this.labelText(s.labels)} ${formatValue(s.value.v)}`
    )
  }
}

/** A monotonically increasing count. */
export class Counter<L extends string = never> extends ValueMetric<L> {
  readonly kind = 'counter'

  /** Adds value (default 1; negative values are ignored: counters only go up). */
  inc(labels?: LabelValues<L>, value = 1): void {
    if (!(value >= 0)) return
    const e = this.entry(labels, () => ({ v: 0 }))
    if (e !== undefined) e.v += value
  }
}

/** A value that goes up and down. */
export class Gauge<L extends string = never> extends ValueMetric<L> {
  readonly kind = 'gauge'

  set(labels: LabelValues<L> | undefined, value: number): void {
    const e = this.entry(labels, () => ({ v: 0 }))
    if (e !== undefined) e.v = value
  }

  inc(labels?: LabelValues<L>, value = 1): void {
    const e = this.entry(labels, () => ({ v: 0 }))
    if (e !== undefined) e.v += value
  }

  dec(labels?: LabelValues<L>, value = 1): void {
    this.inc(labels, -value)
  }
}

type HistogramState = { counts: number[]; sum: number; count: number }

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram<L extends string = never> extends Metric<L, HistogramState> {
  readonly kind = 'histogram'
  readonly buckets: readonly number[]

  constructor(o: HistogramOptions<L>) {
    super(o)
    const b = [...(o.buckets ?? DEFAULT_BUCKETS)]
    for (let i = 1; i < b.length; i++) {
      if (!((b[i] as number) > (b[i - 1] as number))) {
        throw new Error(`buckets of ${o.name} must be strictly ascending`)
      }
    }
    this.buckets = b.filter((x) => x !== Number.POSITIVE_INFINITY)
  }

  observe(labels: LabelValues<L> | undefined, value: number): void {
    if (Number.isNaN(value)) return
    const e = this.entry(labels, () => ({
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0,
    }))
    if (e === undefined) return
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] as number)) e.counts[i] = (e.counts[i] ?? 0) + 1
    }
    e.sum += value
    e.count++
  }

  /** Count and sum for labels. */
  get(labels?: LabelValues<L>): { count: number; sum: number } {
    const e = this.find(labels)
    return { count: e?.count ?? 0, sum: e?.sum ?? 0 }
  }

  samples(): string[] {
    const out: string[] = []
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => {
        out.push(
          `${this.name}_bucket${this.labelText(s.labels, ['le', formatValue(le)])} ${s.value.counts[i] ?? 0}`
        )
      })
      out.push(`${this.name}_bucket${this.labelText(s.labels, ['le', '+Inf'])} ${s.value.count}`)
      out.push(`${this.name}_sum${this.labelText(s.labels)} ${formatValue(s.value.sum)}`)
      out.push(`${this.name}_count${this.labelText(s.labels)} ${s.value.count}`)
    }
    return out
  }
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>

/**
 * MetricsRegistry holds named metrics and renders them. Registering a name twice returns the metric
 * already registered when kind and labels match, and throws otherwise.
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, AnyMetric>()

  counter<L extends string = never>(o: MetricOptions<L>): Counter<L> {
    return this.#register(o, 'counter', () => new Counter<L>(o)) as Counter<L>
  }

  gauge<L extends string = never>(o: MetricOptions<L>): Gauge<L> {
    return this.#register(o, 'gauge', () => new Gauge<L>(o)) as Gauge<L>
  }

  histogram<L extends string = never>(o: HistogramOptions<L>): Histogram<L> {
    return this.#register(o, 'histogram', () => new Histogram<L>(o)) as Histogram<L>
  }

  /** The text exposition of every metric, in registration order, ending with a newline. */
  render(): string {
    const lines: string[] = []
    for (const m of this.#metrics.values()) {
      lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`)
      lines.push(`# TYPE ${m.name} ${m.kind}`)
      lines.push(...m.samples())
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`
  }

  #register(o: MetricOptions<string>, kind: Kind, make: () => AnyMetric): AnyMetric {
    const existing = this.#metrics.get(o.name)
    if (existing !== undefined) {
      const same =
        existing.kind === kind &&
        JSON.stringify(existing.labelNames) === JSON.stringify(o.labelNames ?? [])
      if (!same) throw new Error(`metric ${o.name} already registered differently`)
      return existing
    }
    const m = make()
    this.#metrics.set(o.name, m)
    return m
  }
}

/** Renders a registry in the Prometheus text format (serve it with PROMETHEUS_CONTENT_TYPE). */
export function renderMetrics(registry: MetricsRegistry): string {
  return registry.render()
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf'
  if (v === Number.NEGATIVE_INFINITY) return '-Inf'
  if (Number.isNaN(v)) return 'NaN'
  return String(v)
}
