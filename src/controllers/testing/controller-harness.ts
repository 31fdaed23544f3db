import { setDefaultsImageStream } from '../../api/image/v1/defaults.js'
import { setGenerationsOnCreate } from '../../api/image/v1/generations.js'
import { findStatusTag } from '../../api/image/v1/tag-history.js'
import type { ImageStream, ImageStreamImport, TagEvent } from '../../api/image/v1/types.js'
import { createImageStreamImport } from '../../importer/import-stream.js'
import { DEFAULT_IMPORTER_SETTINGS } from '../../importer/importer-deps.js'
import { createServerMetrics, type ServerMetrics } from '../../observability/server-metrics.js'
import { computeDigest } from '../../oci/digest.js'
import { MediaType } from '../../oci/media-types.js'
import { noopLogger } from '../../shared/log.js'
import { MemoryStore } from '../../store/memory-store.js'
import type { ControllerSettings, ImporterFunc, StoredImageStream } from '../controller-deps.js'
import {
  type Controllers,
  type CreateControllersOptions,
  createControllers,
} from '../controllers.js'
import { FakeClock } from '../runtime/fake-clock.js'
import { type FakeContent, FakeRegistryClient } from './fake-registry-client.js'

/** The namespace of harness streams. */
export const NS = 'team'

/** A built single-platform image: manifest and config. */
export type TestImage = { readonly manifest: FakeContent; readonly config: FakeContent }

/** Builds a small OCI image whose content (and digest) depends on seed. */
export function testImage(seed: string, arch = 'amd64'): TestImage {
  const configBytes = Buffer.from(
    JSON.stringify({
      created: '2026-01-01T00:00:00Z',
      architecture: arch,
      os: 'linux',
      config: { Env: [`SEED=${seed}`] },
      rootfs: { type: 'layers', diff_ids: [] },
    })
  )
  const config = {
    digest: computeDigest(configBytes),
    mediaType: MediaType.OciConfig,
    bytes: configBytes,
  }
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: config.mediaType, digest: config.digest, size: configBytes.length },
      layers: [],
    })
  )
  return {
    manifest: {
      digest: computeDigest(manifestBytes),
      mediaType: MediaType.OciManifest,
      bytes: manifestBytes,
    },
    config,
  }
}

/** Builds an OCI index over images (one per platform). */
export function testIndex(children: readonly { image: TestImage; arch: string }[]): FakeContent {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: children.map((c) => ({
        mediaType: c.image.manifest.mediaType,
        digest: c.image.manifest.digest,
        size: c.image.manifest.bytes.byteLength,
        platform: { os: 'linux', architecture: c.arch },
      })),
    })
  )
  return { digest: computeDigest(bytes), mediaType: MediaType.OciIndex, bytes }
}

/** A spec tag of createStream. */
export type TestTag = {
  readonly name: string
  readonly from: string
  readonly scheduled?: boolean
  readonly importMode?: string
  readonly insecure?: boolean
}

/** Options of startHarness. */
export type HarnessOptions = {
  readonly settings?: Partial<ControllerSettings>
  readonly store?: MemoryStore
  readonly clock?: FakeClock
  readonly client?: FakeRegistryClient
  readonly controllers?: CreateControllersOptions
  /** Runs before each import (to fail it, for instance). */
  readonly beforeImport?: (isi: ImageStreamImport) => void
}

/** A running set of controllers over a MemoryStore, a FakeRegistryClient and a FakeClock. */
export type Harness = {
  readonly clock: FakeClock
  readonly store: MemoryStore
  readonly client: FakeRegistryClient
  readonly metrics: ServerMetrics
  readonly controllers: Controllers
  /** Every ImageStreamImport the controllers posted, in order. */
  readonly imports: ImageStreamImport[]
  /** The real importer (createImageStreamImport) over the harness's store and client. */
  readonly importer: ImporterFunc
  /** Lets pending work run without moving time. */
  settle(): Promise<void>
  /** Stops the controllers and waits for them. */
  stop(): Promise<void>
}

/** The interval of harness schedules unless told otherwise: 60 s (two 30 s buckets). */
export const HARNESS_INTERVAL_MS = 60_000

/**
 * Starts createControllers over in-memory fakes; the importer is the real createImageStreamImport,
 * wrapped to record what the controllers post.
 */
export function startHarness(o: HarnessOptions = {}): Harness {
  const clock = o.clock ?? new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
  const store = o.store ?? new MemoryStore({ clock })
  const client = o.client ?? new FakeRegistryClient()
  const metrics = createServerMetrics()
  const imports: ImageStreamImport[] = []
  const importer: ImporterFunc = (namespace, isi, opts) =>
    createImageStreamImport(
      { store, client, clock, logger: noopLogger, settings: DEFAULT_IMPORTER_SETTINGS },
      namespace,
      isi,
      opts
    )
  const controllers = createControllers(
    {
      store,
      client,
      clock,
      logger: noopLogger,
      metrics,
      importer: async (namespace, isi, opts) => {
        imports.push(structuredClone(isi))
        o.beforeImport?.(isi)
        return importer(namespace, isi, opts)
      },
      settings: {
        scheduledImportIntervalMs: HARNESS_INTERVAL_MS,
        maxScheduledImportsPerMinute: 0,
        workers: 2,
        ...o.settings,
      },
    },
    o.controllers
  )
  const ac = new AbortController()
  const running = controllers.start(ac.signal)
  return {
    clock,
    store,
    client,
    metrics,
    controllers,
    imports,
    importer,
    settle: () => clock.advance(0),
    stop: async () => {
      ac.abort()
      await running
    },
  }
}

/** Creates a stream the way the API does (defaults, generations), with DockerImage tags. */
export async function createStream(
  store: MemoryStore,
  name: string,
  tags: readonly TestTag[]
): Promise<StoredImageStream> {
  const stream: StoredImageStream = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace: NS },
    spec: {
      tags: tags.map((t) => ({
        name: t.name,
        from: { kind: 'DockerImage', name: t.from },
        importPolicy: {
          ...(t.scheduled === true ? { scheduled: true } : {}),
          ...(t.insecure === true ? { insecure: true } : {}),
          ...(t.importMode === undefined ? {} : { importMode: t.importMode }),
        },
      })),
    },
  }
  setDefaultsImageStream(stream)
  setGenerationsOnCreate(stream)
  return store.create('imagestreams', stream)
}

/** Reads a stream. */
export async function getStream(store: MemoryStore, name: string): Promise<StoredImageStream> {
  const s = await store.get<StoredImageStream>({ resource: 'imagestreams', namespace: NS, name })
  if (s === undefined) throw new Error(`no stream ${name}`)
  return s
}

/** The history of a tag (newest first). */
export async function history(store: MemoryStore, name: string, tag: string): Promise<TagEvent[]> {
  return findStatusTag((await getStream(store, name)) as ImageStream, tag)?.items ?? []
}

/** Puts an image into the fake registry and points registry/repository:tag at it. */
export function pushImage(
  client: FakeRegistryClient,
  registry: string,
  repository: string,
  tag: string,
  image: TestImage
): void {
  client.put(registry, repository, image.manifest, { tag, blobs: [image.config] })
}
