import type { Identity } from './authn.js'
import type { ApiDeps } from './deps.js'
import type { RequestInfo } from './request-info.js'
import type { OutputObject } from './response.js'
import type { StrategyContext } from './strategy.js'

// What a resource handler receives and returns.

/** The request being served. */
export type RequestContext = {
  readonly deps: ApiDeps
  readonly identity: Identity
  readonly request: Request
  readonly query: URLSearchParams
  readonly info: RequestInfo
  readonly signal: AbortSignal
  /** Warnings to send with the response (unknown fields). */
  readonly warnings: string[]
}

/** What a handler produced; the router renders it as JSON or as a Table. */
export type ApiResult =
  | { readonly type: 'object'; readonly code: number; readonly object: OutputObject }
  | {
      readonly type: 'list'
      readonly items: readonly OutputObject[]
      readonly resourceVersion: string
      readonly continue?: string
    }
  | { readonly type: 'response'; readonly response: Response }

/** A handler of one verb of one resource (or subresource). */
export type Handler = (ctx: RequestContext) => Promise<ApiResult>

/** The handlers of a resource, by verb, and of its subresources. */
export type ResourceHandlers = {
  readonly verbs: Partial<Record<string, Handler>>
  readonly subresources?: Readonly<Record<string, Partial<Record<string, Handler>>>>
}

/** The strategy context of a request. */
export function strategyContext(ctx: RequestContext): StrategyContext {
  return {
    store: ctx.deps.store,
    nowMs: ctx.deps.clock.now(),
    settings: ctx.deps.settings,
    identity: ctx.identity,
    signal: ctx.signal,
  }
}
