import type { Secret, ServiceAccount } from '../../api/core/v1/types.js'
import { KUBECTL_DESCRIBE_TABS, tabwrite } from '../tabwriter.js'
import { annotationsMultiline, labelsMultiline } from './kubectl-describe-format.js'

/** What describeServiceAccount needs besides the account: its token secrets and which secrets exist. */
export type ServiceAccountContext = {
  /** Secrets of type service-account-token that name this account. */
  readonly tokens: readonly Secret[]
  /** Names of referenced secrets that do not exist (printed with ` (not found)`). */
  readonly missingSecrets: ReadonlySet<string>
}

/**
 * kubectl's describeServiceAccount: metadata, then `Image pull secrets:`, `Mountable secrets:` and
 * `Tokens:` (one name per line, `<none>` when empty), then `Events:` (this server records none).
 */
export function describeServiceAccount(sa: ServiceAccount, ctx: ServiceAccountContext): string {
  let out = `Name:\t${sa.metadata.name ?? ''}\n`
  out += `Namespace:\t${sa.metadata.namespace ?? ''}\n`
  out += labelsMultiline('Labels', sa.metadata.labels)
  out += annotationsMultiline('Annotations', sa.metadata.annotations)
  const empty = ' '.repeat(19)
  const groups: [string, string[]][] = [
    ['Image pull secrets:', (sa.imagePullSecrets ?? []).map((s) => s.name ?? '')],
    ['Mountable secrets: ', (sa.secrets ?? []).map((s) => s.name ?? '')],
    ['Tokens:            ', ctx.tokens.map((s) => s.metadata.name ?? '')],
  ]
  for (const [header, names] of groups) {
    if (names.length === 0) {
      out += `${header}\t<none>\n`
      continue
    }
    names.forEach((name, i) => {
      const suffix = ctx.missingSecrets.has(name) ? ' (not found)' : ''
      out += `${i === 0 ? header : empty}\t${name}${suffix}\n`
    })
  }
  out += 'Events:\t<none>\n'
  return tabwrite(out, KUBECTL_DESCRIBE_TABS)
}
