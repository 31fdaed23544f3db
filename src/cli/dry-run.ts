import { UsageError } from './io.js'

/** kubectl's --dry-run strategies. */
export type DryRun = 'none' | 'client' | 'server'

/** Parses --dry-run: absent → none; bare or `true` → client; `client`, `server`, `none`, `false`. */
export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false || value === 'false' || value === 'none') return 'none'
  if (value === true || value === 'true' || value === 'client') return 'client'
  if (value === 'server') return 'server'
  throw new UsageError(
    `Invalid dry-run value (${String(value)}). Must be "none", "server", or "client".`
  )
}

/** The operation word printed after a (possibly dry) change: `created (dry run)`. */
export function operationText(op: string, dryRun: DryRun): string {
  if (dryRun === 'client') return `${op} (dry run)`
  if (dryRun === 'server') return `${op} (server dry run)`
  return op
}

/** The query a server-side dry run adds. */
export function dryRunQuery(dryRun: DryRun): Record<string, string> {
  return dryRun === 'server' ? { dryRun: 'All' } : {}
}
