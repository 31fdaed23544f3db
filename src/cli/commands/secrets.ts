import type { Command } from 'commander'
import type { Secret, ServiceAccount } from '../../api/core/v1/types.js'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { AppError, Reason } from '../../shared/errors.js'
import type { ApiClient } from '../api-client.js'
import { isNotFound } from '../cli-errors.js'
import { withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { type CliIo, UsageError } from '../io.js'

const SA = resourceForKind('ServiceAccount') as ResourceInfo
const SECRET = resourceForKind('Secret') as ResourceInfo

/** Registers `isctl secrets link|unlink SA SECRET…`. */
export function registerSecrets(program: Command, io: CliIo): void {
  const secrets = program
    .command('secrets')
    .description('Manage secrets linked to service accounts')
  withExamples(
    secrets,
    `
    # Let pods of the default service account pull with the secret pull-secret
    isctl secrets link default pull-secret --for=pull

    # Detach it again
    isctl secrets unlink default pull-secret
    `
  )

  const link = secrets
    .command('link')
    .description('Link secrets to a ServiceAccount')
    .argument('[serviceaccount]', 'service account name')
    .argument('[secrets...]', 'secret names')
    .option(
      '--for <types>',
      'type of secret to link: mount or pull (comma-separated for both)',
      'mount'
    )
    .action(
      async (
        saName: string | undefined,
        names: string[],
        flags: { for: string },
        self: Command
      ) => {
        const { forMount, forPull } = parseFor(flags.for)
        const target = checkArgs(saName, names)
        await withConnection(self, io, async ({ client, namespace }) => {
          const sa = await client.get<ServiceAccount>(SA, target, { namespace })
          const { found, notFound } = await lookupSecrets(
            client,
            names.map(stripType),
            namespace,
            io
          )
          let updated = false
          if (forMount) {
            const current = new Set((sa.secrets ?? []).map((s) => s.name ?? ''))
            for (const n of [...found].sort()) {
              if (current.has(n)) continue
              sa.secrets = [...(sa.secrets ?? []), { name: n }]
              updated = true
            }
          }
          if (forPull) {
            const current = new Set((sa.imagePullSecrets ?? []).map((s) => s.name ?? ''))
            for (const n of [...found].sort()) {
              if (current.has(n)) continue
              sa.imagePullSecrets = [...(sa.imagePullSecrets ?? []), { name: n }]
              updated = true
            }
          }
          if (updated) await client.update(SA, target, sa, { namespace })
          if (notFound) throw new AppError(Reason.NotFound, 'Some secrets could not be linked')
        })
      }
    )
  withExamples(
    link,
    `
    # Add an image pull secret to a service account to automatically use it for pulling pod images
    isctl secrets link serviceaccount-name pull-secret --for=pull

    # Add an image pull secret for both pulling and pushing build images
    isctl secrets link builder builder-image-secret --for=pull,mount
    `
  )

  const unlink = secrets
    .command('unlink')
    .description('Detach secrets from a ServiceAccount')
    .argument('[serviceaccount]', 'service account name')
    .argument('[secrets...]', 'secret names')
    .action(async (saName: string | undefined, names: string[], _flags: unknown, self: Command) => {
      const target = checkArgs(saName, names)
      await withConnection(self, io, async ({ client, namespace }) => {
        const sa = await client.get<ServiceAccount>(SA, target, { namespace })
        // Secrets that no longer exist can still be unlinked.
        const requested = new Set(names.map(stripType))
        const { notFound } = await lookupSecrets(client, [...requested], namespace, io)
        const mount = (sa.secrets ?? []).filter((s) => !requested.has(s.name ?? ''))
        const pull = (sa.imagePullSecrets ?? []).filter((s) => !requested.has(s.name ?? ''))
        const updated =
          mount.length !== (sa.secrets ?? []).length ||
          pull.length !== (sa.imagePullSecrets ?? []).length
        if (!updated) {
          throw new AppError(
            Reason.NotFound,
            'No valid secrets found or secrets not linked to service account'
          )
        }
        sa.secrets = mount
        sa.imagePullSecrets = pull
        await client.update(SA, target, sa, { namespace })
        if (notFound) {
          throw new AppError(
            Reason.NotFound,
            `Unlinked deleted secrets from ${namespace}/${target} service account`
          )
        }
      })
    })
  withExamples(
    unlink,
    `
    # Unlink a secret currently associated with a service account
    isctl secrets unlink serviceaccount-name secret-name another-secret-name
    `
  )
}

/** Parses --for: `mount`, `pull` or both, comma-separated, any case. */
export function parseFor(value: string): { forMount: boolean; forPull: boolean } {
  let forMount = false
  let forPull = false
  const parts = value.split(',').filter((p) => p !== '')
  if (parts.length === 0) forMount = true
  for (const p of parts) {
    const v = p.toLowerCase()
    if (v === 'pull') forPull = true
    else if (v === 'mount') forMount = true
    else throw new UsageError(`unknown for: ${p}`)
  }
  return { forMount, forPull }
}

function checkArgs(saName: string | undefined, names: readonly string[]): string {
  if (saName === undefined || names.length === 0) {
    throw new UsageError('must have service account name and at least one secret name')
  }
  const target = stripType(saName)
  if (target === '') throw new UsageError('service account name must be present')
  return target
}

// `sa/name`, `serviceaccount/name`, `secret/name` are accepted as plain names.
function stripType(name: string): string {
  const m = /^(?:sa|serviceaccounts?|secrets?)\/(.*)$/.exec(name)
  return m === null ? name : (m[1] ?? '')
}

async function lookupSecrets(
  client: ApiClient,
  names: readonly string[],
  namespace: string,
  io: CliIo
): Promise<{ found: Set<string>; notFound: boolean }> {
  const found = new Set<string>()
  let notFound = false
  for (const name of names) {
    try {
      await client.get<Secret>(SECRET, name, { namespace })
      found.add(name)
    } catch (err) {
      if (!isNotFound(err)) throw err
      io.stderr(`secret "${name}" not found\n`)
      notFound = true
    }
  }
  return { found, notFound }
}
