import { STATUS_CODES } from 'node:http'
import type { Clock } from '../shared/clock.js'
import type { Logger } from '../shared/log.js'
import { type Challenge, parseChallenges, pickChallenge } from './challenge.js'
import {
  errorFromResponse,
  isRegistryError,
  isTemporaryStatus,
  RegistryError,
  RegistryErrorCode,
} from './errors.js'
import { allHeaders, firstHeader } from './headers.js'
import type { HttpTransport } from './http-transport.js'
import { readErrorBody } from './limited-body.js'
import { type RetryPolicy, withRetry } from './retry.js'
import { parseRetryAfter } from './retry-after.js'

/**
 * Endpoint is what a ping learned about a registry: the base URL it answers on (https, or http for an insecure
 * registry that has no TLS) and the challenge to answer. `challenge` is updated when a later 401 carries a
 * different one (some registries only challenge on repository requests).
 */
export type Endpoint = {
  readonly registry: string
  readonly base: URL
  readonly insecure: boolean
  challenge: Challenge | undefined
}

/** Used when a registry says 401 without a usable challenge: credentials then go as Basic (to it only). */
export const BASIC_FALLBACK_CHALLENGE: Challenge = { scheme: 'basic', params: {} }

/** Options of pingRegistry. */
export type PingOptions = {
  readonly transport: HttpTransport
  readonly retry: RetryPolicy
  readonly clock: Clock
  readonly logger: Logger
  /** host[:port] of the registry API. */
  readonly registry: string
  readonly repository?: string
  readonly insecure: boolean
  readonly errorBodyBytes: number
  readonly signal: AbortSignal
}

/**
 * Pings `GET /v2/` to find the scheme and the auth challenge (OpenShift registryclient, distribution
 * `ping`):
 *  1. Try https (certificate verification skipped when insecure).
 *  2. When that fails for any reason and the registry is insecure, try plain http; an insecure registry that
 *     answers there is used over http from then on.
 *  3. 2xx, 401 and 403 are accepted with or without `Docker-Distribution-API-Version`; a 401's
 *     `WWW-Authenticate` gives the challenge (Bearer preferred over Basic). Any other status without the
 *     header means the endpoint does not support the v2 API.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#determining-support
 */
export async function pingRegistry(o: PingOptions): Promise<Endpoint> {
  try {
    return await pingOnce(o, new URL(`https://${o.registry}`))
  } catch (httpsErr) {
    if (!o.insecure || o.signal.aborted) throw httpsErr
    o.logger.debug('https ping failed, trying http for insecure registry', {
      registry: o.registry,
      error: httpsErr instanceof Error ? httpsErr.message : String(httpsErr),
    })
    try {
      return await pingOnce(o, new URL(`http://${o.registry}`))
    } catch (httpErr) {
      if (o.signal.aborted) throw httpErr
      // Nothing listens for plain HTTP: the https failure says more.
      if (isRegistryError(httpErr, RegistryErrorCode.Connection)) throw httpsErr
      throw httpErr
    }
  }
}

async function pingOnce(o: PingOptions, base: URL): Promise<Endpoint> {
  const url = new URL('/v2/', base)
  const challenge = await withRetry(
    { policy: o.retry, clock: o.clock, signal: o.signal, idempotent: true, logger: o.logger },
    () =>
      o.transport.exchange(
        {
          method: 'GET',
          url,
          registry: o.registry,
          insecure: o.insecure,
          signal: o.signal,
          ...(o.repository === undefined ? {} : { repository: o.repository }),
        },
        async (res): Promise<Challenge | undefined> => {
          if (res.status >= 200 && res.status <= 299) return undefined
          if (res.status === 401) {
            const challenges = parseChallenges(allHeaders(res.headers, 'www-authenticate'))
            return pickChallenge(challenges) ?? BASIC_FALLBACK_CHALLENGE
          }
          if (res.status === 403) return undefined
          const body = await readErrorBody(res.body, o.errorBodyBytes)
          const hasApiHeader =
            firstHeader(res.headers, 'docker-distribution-api-version') !== undefined
          if (!hasApiHeader && !isTemporaryStatus(res.status)) {
            const got = `${res.status} ${STATUS_CODES[res.status] ?? ''}`.trim()
            throw new RegistryError({
              code: RegistryErrorCode.NotV2,
              message: `endpoint ${JSON.stringify(url.toString())} does not support v2 API (got ${got})`,
              method: 'GET',
              url,
              status: res.status,
              reason: 'Forbidden',
            })
          }
          const retryAfterMs = parseRetryAfter(
            firstHeader(res.headers, 'retry-after'),
            o.clock.now()
          )
          throw errorFromResponse({
            method: 'GET',
            url,
            status: res.status,
            body,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          })
        }
      )
  )
  return { registry: o.registry, base, insecure: o.insecure, challenge }
}
