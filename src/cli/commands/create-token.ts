import type { Command } from 'commander'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { parseDurationMs } from '../../server/config.js'
import { collect, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { type CliIo, UsageError } from '../io.js'
import { resourcePath } from '../resource-path.js'

type Flags = { duration?: string; audience?: string[] }

/** The TokenRequest answer (authentication.k8s.io/v1), as far as it is read here. */
type TokenRequest = { status?: { token?: string; expirationTimestamp?: string } }

/** Registers `isctl create token SA [--duration] [--audience]`, which prints a service-account token. */
export function registerCreateToken(create: Command, io: CliIo): void {
  const cmd = create
    .command('token')
    .description('Request a service account token')
    .argument('<serviceaccount>', 'name of the service account')
    .option(
      '--duration <duration>',
      'requested lifetime of the token, e.g. 10m, 1h; the server may shorten it'
    )
    .option('--audience <audience>', 'intended audience of the token; repeatable', collect)
    .action(async (name: string, flags: Flags, self: Command) => {
      let expirationSeconds: number | undefined
      if (flags.duration !== undefined) {
        const ms = parseDurationMs(flags.duration)
        if (ms === undefined || ms < 0)
          throw new UsageError('--duration must be greater than or equal to 0')
        if (ms % 1000 !== 0)
          throw new UsageError('--duration cannot be expressed in units less than seconds')
        if (ms > 0) expirationSeconds = ms / 1000
      }
      for (const a of flags.audience ?? []) {
        if (a === '') throw new UsageError('--audience must not be an empty string')
      }
      await withConnection(self, io, async ({ client, namespace }) => {
        const info = resourceForKind('ServiceAccount') as ResourceInfo
        const res = await client.request<TokenRequest>({
          method: 'POST',
          path: resourcePath(info, { namespace, name, subresource: 'token' }),
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: {
              audiences: flags.audience ?? [],
              ...(expirationSeconds === undefined ? {} : { expirationSeconds }),
            },
          },
        })
        const token = res.status?.token
        if (token === undefined || token === '')
          throw new UsageError('the server returned no token')
        io.stdout(`${token}\n`)
      })
    })
  withExamples(
    cmd,
    `
    # Request a token for the service account "builder" in the current namespace
    isctl create token builder

    # Request a token valid for one hour
    isctl create token builder --duration=1h
    `
  )
}
