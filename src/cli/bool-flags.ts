import type { Command } from 'commander'

/**
 * Rewrites `--flag=true` and `--flag=false` for boolean flags into what commander understands
 * (`--flag`, `--no-flag` or nothing), because oc and kubectl accept Go's `--scheduled=true` form and the
 * seed walkthrough uses it. Flags with values and everything after `--` are left alone.
 */
export function normalizeBoolFlags(program: Command, argv: readonly string[]): string[] {
  const bools = new Set<string>()
  const negatable = new Set<string>()
  const visit = (cmd: Command): void => {
    for (const o of cmd.options) {
      if (o.long === undefined) continue
      if (o.negate) negatable.add(o.long)
      else if (!o.required && !o.optional) bools.add(o.long)
    }
    for (const c of cmd.commands) visit(c)
  }
  visit(program)
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const m = /^(--[^=]+)=(true|false)$/i.exec(arg)
    const name = m?.[1]
    if (m === null || name === undefined || !bools.has(name)) {
      out.push(arg)
      continue
    }
    if ((m[2] ?? '').toLowerCase() === 'true') out.push(name)
    else {
      const negated = `--no-${name.slice(2)}`
      if (negatable.has(negated)) out.push(negated)
    }
  }
  return out
}
