import { raceSignal } from './abort.js'
import type { RepositoryTarget } from './context.js'
import type { Endpoint } from './ping.js'

/** Pings a registry; runs under the client's signal, not a caller's, since its result is shared. */
export type PingFunction = (target: RepositoryTarget) => Promise<Endpoint>

/**
 * EndpointCache pings each (registry, insecure) once and shares the result, the in-flight ping included,
 * between callers; each caller waits under its own signal. A failed ping is forgotten so the next call
 * pings again.
 */
export class EndpointCache {
  readonly #ping: PingFunction
  readonly #entries = new Map<string, Promise<Endpoint>>()

  constructor(ping: PingFunction) {
    this.#ping = ping
  }

  /** The endpoint for target; refresh pings again even when one is cached. */
  get(target: RepositoryTarget, signal: AbortSignal, refresh = false): Promise<Endpoint> {
    const key = `${target.registry}|${target.insecure ? 'insecure' : 'secure'}`
    let entry = refresh ? undefined : this.#entries.get(key)
    if (entry === undefined) {
      const p = this.#ping(target)
      entry = p
      this.#entries.set(key, p)
      p.catch(() => {
        if (this.#entries.get(key) === p) this.#entries.delete(key)
      })
    }
    return raceSignal(entry, signal)
  }
}
