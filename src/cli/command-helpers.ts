import type { Command } from 'commander'
import type { ApiObject } from '../api/meta.js'
import { apiVersionOf, type ResourceInfo } from '../api/scheme.js'
import type { CliIo } from './io.js'

/** The current time of a command (injectable for golden tests). */
export function nowOf(io: CliIo): number {
  return io.now?.() ?? Date.now()
}

/** Adds oc-style `Examples:` to a command's help, indented by two spaces. */
export function withExamples(cmd: Command, examples: string): Command {
  const body = examples
    .trim()
    .split('\n')
    .map((l) => (l.trim() === '' ? '' : `  ${l.trim()}`))
    .join('\n')
  return cmd.addHelpText('after', `\nExamples:\n${body}\n`)
}

/** Lists omit apiVersion and kind on items; printers need them. */
export function withTypeMeta<T extends ApiObject>(info: ResourceInfo, obj: T): T {
  return { apiVersion: apiVersionOf(info), kind: info.kind, ...obj }
}

/** Collects repeatable option values (`--from-file a --from-file b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}
