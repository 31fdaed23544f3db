import { Buffer } from 'node:buffer'
import type { Secret } from '../../api/core/v1/types.js'
import { KUBECTL_DESCRIBE_TABS, tabwrite } from '../tabwriter.js'
import { annotationsMultiline, labelsMultiline } from './kubectl-describe-format.js'

/**
 * kubectl's describeSecret: metadata, `Type:`, then `Data` with the size of each key in bytes. Values are
 * never printed, not even service-account tokens (kubectl prints those; we do not).
 */
export function describeSecret(secret: Secret): string {
  let out = `Name:\t${secret.metadata.name ?? ''}\n`
  out += `Namespace:\t${secret.metadata.namespace ?? ''}\n`
  out += labelsMultiline('Labels', secret.metadata.labels)
  out += annotationsMultiline('Annotations', secret.metadata.annotations)
  out += `\nType:\t${secret.type ?? ''}\n`
  out += '\nData\n====\n'
  const sizes = new Map<string, number>()
  for (const [k, v] of Object.entries(secret.data ?? {}))
    sizes.set(k, Buffer.from(v, 'base64').length)
  for (const [k, v] of Object.entries(secret.stringData ?? {})) sizes.set(k, Buffer.byteLength(v))
  for (const k of [...sizes.keys()].sort()) out += `${k}:\t${sizes.get(k)} bytes\n`
  return tabwrite(out, KUBECTL_DESCRIBE_TABS)
}
