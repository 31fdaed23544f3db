import { type ResourceInfo, resolveResource } from '../api/scheme.js'
import { UsageError } from './io.js'

/** One resource type with the names asked for (none: all of them). */
export type ResourceSelection = {
  readonly info: ResourceInfo
  readonly names: readonly string[]
}

/** Resolves a type as typed by the user (`is`, `imagestreams`, `ImageStream.image.openshift.io`). */
export function resolveType(typed: string): ResourceInfo {
  const info = resolveResource(typed)
  if (info === undefined) throw new UsageError(`the server doesn't have a resource type "${typed}"`)
  return info
}

/**
 * Parses the arguments of get, describe and delete as kubectl does: `TYPE[,TYPE…] [NAME…]` or
 * `TYPE/NAME…` (the two forms cannot be mixed).
 */
export function parseResourceArgs(args: readonly string[]): ResourceSelection[] {
  if (args.length === 0) return []
  if (args.some((a) => a.includes('/'))) {
    if (!args.every((a) => a.includes('/'))) {
      throw new UsageError(
        `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'isctl get resource/<resource_name>' instead of 'isctl get resource resource/<resource_name>'`
      )
    }
    const out: { info: ResourceInfo; names: string[] }[] = []
    for (const a of args) {
      const i = a.indexOf('/')
      const info = resolveType(a.slice(0, i))
      const name = a.slice(i + 1)
      if (name === '')
        throw new UsageError(`arguments in resource/name form must have a single resource and name`)
      const last = out[out.length - 1]
      if (last !== undefined && last.info === info) last.names.push(name)
      else out.push({ info, names: [name] })
    }
    return out
  }
  const [types = '', ...names] = args
  const infos = types
    .split(',')
    .filter((t) => t !== '')
    .map(resolveType)
  if (infos.length > 1 && names.length > 0) {
    throw new UsageError('you may only specify a single resource type when naming resources')
  }
  return infos.map((info) => ({ info, names }))
}
