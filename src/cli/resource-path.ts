import type { ResourceInfo } from '../api/scheme.js'

/** The parts of a REST path below the resource's group/version. */
export type PathParts = {
  readonly namespace?: string
  readonly name?: string
  readonly subresource?: string
}

/**
 * The REST path of a resource as kube-apiserver serves it: `/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]`
 * for core kinds, `/apis/GROUP/VERSION/…` otherwise. Names are escaped, but `:` and `@` are kept as
 * client-go keeps them (`stream:tag`, `stream@sha256:…`).
 */
export function resourcePath(info: ResourceInfo, parts: PathParts = {}): string {
  let path = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`
  if (info.namespaced && parts.namespace !== undefined && parts.namespace !== '') {
    path += `/namespaces/${escapeSegment(parts.namespace)}`
  }
  path += `/${info.plural}`
  if (parts.name !== undefined) path += `/${escapeSegment(parts.name)}`
  if (parts.subresource !== undefined) path += `/${parts.subresource}`
  return path
}

function escapeSegment(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@')
}
