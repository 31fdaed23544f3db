import { goQuote } from '../api/field-errors.js'
import { AppError, Reason } from '../shared/errors.js'
import { createPruneGate, type PruneGate } from './prune-gate.js'
import { parseImagePruneOptions } from './prune-options.js'
import type { PruneReport } from './report.js'
import { type ImagePruneDeps, runImagePrune } from './run-image-prune.js'

/** Where the API server mounts the handler (POST only). */
export const IMAGE_PRUNES_PATH = '/apis/imagestreams.io/v1/imageprunes'

/** Who calls: the API server's authenticated identity (only `kind` and `user` are read). */
export type PruneCaller = {
  readonly kind: string
  readonly user: string
}

/** One `POST …/imageprunes` as the API server hands it over: authenticated, body already parsed. */
export type ImagePruneRequest = {
  readonly caller: PruneCaller
  /** The decoded JSON (or YAML) body: ImagePruneOptions, absent fields defaulted. */
  readonly body: unknown
  /** Aborted when the client goes away or the server shuts down. */
  readonly signal: AbortSignal
}

/** The answer: 200 with the report as JSON. */
export type ImagePruneResponse = {
  readonly status: 200
  readonly body: PruneReport
}

/** What the handler needs. */
export type ImagePruneHandlerDeps = ImagePruneDeps & {
  /** host[:port] names of our registry (read per request: it may be known only after listening). */
  readonly registryHostnames: () => readonly string[]
  /** Shared with the schedule so that confirmed prunes never overlap; one of its own when absent. */
  readonly gate?: PruneGate
}

/**
 * Creates the handler of `POST /apis/imagestreams.io/v1/imageprunes`, free of any web framework: the
 * API server authenticates, reads the body and renders thrown AppErrors as metav1.Status.
 *  1. Only the administrator may prune (Forbidden otherwise, in Kubernetes' wording).
 *  2. The body is validated (parseImagePruneOptions: BadRequest or Invalid).
 *  3. The server's registry hostnames are added to those in the request.
 *  4. A confirmed prune takes the gate (Conflict while another runs); dry runs do not need it.
 */
export function createImagePruneHandler(
  deps: ImagePruneHandlerDeps
): (req: ImagePruneRequest) => Promise<ImagePruneResponse> {
  const gate = deps.gate ?? createPruneGate()
  return async (req) => {
    if (req.caller.kind !== 'admin') {
      throw new AppError(
        Reason.Forbidden,
        `imageprunes.imagestreams.io is forbidden: User ${goQuote(req.caller.user)} cannot create resource "imageprunes" in API group "imagestreams.io" at the cluster scope`
      )
    }
    const parsed = parseImagePruneOptions(req.body)
    const options = {
      ...parsed,
      registryHostnames: [...new Set([...parsed.registryHostnames, ...deps.registryHostnames()])],
    }
    const run = (): Promise<PruneReport> => runImagePrune(deps, options, req.signal)
    const body = options.confirm ? await gate.run(run) : await run()
    return { status: 200, body }
  }
}
