// kubectl's describe helpers (k8s.io/kubectl/pkg/describe): `Labels:` and `Annotations:` blocks as
// printLabelsMultiline and printAnnotationsMultiline write them, aligned by KUBECTL_DESCRIBE_TABS.

/** The annotation kubectl apply keeps; describe never shows it. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration'

const MAX_ANNOTATION_LEN = 140

/** printLabelsMultiline: `Labels:\tk=v` then `\tk=v` per further label, `<none>` when empty. */
export function labelsMultiline(
  title: string,
  labels: Readonly<Record<string, string>> | null | undefined
): string {
  const keys = Object.keys(labels ?? {}).sort()
  if (keys.length === 0) return `${title}:\t<none>\n`
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}=${labels?.[k] ?? ''}\n`).join('')
}

/**
 * printAnnotationsMultiline: `Annotations:\tk: v` lines; long or multi-line values go below their key,
 * shortened to 140 characters; the last-applied-configuration annotation is skipped.
 */
export function annotationsMultiline(
  title: string,
  annotations: Readonly<Record<string, string>> | null | undefined
): string {
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED_ANNOTATION)
    .sort()
  if (keys.length === 0) return `${title}:\t<none>\n`
  let out = ''
  keys.forEach((key, i) => {
    out += i === 0 ? `${title}:\t` : '\t'
    const value = (annotations?.[key] ?? '').replace(/\n$/, '')
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      out += `${key}:\n`
      for (const line of value.split('\n')) out += `\t  ${shorten(line, MAX_ANNOTATION_LEN - 2)}\n`
    } else {
      out += `${key}: ${value}\n`
    }
  })
  return out
}

function shorten(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s
}
