import type { ImageStreamImport } from '../api/image/v1/types.js'
import { describeImage } from './describe/describe-image.js'
import { describeImageStream } from './describe/describe-image-stream.js'

/** What import-image prints for a server answer. */
export type ImportOutput = {
  readonly stdout: string
  /** `error: tag X failed: …` lines, one per failed tag. */
  readonly stderr: string
  /** True when an image or the repository import failed (oc then exits with an error). */
  readonly failed: boolean
}

/**
 * oc import-image's output: `imagestream.image.openshift.io/NAME imported` (or `imported with errors`,
 * plus ` (dry run)`), a blank line, the stream description, then the description of each imported image
 * (repository images first) named `stream:tag`; failed tags go to stderr; additional remote tags that
 * were not imported end the output as an `info:` line.
 */
export function renderImportResult(
  result: ImageStreamImport,
  streamName: string,
  opts: { readonly dryRun: boolean; readonly now: number }
): ImportOutput {
  const status = result.status ?? {}
  const failed = wasError(result)
  let message = failed ? 'imported with errors' : 'imported'
  if (opts.dryRun) message += ' (dry run)'
  message += '\n\n'
  let stderr = ''
  if (status.import !== null && status.import !== undefined) {
    message += `${describeImageStream(status.import, opts.now)}\n`
  }
  const repo = status.repository
  if (repo?.status?.status === 'Failure' && (repo.images ?? []).length === 0) {
    // NB: oc prints nothing here; without this line a failed repository import gives no reason at all.
    stderr += `error: repository import failed: ${repo.status.message ?? ''}\n`
  }
  if (repo !== null && repo !== undefined) {
    for (const image of repo.images ?? []) {
      if (image.image !== null && image.image !== undefined) {
        message += `${describeImage(image.image, joinTag(streamName, image.tag), opts.now)}\n`
      } else {
        stderr += `error: repository tag ${image.tag ?? ''} failed: ${image.status.message ?? ''}\n`
      }
    }
  }
  for (const image of status.images ?? []) {
    if (image.image !== null && image.image !== undefined) {
      message += `${describeImage(image.image, joinTag(streamName, image.tag), opts.now)}\n`
    } else {
      stderr += `error: tag ${image.tag ?? ''} failed: ${image.status.message ?? ''}\n`
    }
  }
  const additional = repo?.additionalTags ?? []
  if (additional.length > 0) {
    message += `\ninfo: The remote repository contained ${additional.length} additional tags which were not imported: ${additional.join(', ')}\n`
  }
  return { stdout: `imagestream.image.openshift.io/${streamName} ${message}\n`, stderr, failed }
}

function wasError(isi: ImageStreamImport): boolean {
  if ((isi.status?.images ?? []).some((i) => i.status.status === 'Failure')) return true
  return isi.status?.repository?.status?.status === 'Failure'
}

// JoinImageStreamTag: an empty tag is `latest`.
function joinTag(stream: string, tag: string | undefined): string {
  return `${stream}:${tag === undefined || tag === '' ? 'latest' : tag}`
}
