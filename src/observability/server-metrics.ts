import { type Counter, type Gauge, type Histogram, MetricsRegistry } from './metrics.js'

/**
 * ServerMetrics are the metrics of an imagestreams server, all in one registry (render it with
 * renderMetrics(metrics.registry)). Registry names are hosts as written in references
 * (`docker.io`, `127.0.0.1:5000`); label values never carry credentials.
 */
export type ServerMetrics = {
  readonly registry: MetricsRegistry
  /** `imagestreams_imports_total{trigger,registry,result,reason}`: one per imported image (tag). */
  readonly imports: Counter<'trigger' | 'registry' | 'result' | 'reason'>
  /** `imagestreams_import_duration_seconds{trigger}`: one ImageStreamImport, request to write. */
  readonly importDuration: Histogram<'trigger'>
  /** `imagestreams_registry_requests_total{registry,method,status}`: every outbound HTTP exchange. */
  readonly registryRequests: Counter<'registry' | 'method' | 'status'>
  /** `imagestreams_registry_request_duration_seconds{registry,method}`. */
  readonly registryRequestDuration: Histogram<'registry' | 'method'>
  /** `imagestreams_workqueue_depth{controller}`: keys ready and waiting for a worker. */
  readonly queueDepth: Gauge<'controller'>
  /** `imagestreams_reconcile_total{controller,outcome}`. */
  readonly reconciles: Counter<'controller' | 'outcome'>
  /** `imagestreams_scheduled_tags{state}`: scheduled tags by state (active, immutable, backoff, waiting). */
  readonly scheduledTags: Gauge<'state'>
  /** `imagestreams_scheduled_checks_total{registry,result}`: unchanged, changed, failed, deferred. */
  readonly scheduledChecks: Counter<'registry' | 'result'>
  /** `imagestreams_rate_limit_waits_total{registry,source}`: times a registry made us wait. */
  readonly rateLimitWaits: Counter<'registry' | 'source'>
  /** `imagestreams_rate_limit_wait_seconds_total{registry}`: the waits asked for, summed. */
  readonly rateLimitWaitSeconds: Counter<'registry'>
  /** `imagestreams_http_requests_total{method,code}`: requests served by our API. */
  readonly httpRequests: Counter<'method' | 'code'>
  /** `imagestreams_http_request_duration_seconds{method}`. */
  readonly httpRequestDuration: Histogram<'method'>
}

/** Creates (or finds, when already registered) the server's metrics in registry. */
export function createServerMetrics(
  registry: MetricsRegistry = new MetricsRegistry()
): ServerMetrics {
  return {
    registry,
    imports: registry.counter({
      name: 'imagestreams_imports_total',
      help: 'Images imported into image streams, by trigger (change, scheduled), source registry, result and failure reason.',
      labelNames: ['trigger', 'registry', 'result', 'reason'],
    }),
    importDuration: registry.histogram({
      name: 'imagestreams_import_duration_seconds',
      help: 'Duration of image stream imports made by the controllers.',
      labelNames: ['trigger'],
    }),
    registryRequests: registry.counter({
      name: 'imagestreams_registry_requests_total',
      help: 'HTTP requests sent to upstream registries, by method and response status (0: no response).',
      labelNames: ['registry', 'method', 'status'],
    }),
    registryRequestDuration: registry.histogram({
      name: 'imagestreams_registry_request_duration_seconds',
      help: 'Duration of HTTP requests sent to upstream registries.',
      labelNames: ['registry', 'method'],
    }),
    queueDepth: registry.gauge({
      name: 'imagestreams_workqueue_depth',
      help: 'Keys ready in a controller work queue.',
      labelNames: ['controller'],
    }),
    reconciles: registry.counter({
      name: 'imagestreams_reconcile_total',
      help: 'Finished reconciles by controller and outcome (success, requeue, error, terminal).',
      labelNames: ['controller', 'outcome'],
    }),
    scheduledTags: registry.gauge({
      name: 'imagestreams_scheduled_tags',
      help: 'Tags with importPolicy.scheduled, by state (active, immutable, backoff, waiting).',
      labelNames: ['state'],
    }),
    scheduledChecks: registry.counter({
      name: 'imagestreams_scheduled_checks_total',
      help: 'Scheduled tag checks by registry and result (unchanged, changed, failed, deferred).',
      labelNames: ['registry', 'result'],
    }),
    rateLimitWaits: registry.counter({
      name: 'imagestreams_rate_limit_waits_total',
      help: 'Times a registry made the controllers wait, by source (retry-after, remaining, backoff).',
      labelNames: ['registry', 'source'],
    }),
    rateLimitWaitSeconds: registry.counter({
      name: 'imagestreams_rate_limit_wait_seconds_total',
      help: 'Waits asked for by registries (Retry-After or our backoff), summed.',
      labelNames: ['registry'],
    }),
    httpRequests: registry.counter({
      name: 'imagestreams_http_requests_total',
      help: 'HTTP requests served, by method and status code.',
      labelNames: ['method', 'code'],
    }),
    httpRequestDuration: registry.histogram({
      name: 'imagestreams_http_request_duration_seconds',
      help: 'Duration of HTTP requests served.',
      labelNames: ['method'],
    }),
  }
}

/** One outbound registry exchange, as createRegistryClient's `onRequest` reports it. */
export type RegistryRequestEvent = {
  readonly registry: string
  readonly method: string
  readonly status: number
  readonly durationMs: number
}

/**
 * Returns a function for createRegistryClient's `onRequest` that counts every exchange in
 * `imagestreams_registry_requests_total` and times it. Optionally chains to another observer.
 */
export function registryRequestObserver(
  metrics: ServerMetrics,
  next?: (e: RegistryRequestEvent) => void
): (e: RegistryRequestEvent) => void {
  return (e) => {
    metrics.registryRequests.inc({
      registry: e.registry,
      method: e.method,
      status: String(e.status),
    })
    metrics.registryRequestDuration.observe(
      { registry: e.registry, method: e.method },
      e.durationMs / 1000
    )
    next?.(e)
  }
}
