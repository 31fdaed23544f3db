import { isImportableTag, tagNeedsImport } from '../api/image/v1/generations.js'
import { findSpecTag, findStatusTag } from '../api/image/v1/tag-history.js'
import { type ImageStream, ImportSuccess, type TagReference } from '../api/image/v1/types.js'
import { statusForImportError } from '../importer/import-status.js'
import { namespaceKeyring } from '../importer/namespace-keyring.js'
import { imageStreamImportForStream } from '../importer/stream-import-request.js'
import type { ServerMetrics } from '../observability/server-metrics.js'
import type { RegistryClient } from '../registry-client/client.js'
import type { Keyring } from '../registry-client/credentials/types.js'
import { isRegistryError, RegistryErrorCode } from '../registry-client/errors.js'
import type { Clock } from '../shared/clock.js'
import { Reason } from '../shared/errors.js'
import type { Logger } from '../shared/log.js'
import type { Store } from '../store/store.js'
import { BucketSchedule } from './bucket-schedule.js'
import type { ImporterFunc, StoredImageStream } from './controller-deps.js'
import { type HeadCheck, headTags } from './head-check.js'
import type { ImmutableTagMatcher } from './immutable-tags.js'
import { countImports, importOutcomes } from './import-results.js'
import type { RegistryBudget } from './registry-budget.js'
import type { BackoffPolicy } from './runtime/backoff.js'
import { Controller, type ControllerObserver, type ReconcileResult } from './runtime/controller.js'
import { listAndWatch } from './runtime/list-watch.js'
import type { WorkQueue } from './runtime/queue.js'
import type { Runnable } from './runtime/runnable.js'
import {
  formatLastSeenDigests,
  formatScheduleRecord,
  LAST_SEEN_DIGESTS_ANNOTATION,
  materialKey,
  parseLastSeenDigests,
  parseScheduleRecord,
  SCHEDULE_ANNOTATION,
  type ScheduleRecord,
  scheduleRecordOf,
  type TagState,
  tagStateFromRecord,
} from './schedule-state.js'
import { parseStreamKey, streamKey } from './stream-key.js'
import { type TagSource, tagSource } from './tag-source.js'
import { TokenBucket } from './token-bucket.js'

/** The controller's name in logs and metrics. */
export const SCHEDULED_IMPORT_CONTROLLER = 'imagestream-scheduled-import'

/** Options of ScheduledImportController. */
export type ScheduledImportControllerOptions = {
  readonly store: Store
  /** The client the importer uses too (tokens and pings are shared). */
  readonly client: RegistryClient
  readonly importer: ImporterFunc
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics?: ServerMetrics
  readonly budget: RegistryBudget
  /** Every scheduled tag is checked once per interval. */
  readonly intervalMs: number
  /** Stream visits with checks per minute (burst twice that, as OpenShift); 0 or less: unlimited. */
  readonly maxImportsPerMinute: number
  readonly immutable: ImmutableTagMatcher
  readonly workers?: number
  /** Longest wait between checks of a failing tag; default 24 h (never less than the interval). */
  readonly maxTagBackoffMs?: number
  /** HEADs in flight per stream visit; default 8. */
  readonly headConcurrency?: number
  readonly nodeKeyring?: Keyring
  /** Per-key backoff of failed visits (Conflict, store errors). */
  readonly backoff?: BackoffPolicy
  readonly observer?: ControllerObserver
  /** Called once the first list has been scheduled (readiness). */
  readonly onSynced?: () => void
}

type StreamEntry = {
  readonly key: string
  readonly uid: string
  bucket: number
  readonly tags: Map<string, TagState>
  /** Source digests last seen where they differ from the status image (LAST_SEEN_DIGESTS_ANNOTATION). */
  lastSeen: Record<string, string>
  /** The newest revision of the stream this controller has accounted for. */
  knownRevision: number
  /** Per scheduled tag: its current status item and conditions, to notice imports made by others. */
  fingerprints: Map<string, string>
  /** A visit is running: events wait in `pending` until it is over. */
  busy: boolean
  pending?: StoredImageStream
  counts: StateCounts
}

type StateCounts = { active: number; immutable: number; backoff: number; waiting: number }

const ZERO_COUNTS: StateCounts = { active: 0, immutable: 0, backoff: 0, waiting: 0 }

/**
 * ScheduledImportController re-imports tags with `importPolicy.scheduled: true` once per interval,
 * the way OpenShift's ScheduledImageStreamController does (openshift-behaviour.md §4), and goes further:
 *
 *  1. **Spread**: streams live in the buckets of a BucketSchedule (2, 4 or 8 per interval, as
 *     OpenShift); a ticker queues a bucket's streams at the start of its slot. New streams go to the
 *     least-filled bucket; a stream imported by anyone else (a new history item or condition this
 *     controller did not write — `isctl import-image`, the import controller after a spec change) moves
 *     to the back of the schedule and its changed tags count as checked.
 *  2. **Cap**: a token bucket of maxImportsPerMinute (burst 2×) per stream visit that has tags due;
 *     without a token the visit is postponed until one is there.
 *  3. **HEAD first**: each due tag costs one HEAD (free on Docker Hub) with the namespace's pull
 *     secrets, through the shared client (one ping and token per repository). The digest is compared
 *     with the source digest last seen (LAST_SEEN_DIGESTS_ANNOTATION, else the image in status); only
 *     tags whose digest moved — or that carry a failed-import condition to clear — are imported, each
 *     with its own import policy, in one ImageStreamImport per stream. An unchanged tag costs one HEAD,
 *     no GET and no store write.
 *  4. **Per-registry budget**: a registry blocked by a 429 (Retry-After) is not asked anything until
 *     the wait is over; its tags wait (`requeueAfter`) while other registries go on. A 429 during the
 *     import becomes a TooManyRequests condition (the importer maps it) and blocks the registry too.
 *     RateLimit-Remaining bounds the manifest GETs of imports (changed tags beyond it wait a cycle).
 *  5. **Immutable tags**: digest references and tags matching the immutable patterns are never
 *     checked again once imported.
 *  6. **Failure backoff per tag**: a tag whose check fails waits 2^failures intervals (capped) before
 *     the next one; the importer writes the failure condition only when it differs, so an unchanged
 *     failure costs no write.
 *  7. **Visible schedule**: SCHEDULE_ANNOTATION shows each scheduled tag's last and next check; it is
 *     written only when more than time changed (see schedule-state.ts), at most once per visit.
 *
 * After a restart the schedule resumes from the annotations: each stream keeps its slot, backed-off
 * and waiting tags keep their times, and a tag's check repeats nothing (an unchanged digest adds no
 * history).
 */
export class ScheduledImportController implements Runnable {
  readonly controller: Controller
  readonly schedule: BucketSchedule
  readonly #o: ScheduledImportControllerOptions
  readonly #entries = new Map<string, StreamEntry>()
  readonly #limiter: TokenBucket
  readonly #totals: StateCounts = { ...ZERO_COUNTS }
  #queue: WorkQueue | undefined
  #synced = false
  #onSynced: (() => void)[] = []

  constructor(o: ScheduledImportControllerOptions) {
    this.#o = o
    this.schedule = new BucketSchedule({ intervalMs: o.intervalMs })
    this.#limiter = new TokenBucket({ clock: o.clock, perMinute: o.maxImportsPerMinute })
    this.controller = new Controller({
      name: SCHEDULED_IMPORT_CONTROLLER,
      clock: o.clock,
      logger: o.logger,
      workers: o.workers ?? 4,
      ...(o.backoff === undefined ? {} : { backoff: o.backoff }),
      ...(o.observer === undefined ? {} : { observer: o.observer }),
      reconciler: { reconcile: (key, signal) => this.#reconcile(key, signal) },
      sources: [(q, s) => this.#watch(q, s), (q, s) => this.#tick(q, s)],
    })
  }

  start(signal: AbortSignal): Promise<void> {
    return this.controller.start(signal)
  }

  /** The state of a scheduled stream's tags (a copy), or undefined when it is not scheduled. */
  tagStates(key: string): Map<string, TagState> | undefined {
    const e = this.#entries.get(key)
    return e === undefined ? undefined : new Map([...e.tags].map(([k, v]) => [k, { ...v }]))
  }

  /** The bucket of a scheduled stream. */
  bucketOf(key: string): number | undefined {
    return this.#entries.get(key)?.bucket
  }

  // --- sources ---------------------------------------------------------------------------------

  async #watch(queue: WorkQueue, signal: AbortSignal): Promise<void> {
    this.#queue = queue
    await listAndWatch<StoredImageStream>({
      store: this.#o.store,
      resource: 'imagestreams',
      clock: this.#o.clock,
      logger: this.#o.logger,
      signal,
      onList: (items) => {
        const present = new Set<string>()
        for (const s of items) {
          present.add(streamKey(s.metadata.namespace, s.metadata.name))
          this.#observe(s)
        }
        for (const key of [...this.#entries.keys()]) if (!present.has(key)) this.#forget(key)
        if (!this.#synced) {
          this.#synced = true
          this.#o.onSynced?.()
          for (const f of this.#onSynced.splice(0)) f()
        }
      },
      onEvent: (e) => {
        if (e.type === 'DELETED') {
          const key = streamKey(e.object.metadata.namespace, e.object.metadata.name)
          if (this.#entries.get(key)?.uid === (e.object.metadata.uid ?? '')) this.#forget(key)
          return
        }
        this.#observe(e.object)
      },
    })
  }

  // Queues each bucket's streams at the start of its slot (after the first list, so that resumed
  // streams are in their buckets).
  async #tick(queue: WorkQueue, signal: AbortSignal): Promise<void> {
    if (!this.#synced) {
      const ready = new Promise<void>((resolve) => {
        this.#onSynced.push(resolve)
        signal.addEventListener('abort', () => resolve(), { once: true })
      })
      await ready
    }
    const { clock } = this.#o
    let lastSlot = Number.NaN
    while (!signal.aborted) {
      const now = clock.now()
      const slot = this.schedule.slotStartAt(now)
      if (slot !== lastSlot) {
        lastSlot = slot
        for (const key of this.schedule.members(this.schedule.bucketAt(now))) queue.add(key)
      }
      const next = this.schedule.nextSlotStartAfter(now)
      try {
        await clock.sleep(Math.max(1, next - now), signal)
      } catch {
        return
      }
    }
  }

  // --- keeping the schedule in line with the streams -------------------------------------------

  #observe(stream: StoredImageStream): void {
    const key = streamKey(stream.metadata.namespace, stream.metadata.name)
    const scheduled = scheduledTags(stream)
    let entry = this.#entries.get(key)
    if (entry !== undefined && entry.uid !== (stream.metadata.uid ?? '')) {
      this.#forget(key)
      entry = undefined
    }
    if (scheduled.length === 0) {
      if (entry !== undefined) this.#forget(key)
      const a = stream.metadata.annotations ?? {}
      if (a[SCHEDULE_ANNOTATION] !== undefined || a[LAST_SEEN_DIGESTS_ANNOTATION] !== undefined) {
        this.#queue?.add(key)
      }
      return
    }
    if (entry === undefined) {
      entry = this.#create(key, stream)
      this.#entries.set(key, entry)
      this.#sync(entry, stream, this.#o.clock.now())
      if (!importPending(stream) && this.#needsWrite(entry, stream)) this.#queue?.add(key)
      return
    }
    if (entry.busy) {
      entry.pending = stream
      return
    }
    if (revision(stream) <= entry.knownRevision) return
    this.#external(entry, stream)
  }

  // A version of the stream this controller did not write: spec changes, and imports by others.
  #external(entry: StreamEntry, stream: StoredImageStream): void {
    const now = this.#o.clock.now()
    const fingerprints = fingerprintsOf(stream)
    const imported = [...fingerprints].filter(([tag, fp]) => {
      const old = entry.fingerprints.get(tag)
      return old !== undefined && old !== fp
    })
    if (imported.length > 0) {
      entry.bucket = this.schedule.moveToBack(entry.key, now)
      const base = this.#lastVisit(entry, now)
      for (const [tag, s] of entry.tags) {
        if (s.immutable) continue
        if (imported.some(([t]) => t === tag)) {
          s.lastChecked = now
          const failed = failureCondition(stream, tag)
          if (failed === undefined) {
            s.failures = 0
            delete s.reason
          } else s.reason = failed
          s.waiting = false
        }
        if (s.failures === 0 && !s.waiting) s.nextCheck = base + this.#o.intervalMs
      }
      this.#o.logger.debug('stream imported elsewhere, moved to the back of the schedule', {
        stream: entry.key,
        tags: imported.map(([t]) => t),
      })
    }
    entry.fingerprints = fingerprints
    entry.knownRevision = revision(stream)
    this.#sync(entry, stream, now)
    if (!importPending(stream) && this.#needsWrite(entry, stream)) {
      this.#queue?.add(entry.key)
    }
  }

  #create(key: string, stream: StoredImageStream): StreamEntry {
    const now = this.#o.clock.now()
    const annotations = stream.metadata.annotations ?? {}
    const record = parseScheduleRecord(annotations[SCHEDULE_ANNOTATION])
    let bucket =
      record !== undefined && record.intervalMs === this.#o.intervalMs
        ? this.schedule.bucketWithOffset(record.offsetMs)
        : undefined
    if (bucket === undefined) bucket = this.schedule.place(key, now)
    else this.schedule.set(key, bucket)
    const tags = new Map<string, TagState>()
    if (bucket !== undefined && record !== undefined && record.intervalMs === this.#o.intervalMs) {
      for (const [name, r] of Object.entries(record.tags)) {
        const s = tagStateFromRecord(r)
        if (s !== undefined) tags.set(name, s)
      }
    }
    return {
      key,
      uid: stream.metadata.uid ?? '',
      bucket,
      tags,
      lastSeen: parseLastSeenDigests(annotations[LAST_SEEN_DIGESTS_ANNOTATION]),
      knownRevision: revision(stream),
      fingerprints: fingerprintsOf(stream),
      busy: false,
      counts: { ...ZERO_COUNTS },
    }
  }

  // Aligns the tag states with the spec: new scheduled tags are first checked one interval from now
  // (they were just imported), dropped ones are forgotten, imported immutable ones are retired.
  #sync(entry: StreamEntry, stream: StoredImageStream, now: number): void {
    const scheduled = scheduledTags(stream)
    const names = new Set(scheduled.map((t) => t.name))
    for (const name of [...entry.tags.keys()]) if (!names.has(name)) entry.tags.delete(name)
    for (const name of Object.keys(entry.lastSeen)) {
      if (!names.has(name)) delete entry.lastSeen[name]
    }
    for (const tag of scheduled) {
      let s = entry.tags.get(tag.name)
      if (s === undefined) {
        s = {
          nextCheck: this.#nextVisit(entry, now),
          failures: 0,
          waiting: false,
          immutable: false,
        }
        entry.tags.set(tag.name, s)
      }
      const source = tagSource(tag)
      const imported = (findStatusTag(stream, tag.name)?.items ?? []).length > 0
      const immutable =
        source !== undefined &&
        this.#o.immutable(source) &&
        imported &&
        !tagNeedsImport(stream, tag) &&
        failureCondition(stream, tag.name) === undefined
      if (immutable && !s.immutable) {
        s.immutable = true
        s.nextCheck = Number.POSITIVE_INFINITY
        s.failures = 0
        s.waiting = false
        delete s.reason
      } else if (!immutable && s.immutable) {
        s.immutable = false
        s.nextCheck = this.#nextVisit(entry, now)
      }
    }
    this.#recount(entry)
  }

  #forget(key: string): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    this.#entries.delete(key)
    this.schedule.remove(key)
    this.#applyCounts(entry.counts, ZERO_COUNTS)
    entry.counts = { ...ZERO_COUNTS }
  }

  #recount(entry: StreamEntry): void {
    const c: StateCounts = { ...ZERO_COUNTS }
    for (const s of entry.tags.values()) {
      if (s.immutable) c.immutable++
      else if (s.waiting) c.waiting++
      else if (s.failures > 0) c.backoff++
      else c.active++
    }
    this.#applyCounts(entry.counts, c)
    entry.counts = c
  }

  #applyCounts(old: StateCounts, next: StateCounts): void {
    const gauge = this.#o.metrics?.scheduledTags
    for (const state of ['active', 'immutable', 'backoff', 'waiting'] as const) {
      this.#totals[state] += next[state] - old[state]
      gauge?.set({ state }, this.#totals[state])
    }
  }

  // --- the visit -------------------------------------------------------------------------------

  async #reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | undefined> {
    const { namespace, name } = parseStreamKey(key)
    const stream = await this.#o.store.get<StoredImageStream>({
      resource: 'imagestreams',
      namespace,
      name,
    })
    if (stream === undefined) {
      this.#forget(key)
      return undefined
    }
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.uid !== (stream.metadata.uid ?? '')) {
      if (scheduledTags(stream).length === 0) await this.#clearAnnotations(key, stream, signal)
      return undefined
    }
    entry.busy = true
    try {
      return await this.#visit(entry, stream, signal)
    } finally {
      entry.busy = false
      const pending = entry.pending
      delete entry.pending
      if (pending !== undefined && revision(pending) > entry.knownRevision) {
        this.#external(entry, pending)
      }
    }
  }

  async #visit(
    entry: StreamEntry,
    stream: StoredImageStream,
    signal: AbortSignal
  ): Promise<ReconcileResult | undefined> {
    const o = this.#o
    const now = o.clock.now()
    if (revision(stream) > entry.knownRevision) {
      // The get may be newer than the last event: account for it like an event.
      this.#external(entry, stream)
    }
    this.#sync(entry, stream, now)
    const tolerance = Math.min(this.schedule.slotMs / 4, 1000)
    const due: { tag: TagReference; state: TagState; source: TagSource }[] = []
    for (const [name, state] of entry.tags) {
      if (state.immutable || state.nextCheck > now + tolerance) continue
      const tag = findSpecTag(stream, name)
      // Not imported at its generation yet: that is the import controller's job.
      if (tag === undefined || tagNeedsImport(stream, tag)) continue
      const source = tagSource(tag)
      if (source === undefined) continue
      due.push({ tag, state, source })
    }
    if (due.length > 0 && importPending(stream)) {
      // The import controller is about to write this stream: go after it rather than race it.
      return { requeueAfter: Math.max(100, Math.min(this.schedule.slotMs / 2, 5000)) }
    }
    if (due.length === 0) {
      await this.#persist(entry, stream, signal)
      return this.#wake(entry, now)
    }

    // 1. Registries that asked us to wait: their tags wait, without a request.
    const checks: HeadCheck[] = []
    const blocked: { state: TagState; registry: string; until: number }[] = []
    for (const d of due) {
      const until = o.budget.blockedUntil(d.source.registry)
      if (until !== undefined) blocked.push({ state: d.state, registry: d.source.registry, until })
      else checks.push({ tag: d.tag.name, source: d.source })
    }
    if (checks.length > 0) {
      const wait = this.#limiter.tryTake()
      if (wait > 0) {
        o.logger.debug('scheduled import limit reached, postponing', { stream: entry.key, wait })
        return { requeueAfter: wait }
      }
    }
    for (const b of blocked) {
      this.#waitFor(b.state, b.until, Reason.TooManyRequests)
      o.metrics?.scheduledChecks.inc({ registry: b.registry, result: 'deferred' })
    }

    // 2. HEAD the rest.
    const keyring = await namespaceKeyring({
      store: o.store,
      logger: o.logger,
      namespace: stream.metadata.namespace ?? '',
      ...(o.nodeKeyring === undefined ? {} : { nodeKeyring: o.nodeKeyring }),
      signal,
    })
    const heads = await headTags({
      client: o.client,
      keyring,
      checks,
      concurrency: o.headConcurrency ?? 8,
      signal,
    })
    const toImport: { tag: string; source: TagSource; headDigest?: string }[] = []
    for (const [i, h] of heads.entries()) {
      const check = checks[i] as HeadCheck
      const state = entry.tags.get(h.tag) as TagState
      const registry = check.source.registry
      if (h.ok) {
        o.budget.succeeded(registry)
        const status = findStatusTag(stream, h.tag)
        const seen = entry.lastSeen[h.tag] ?? status?.items?.[0]?.image
        if (h.digest !== seen || failureCondition(stream, h.tag) !== undefined) {
          toImport.push({ tag: h.tag, source: check.source, headDigest: h.digest })
        } else {
          this.#checked(entry, state, now)
          o.metrics?.scheduledChecks.inc({ registry, result: 'unchanged' })
        }
        continue
      }
      if (isTooManyRequests(h.error)) {
        const retryAfterMs = isRegistryError(h.error) ? h.error.retryAfterMs : undefined
        const until = o.budget.tooManyRequests(registry, retryAfterMs)
        this.#waitFor(state, until, Reason.TooManyRequests)
        o.metrics?.scheduledChecks.inc({ registry, result: 'deferred' })
        continue
      }
      const reason =
        statusForImportError(h.error, {
          ref: `${check.source.registry}/${check.source.repository}:${check.source.tag}`,
          repositoryName: check.source.repository,
          insecure: check.source.insecure,
        }).reason ?? Reason.InternalError
      o.metrics?.scheduledChecks.inc({ registry, result: 'failed' })
      if (failureCondition(stream, h.tag) !== reason) {
        // The failure is news: let the importer record it as the tag's condition.
        toImport.push({ tag: h.tag, source: check.source })
      } else this.#failed(entry, state, now, reason)
    }
    // 429s the client waited out by itself (retrying) count as waits too.
    for (const registry of new Set(checks.map((c) => c.source.registry))) o.budget.observe(registry)

    // 3. RateLimit-Remaining: the manifest GETs of imports must fit what the registry still allows.
    const allowed: typeof toImport = []
    const byRegistry = new Map<string, typeof toImport>()
    for (const t of toImport) {
      const list = byRegistry.get(t.source.registry) ?? []
      list.push(t)
      byRegistry.set(t.source.registry, list)
    }
    for (const [registry, list] of byRegistry) {
      const allowance = o.budget.manifestGetAllowance(registry)
      const fit = list.slice(0, Math.max(0, Math.min(list.length, allowance)))
      o.budget.spend(registry, fit.length)
      allowed.push(...fit)
      if (fit.length < list.length) {
        const next = this.#lastVisit(entry, now) + o.intervalMs
        o.budget.heldBack(registry, next - now)
        for (const t of list.slice(fit.length)) {
          this.#waitFor(entry.tags.get(t.tag) as TagState, next, 'RateLimitRemaining')
          o.metrics?.scheduledChecks.inc({ registry, result: 'deferred' })
        }
      }
    }

    // 4. Import what moved (and what must show a new failure), each tag with its own policy.
    let latest: StoredImageStream = stream
    const isi =
      allowed.length === 0
        ? undefined
        : imageStreamImportForStream(stream, {
            mode: 'spec-policy',
            tags: allowed.map((t) => t.tag),
          })
    if (isi !== undefined) {
      const started = o.clock.now()
      const result = await o.importer(stream.metadata.namespace ?? '', isi, { signal })
      o.metrics?.importDuration.observe({ trigger: 'scheduled' }, (o.clock.now() - started) / 1000)
      const stored = result.status?.import
      if (stored !== null && stored !== undefined && stored.metadata?.name !== undefined) {
        latest = stored as StoredImageStream
      }
      const outcomes = importOutcomes(isi, result)
      countImports(o.metrics, 'scheduled', outcomes)
      const done = o.clock.now()
      for (const out of outcomes) {
        const state = entry.tags.get(out.tag)
        if (state === undefined) continue
        if (out.ok) {
          o.budget.succeeded(out.registry)
          this.#checked(entry, state, done)
          if (out.sourceDigest !== undefined && out.sourceDigest !== out.imageDigest) {
            entry.lastSeen[out.tag] = out.sourceDigest
          } else delete entry.lastSeen[out.tag]
          o.metrics?.scheduledChecks.inc({ registry: out.registry, result: 'changed' })
        } else if (out.reason === Reason.TooManyRequests) {
          const until = o.budget.tooManyRequests(out.registry, out.retryAfterMs)
          this.#waitFor(state, until, Reason.TooManyRequests)
          o.metrics?.scheduledChecks.inc({ registry: out.registry, result: 'deferred' })
        } else {
          this.#failed(entry, state, done, out.reason)
          o.metrics?.scheduledChecks.inc({ registry: out.registry, result: 'failed' })
        }
      }
      for (const registry of new Set(outcomes.map((x) => x.registry))) o.budget.observe(registry)
    }
    this.#recount(entry)
    await this.#persist(entry, latest, signal)
    return this.#wake(entry, o.clock.now())
  }

  // The earliest time a waiting tag may go again, as requeueAfter (the bucket visits handle the rest).
  #wake(entry: StreamEntry, now: number): ReconcileResult | undefined {
    let until: number | undefined
    for (const s of entry.tags.values()) {
      if (s.waiting) until = Math.min(until ?? s.nextCheck, s.nextCheck)
    }
    return until === undefined ? undefined : { requeueAfter: Math.max(1, until - now) }
  }

  #checked(entry: StreamEntry, s: TagState, now: number): void {
    s.lastChecked = now
    s.failures = 0
    s.waiting = false
    delete s.reason
    s.nextCheck = this.#lastVisit(entry, now) + this.#o.intervalMs
  }

  #failed(entry: StreamEntry, s: TagState, now: number, reason: string): void {
    s.lastChecked = now
    s.failures++
    s.reason = reason
    s.waiting = false
    const maxBackoff = Math.max(this.#o.intervalMs, this.#o.maxTagBackoffMs ?? 24 * 60 * 60_000)
    const maxCycles = Math.max(1, Math.floor(maxBackoff / this.#o.intervalMs))
    const cycles = Math.min(2 ** Math.min(s.failures, 30), maxCycles)
    s.nextCheck = this.#lastVisit(entry, now) + cycles * this.#o.intervalMs
  }

  #waitFor(s: TagState, until: number, reason: string): void {
    s.waiting = true
    s.reason = reason
    s.nextCheck = until
  }

  // The latest visit time of the entry's bucket at or before now.
  #lastVisit(entry: StreamEntry, now: number): number {
    return this.schedule.nextVisit(entry.bucket, now) - this.#o.intervalMs
  }

  #nextVisit(entry: StreamEntry, now: number): number {
    return this.schedule.nextVisit(entry.bucket, now)
  }

  // --- the annotations -------------------------------------------------------------------------

  #desired(entry: StreamEntry): { record: ScheduleRecord; lastSeen: string | undefined } {
    return {
      record: scheduleRecordOf(
        this.#o.intervalMs,
        this.schedule.offsetOf(entry.bucket),
        entry.tags
      ),
      lastSeen: formatLastSeenDigests(entry.lastSeen),
    }
  }

  // Whether the stored annotations differ from the entry by more than the passing of time (an
  // import writes the stream anyway, but the annotation does not need to follow it: the times of tags
  // on schedule are derivable, see schedule-state.ts).
  #needsWrite(entry: StreamEntry, stream: ImageStream): boolean {
    const a = stream.metadata.annotations ?? {}
    const desired = this.#desired(entry)
    if (a[LAST_SEEN_DIGESTS_ANNOTATION] !== desired.lastSeen) return true
    return materialKey(parseScheduleRecord(a[SCHEDULE_ANNOTATION])) !== materialKey(desired.record)
  }

  async #persist(
    entry: StreamEntry,
    stream: StoredImageStream,
    signal: AbortSignal
  ): Promise<void> {
    let latest = stream
    // Never race the import controller: it writes first, the annotation follows on its event.
    if (!importPending(stream) && this.#needsWrite(entry, stream)) {
      const { record, lastSeen } = this.#desired(entry)
      const text = formatScheduleRecord(record)
      const { namespace, name } = parseStreamKey(entry.key)
      latest = await this.#o.store.guaranteedUpdate<StoredImageStream>(
        { resource: 'imagestreams', namespace, name },
        (current) => {
          if ((current.metadata.uid ?? '') !== entry.uid) return undefined
          if (!this.#needsWrite(entry, current)) return undefined
          const annotations = { ...(current.metadata.annotations ?? {}) }
          annotations[SCHEDULE_ANNOTATION] = text
          if (lastSeen === undefined) delete annotations[LAST_SEEN_DIGESTS_ANNOTATION]
          else annotations[LAST_SEEN_DIGESTS_ANNOTATION] = lastSeen
          current.metadata.annotations = annotations
          return current
        },
        { signal }
      )
    }
    entry.knownRevision = Math.max(entry.knownRevision, revision(latest))
    entry.fingerprints = fingerprintsOf(latest)
  }

  async #clearAnnotations(key: string, stream: ImageStream, signal: AbortSignal): Promise<void> {
    const a = stream.metadata.annotations ?? {}
    if (a[SCHEDULE_ANNOTATION] === undefined && a[LAST_SEEN_DIGESTS_ANNOTATION] === undefined)
      return
    const { namespace, name } = parseStreamKey(key)
    await this.#o.store.guaranteedUpdate<StoredImageStream>(
      { resource: 'imagestreams', namespace, name },
      (current) => {
        if (scheduledTags(current).length > 0) return undefined
        const annotations = { ...(current.metadata.annotations ?? {}) }
        delete annotations[SCHEDULE_ANNOTATION]
        delete annotations[LAST_SEEN_DIGESTS_ANNOTATION]
        current.metadata.annotations = annotations
        return current
      },
      { signal }
    )
  }
}

/** The spec tags this controller keeps an eye on: importable and `importPolicy.scheduled`. */
export function scheduledTags(stream: ImageStream): TagReference[] {
  return (stream.spec?.tags ?? []).filter(
    (t) => isImportableTag(t) && t.importPolicy?.scheduled === true
  )
}

// The reason of the tag's ImportSuccess=False condition, if it has one.
function failureCondition(stream: ImageStream, tag: string): string | undefined {
  const c = (findStatusTag(stream, tag)?.conditions ?? []).find(
    (x) => x.type === ImportSuccess && x.status === 'False'
  )
  return c === undefined ? undefined : (c.reason ?? '')
}

// Whether the import controller has work on this stream (a tag newer than observed, or a first
// repository import).
function importPending(stream: ImageStream): boolean {
  return imageStreamImportForStream(stream, { mode: 'spec-policy' }) !== undefined
}

// What an import writes for a scheduled tag: its current item and its conditions. Tags without any
// status are left out, so that their first import does not count as an import by someone else.
function fingerprintsOf(stream: ImageStream): Map<string, string> {
  const out = new Map<string, string>()
  for (const tag of scheduledTags(stream)) {
    const list = findStatusTag(stream, tag.name)
    const item = list?.items?.[0]
    if (item === undefined && (list?.conditions ?? []).length === 0) continue
    out.set(
      tag.name,
      JSON.stringify([
        item?.image ?? '',
        item?.created ?? '',
        item?.generation ?? 0,
        (list?.conditions ?? []).map((c) => [
          c.type,
          c.status,
          c.reason ?? '',
          c.message ?? '',
          c.generation,
        ]),
      ])
    )
  }
  return out
}

function revision(stream: ImageStream): number {
  const n = Number(stream.metadata.resourceVersion ?? '')
  return Number.isFinite(n) ? n : 0
}

function isTooManyRequests(err: unknown): boolean {
  return (
    isRegistryError(err) && (err.code === RegistryErrorCode.TooManyRequests || err.status === 429)
  )
}
