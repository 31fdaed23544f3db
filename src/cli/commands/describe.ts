import type { Command } from 'commander'
import type { Namespace, Secret, ServiceAccount } from '../../api/core/v1/types.js'
import type {
  Image,
  ImageStream,
  ImageStreamImage,
  ImageStreamTag,
} from '../../api/image/v1/types.js'
import type { ApiObject } from '../../api/meta.js'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { AppError, Reason } from '../../shared/errors.js'
import type { ApiClient } from '../api-client.js'
import { nowOf, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { describeImage } from '../describe/describe-image.js'
import { describeImageStream } from '../describe/describe-image-stream.js'
import { describeSecret } from '../describe/describe-secret.js'
import { describeServiceAccount } from '../describe/describe-service-account.js'
import { annotationsMultiline, labelsMultiline } from '../describe/kubectl-describe-format.js'
import { type CliIo, UsageError } from '../io.js'
import { parseResourceArgs } from '../resource-args.js'
import { KUBECTL_DESCRIBE_TABS, tabwrite } from '../tabwriter.js'

const SERVICE_ACCOUNT_NAME = 'kubernetes.io/service-account.name'

/** Registers `isctl describe TYPE [NAME…]` with oc's describers for image kinds and kubectl's for core kinds. */
export function registerDescribe(program: Command, io: CliIo): void {
  const cmd = program
    .command('describe')
    .description('Show details of a specific resource or group of resources')
    .argument('[type-and-names...]', 'TYPE [NAME…] or TYPE/NAME…')
    .addHelpText(
      'after',
      '\nResource types: imagestreams (is), imagestreamtags (istag), imagestreamimages (isimage), images, secrets, serviceaccounts (sa), namespaces (ns)\n'
    )
    .action(async (args: string[], _flags: unknown, self: Command) => {
      const selections = parseResourceArgs(args)
      const [sel] = selections
      if (sel === undefined) {
        throw new UsageError(
          'You must specify the type of resource to describe, e.g. isctl describe is myapp'
        )
      }
      if (selections.length > 1) throw new UsageError('describe takes a single resource type')
      await withConnection(self, io, async ({ client, namespace }) => {
        const now = nowOf(io)
        let names = [...sel.names]
        if (names.length === 0) {
          const list = await client.list<ApiObject>(sel.info, { namespace })
          names = (list.items ?? []).map((o) => o.metadata?.name ?? '')
          if (names.length === 0) {
            io.stderr(
              sel.info.namespaced
                ? `No resources found in ${namespace} namespace.\n`
                : 'No resources found\n'
            )
            return
          }
        }
        let first = true
        for (const name of names) {
          const text = await describeOne(client, sel.info, name, namespace, now)
          io.stdout(first ? text : `\n\n${text}`)
          first = false
        }
      })
    })
  withExamples(
    cmd,
    `
    # Describe an image stream: tags, sources, history and import errors
    isctl describe is myapp

    # Describe the image a tag points to (Arch and, for a manifest list, Manifests)
    isctl describe istag myapp:latest

    # Describe a pull secret: only the size of each key is shown
    isctl describe secret my-pull-secret
    `
  )
}

async function describeOne(
  client: ApiClient,
  info: ResourceInfo,
  name: string,
  namespace: string,
  now: number
): Promise<string> {
  const at = { namespace }
  switch (info.kind) {
    case 'ImageStream':
      return describeImageStream(await client.get<ImageStream>(info, name, at), now)
    case 'ImageStreamTag': {
      const istag = await client.get<ImageStreamTag>(info, istagName(name), at)
      const image = istag.image ?? { metadata: {} }
      return describeImage(image, image.metadata.name ?? '', now)
    }
    case 'ImageStreamImage': {
      const isimage = await client.get<ImageStreamImage>(info, name, at)
      return describeImage(isimage.image, isimage.image.metadata.name ?? '', now)
    }
    case 'Image':
      return describeImage(await client.get<Image>(info, name), '', now)
    case 'Secret':
      return describeSecret(await client.get<Secret>(info, name, at))
    case 'ServiceAccount': {
      const sa = await client.get<ServiceAccount>(info, name, at)
      const secretsInfo = resourceForKind('Secret') as ResourceInfo
      const secrets = (await client.list<Secret>(secretsInfo, at)).items ?? []
      const existing = new Set(secrets.map((s) => s.metadata.name ?? ''))
      const referenced = [...(sa.secrets ?? []), ...(sa.imagePullSecrets ?? [])].map(
        (s) => s.name ?? ''
      )
      return describeServiceAccount(sa, {
        tokens: secrets.filter(
          (s) =>
            s.type === 'kubernetes.io/service-account-token' &&
            s.metadata.annotations?.[SERVICE_ACCOUNT_NAME] === name
        ),
        missingSecrets: new Set(referenced.filter((n) => !existing.has(n))),
      })
    }
    case 'Namespace':
      return describeNamespace(await client.get<Namespace>(info, name))
    default:
      throw new UsageError(`describe does not support ${info.plural}`)
  }
}

// ParseImageStreamTagName, with latest for an empty tag.
function istagName(name: string): string {
  if (name.includes('@')) {
    throw new AppError(
      Reason.BadRequest,
      `"${name}" is an image stream image, not an image stream tag`
    )
  }
  const parts = name.split(':')
  if (parts.length !== 2) {
    throw new AppError(Reason.BadRequest, `expected exactly one : delimiter in the istag "${name}"`)
  }
  const [stream = '', tag = ''] = parts
  if (stream === '' || tag === '') {
    throw new AppError(
      Reason.BadRequest,
      `image stream tag name "${name}" must have a name and a tag`
    )
  }
  return name
}

// kubectl's describeNamespace without quotas and limit ranges (this server has neither).
function describeNamespace(ns: Namespace): string {
  let out = `Name:\t${ns.metadata.name ?? ''}\n`
  out += labelsMultiline('Labels', ns.metadata.labels)
  out += annotationsMultiline('Annotations', ns.metadata.annotations)
  out += `Status:\t${ns.status?.phase ?? ''}\n`
  out += '\nNo resource quota.\n\nNo LimitRange resource.\n'
  return tabwrite(out, KUBECTL_DESCRIBE_TABS)
}
