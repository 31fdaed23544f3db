import type { DockerConfig, Image } from '../../api/image/v1/types.js'
import { humanSize } from '../human-units.js'
import { OC_DESCRIBE_TABS, tabwrite } from '../tabwriter.js'
import {
  type DescribeBuffer,
  formatAnnotations,
  formatMapStringString,
  formatString,
  formatTime,
  relativeTime,
} from './oc-describe-format.js'

/**
 * oc's DescribeImage: the image (with `Image Name` when imageName is given, as import-image and istag
 * descriptions do), its size and layers, `Arch:` (`<none>` for a manifest list) and, for a manifest
 * list, `Manifests:` with one `os/arch<TAB>digest` line per child, then the container config.
 */
export function describeImage(image: Image, imageName: string, now: number): string {
  const out: DescribeBuffer = { text: '' }
  if (imageName !== '') formatString(out, 'Image Name', imageName)
  formatString(out, 'Docker Image', image.dockerImageReference ?? '')
  formatString(out, 'Name', image.metadata.name ?? '')
  if ((image.metadata.creationTimestamp ?? '') !== '') {
    formatTime(out, 'Created', image.metadata.creationTimestamp ?? '', now)
  }
  if (Object.keys(image.metadata.labels ?? {}).length > 0) {
    formatMapStringString(out, 'Labels', image.metadata.labels)
  }
  if (Object.keys(image.metadata.annotations ?? {}).length > 0) {
    formatAnnotations(out, image.metadata, '')
  }
  const meta = image.dockerImageMetadata ?? {}
  const layers = image.dockerImageLayers ?? []
  if (layers.length === 0) {
    // A manifest list (or a legacy image): the server does not know individual layers.
    formatString(out, 'Layer Size', humanSize(meta.Size ?? 0))
  } else {
    formatString(out, 'Image Size', `${humanSize(meta.Size ?? 0)} in ${layers.length} layers`)
    formatString(out, 'Layers', layers.map((l) => `${humanSize(l.size)}\t${l.name}`).join('\n'))
  }
  for (const s of image.signatures ?? []) {
    formatString(out, 'Image Signatures', ' ')
    formatString(out, '\tName', s.metadata?.name ?? '')
    formatString(out, '\tType', s.type)
    if (s.issuedBy === null || s.issuedBy === undefined) {
      formatString(out, '\tStatus', 'Unverified')
    } else {
      formatString(out, '\tStatus', 'Verified')
      formatString(out, '\tIssued By', s.issuedBy.commonName ?? '')
      for (const c of s.conditions ?? []) {
        formatString(
          out,
          '\t',
          `Signature is ${c.type} (${c.message ?? ''} on ${c.lastProbeTime ?? ''})`
        )
      }
    }
  }
  formatString(out, 'Image Created', `${relativeTime(meta.Created, now)} ago`)
  formatString(out, 'Author', meta.Author ?? '')
  formatString(out, 'Arch', meta.Architecture ?? '')
  const manifests = image.dockerImageManifests ?? []
  if (manifests.length > 0) {
    formatString(
      out,
      'Manifests',
      manifests.map((m) => `${m.os}/${m.architecture}\t${m.digest}`).join('\n')
    )
  }
  describeDockerConfig(out, meta.Config ?? {})
  return tabwrite(out.text, OC_DESCRIBE_TABS)
}

// describeDockerImage: the container configuration of the image.
function describeDockerConfig(out: DescribeBuffer, c: DockerConfig): void {
  let hasCommand = false
  if ((c.Entrypoint ?? []).length > 0) {
    hasCommand = true
    formatString(out, 'Entrypoint', (c.Entrypoint ?? []).join(' '))
  }
  if ((c.Cmd ?? []).length > 0) {
    hasCommand = true
    formatString(out, 'Command', (c.Cmd ?? []).join(' '))
  }
  if (!hasCommand) formatString(out, 'Command', '')
  formatString(out, 'Working Dir', c.WorkingDir ?? '')
  formatString(out, 'User', c.User ?? '')
  formatString(
    out,
    'Exposes Ports',
    Object.keys(c.ExposedPorts ?? {})
      .sort()
      .join(', ')
  )
  formatMapStringString(out, 'Docker Labels', c.Labels)
  ;(c.Env ?? []).forEach((env, i) => {
    if (i === 0) formatString(out, 'Environment', env)
    else out.text += `\t${env}\n`
  })
  Object.keys(c.Volumes ?? {})
    .sort()
    .forEach((volume, i) => {
      if (i === 0) formatString(out, 'Volumes', volume)
      else out.text += `\t${volume}\n`
    })
}
