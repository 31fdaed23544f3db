import type { Command } from 'commander'
import { latestTagEvent } from '../../api/image/v1/tag-history.js'
import type { ImageStream, ImageStreamTag } from '../../api/image/v1/types.js'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { parseImageReference } from '../../oci/reference.js'
import { AppError, Reason } from '../../shared/errors.js'
import { isServerError } from '../cli-errors.js'
import { withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { type CliIo, UsageError } from '../io.js'
import {
  buildTagObject,
  parseDestination,
  parseTagSource,
  sourceKindHint,
  type TagFlags,
  type TagSource,
  tagMessage,
  validateTagFlags,
  validateTagSource,
} from '../tag-request.js'

const IS = resourceForKind('ImageStream') as ResourceInfo
const ISTAG = resourceForKind('ImageStreamTag') as ResourceInfo

type Flags = {
  source?: string
  delete?: boolean
  alias?: boolean
  reference?: boolean
  scheduled?: boolean
  insecure?: boolean
  importMode?: string
  referencePolicy: string
}

/** Registers `isctl tag [--source=SOURCETYPE] SOURCE DEST [DEST…]` and `isctl tag -d DEST…`. */
export function registerTag(program: Command, io: CliIo): void {
  const cmd = program
    .command('tag')
    .description('Tag existing images into image streams')
    .argument('[args...]', 'SOURCE DEST [DEST…], or DEST… with -d')
    .option(
      '--source <type>',
      "optional hint for the source type; valid values are 'imagestreamtag', 'istag', 'imagestreamimage', 'isimage', and 'docker'"
    )
    .option('-d, --delete', 'delete the provided spec tags')
    .option(
      '--alias',
      'should the destination tag be updated whenever the source tag changes (same image stream only)'
    )
    .option('--reference', 'should the destination tag continue to pull from the source namespace')
    .option(
      '--scheduled',
      'set a container image to be periodically imported from a remote repository'
    )
    .option(
      '--insecure',
      'set to true if importing the image requires HTTP or has a self-signed certificate'
    )
    .option(
      '--import-mode <mode>',
      "imports the full manifest list of a tag when set to 'PreserveOriginal'; defaults to 'Legacy'"
    )
    .option(
      '--reference-policy <policy>',
      "allow to request pullthrough for external image when set to 'local'",
      'source'
    )
    .action(async (args: string[], raw: Flags, self: Command) => {
      const flags: TagFlags = {
        source: raw.source,
        delete: raw.delete === true,
        alias: raw.alias === true,
        reference: raw.reference === true,
        scheduled: raw.scheduled === true,
        insecure: raw.insecure === true,
        importMode: raw.importMode,
        referencePolicy: raw.referencePolicy,
      }
      if (args.length < 2 && (args.length < 1 || !flags.delete)) {
        throw new UsageError(
          'you must specify a source and at least one destination or one or more tags to delete'
        )
      }
      validateTagFlags(flags, false)
      const hint = flags.delete ? undefined : sourceKindHint(flags.source)
      await withConnection(self, io, async ({ client, namespace }) => {
        if (flags.delete) {
          const dests = args.map((a) => parseDestination(a, namespace))
          for (const d of dests) {
            await client.delete(ISTAG, d.nameAndTag, { namespace: d.namespace })
            io.stdout(`Deleted tag ${d.namespace}/${d.nameAndTag}.\n`)
          }
          return
        }
        const [sourceArg = '', ...destArgs] = args
        let source = parseTagSource(sourceArg, hint)
        if (source.kind === 'ImageStreamTag' && !flags.alias) {
          source = await resolveCurrentImage(source, sourceArg, namespace, (ns, name) =>
            client.get<ImageStream>(IS, name, { namespace: ns })
          )
        }
        const dests = destArgs.map((a) => parseDestination(a, namespace))
        validateTagSource(flags, source, namespace, dests)
        for (const d of dests) {
          const istag = buildTagObject(flags, source, d, namespace)
          try {
            await client.update<ImageStreamTag>(ISTAG, d.nameAndTag, istag, {
              namespace: d.namespace,
            })
          } catch (err) {
            // A tag that does not exist yet is created (oc falls back the same way).
            if (
              !isServerError(err) ||
              !['NotFound', 'MethodNotAllowed', 'Forbidden'].includes(err.status.reason ?? '')
            ) {
              throw err
            }
            await client.create<ImageStreamTag>(ISTAG, istag, { namespace: d.namespace })
          }
          io.stdout(`${tagMessage(flags, source, d, namespace)}\n`)
        }
      })
    })
  withExamples(
    cmd,
    `
    # Tag the current image for the image stream 'openshift/ruby' and tag '2.0' into the image stream 'yourproject/ruby' with tag 'tip'
    isctl tag openshift/ruby:2.0 yourproject/ruby:tip

    # Tag a specific image
    isctl tag openshift/ruby@sha256:6b646fa6bf5e5e4c7fa41056c27910e679c03ebe7f93e361e6515a9da7e258cc yourproject/ruby:tip

    # Tag an external container image
    isctl tag --source=docker quay.io/org/app:latest yourproject/app:tip

    # Tag an external multi-architecture image, keeping the manifest list, and request pullthrough for it
    isctl tag --source=docker quay.io/org/app:latest yourproject/app:tip --import-mode=PreserveOriginal --reference-policy=local

    # Remove the specified spec tag from an image stream
    isctl tag openshift/origin-control-plane:latest -d
    `
  )
}

/**
 * A non-alias ImageStreamTag source copies the tag's current image: it becomes an ImageStreamImage
 * (`stream@digest`), or the pull spec itself when the history item has no image.
 */
async function resolveCurrentImage(
  source: TagSource,
  sourceArg: string,
  namespace: string,
  getStream: (namespace: string, name: string) => Promise<ImageStream>
): Promise<TagSource> {
  const ns = source.ref.namespace === '' ? namespace : source.ref.namespace
  const stream = await getStream(ns, source.ref.name)
  const event = latestTagEvent(stream, source.ref.tag)
  if (event === undefined) {
    throw new AppError(
      Reason.BadRequest,
      `"${sourceArg}" is not currently pointing to an image, cannot use it as the source of a tag`
    )
  }
  if (event.image === '') {
    try {
      return { kind: 'DockerImage', ref: parseImageReference(event.dockerImageReference) }
    } catch (err) {
      throw new AppError(
        Reason.BadRequest,
        `the image stream tag "${sourceArg}" has an invalid pull spec and cannot be used to tag: ${(err as Error).message}`
      )
    }
  }
  return { kind: 'ImageStreamImage', ref: { ...source.ref, id: event.image, tag: '' } }
}
