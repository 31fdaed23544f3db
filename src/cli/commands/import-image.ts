import type { Command } from 'commander'
import type { ImageStream, ImageStreamImport } from '../../api/image/v1/types.js'
import { type ResourceInfo, resourceForKind } from '../../api/scheme.js'
import { AppError, Reason } from '../../shared/errors.js'
import { isNotFound } from '../cli-errors.js'
import { nowOf, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { renderImportResult } from '../import-output.js'
import { parseImportFlagValues, parseImportTarget, planImport } from '../import-request.js'
import type { CliIo } from '../io.js'
import { parseOutputFormat } from '../output/output-format.js'
import { printResult } from '../output/print-result.js'
import { startProgress } from '../progress.js'

const IS = resourceForKind('ImageStream') as ResourceInfo
const ISI = resourceForKind('ImageStreamImport') as ResourceInfo

type Flags = {
  from?: string
  confirm?: boolean
  all?: boolean
  referencePolicy?: string
  importMode?: string
  dryRun?: boolean
  scheduled?: boolean
  insecure?: boolean
  output?: string
}

/** The message oc's import-image exits with when a tag or the repository failed to import. */
export const IMPORT_FAILED_MESSAGE = 'imported completed with errors'

/** Registers `isctl import-image IMAGESTREAM[:TAG]` with oc's flags, rules and output. */
export function registerImportImage(program: Command, io: CliIo): void {
  const cmd = program
    .command('import-image')
    .description('Import images from a container image registry')
    .argument('[imagestream]', 'IMAGESTREAM[:TAG]')
    .option('--from <image>', 'a container image repository to import images from')
    .option('--confirm', 'if true, allow the image stream import location to be set or changed')
    .option(
      '--all',
      'if true, import all tags from the provided source on creation or if --from is specified'
    )
    .option(
      '--reference-policy <policy>',
      "allow to request pullthrough for external image when set to 'local'; defaults to 'source'"
    )
    .option(
      '--import-mode <mode>',
      "imports the full manifest list of a tag when set to 'PreserveOriginal'; defaults to 'Legacy'"
    )
    .option(
      '--dry-run',
      'fetch information about images without creating or updating an image stream'
    )
    .option(
      '--scheduled',
      'set each imported image to be periodically imported from the remote repository'
    )
    .option(
      '--insecure',
      'if true, allow importing from registries with invalid HTTPS certificates or served over HTTP; takes precedence over the insecure annotation'
    )
    .option(
      '--no-insecure',
      'do not allow insecure registries even if the stream is annotated insecure'
    )
    .option('-o, --output <format>', 'print the image stream: json, yaml, name, jsonpath=TEMPLATE')
    .action(async (target: string | undefined, flags: Flags, self: Command) => {
      const values = parseImportFlagValues(flags)
      const parsed = parseImportTarget(target, flags.all === true)
      const format = parseOutputFormat(flags.output)
      const insecureGiven = self.getOptionValueSource('insecure') === 'cli'
      const importFlags = {
        from: flags.from,
        confirm: flags.confirm === true,
        all: flags.all === true,
        scheduled: flags.scheduled === true,
        insecure: insecureGiven ? flags.insecure === true : undefined,
        importMode: values.importMode,
        referencePolicy: values.referencePolicy,
        dryRun: flags.dryRun === true,
      }
      await withConnection(self, io, async ({ client, namespace }) => {
        let existing: ImageStream | undefined
        try {
          existing = await client.get<ImageStream>(IS, parsed.name, { namespace })
        } catch (err) {
          if (!isNotFound(err)) throw err
        }
        const plan = planImport(existing, parsed, importFlags, namespace)
        const from =
          plan.isi.spec.repository?.from.name ?? plan.isi.spec.images?.[0]?.from.name ?? ''
        const progress = importFlags.all
          ? startProgress(io, `importing all tags of ${from}`)
          : undefined
        let result: ImageStreamImport
        try {
          result = await client.create<ImageStreamImport>(ISI, plan.isi, { namespace })
        } finally {
          progress?.stop()
        }
        if (format.kind !== 'table') {
          const stream = result.status?.import ?? plan.stream
          printResult(io, { kind: 'ImageStream', ...stream }, format, 'imported')
          return
        }
        const out = renderImportResult(result, parsed.name, {
          dryRun: importFlags.dryRun,
          now: nowOf(io),
        })
        io.stderr(out.stderr)
        io.stdout(out.stdout)
        if (out.failed) throw new AppError(Reason.InternalError, IMPORT_FAILED_MESSAGE)
      })
    })
  withExamples(
    cmd,
    `
    # Import tag latest into a new image stream
    isctl import-image mystream --from=registry.io/repo/image:latest --confirm

    # Import a multi-architecture image: the manifest list and every platform, pulled through this server
    isctl import-image mystream --from=registry.io/repo/image:latest --import-mode=PreserveOriginal --reference-policy=local --confirm

    # Update imported data for tag latest in an already existing image stream
    isctl import-image mystream

    # Update imported data for tag stable in an already existing image stream
    isctl import-image mystream:stable

    # Update imported data for all tags in an existing image stream
    isctl import-image mystream --all

    # Import all tags into a new image stream
    isctl import-image mystream --from=registry.io/repo/image --all --confirm

    # Import all tags into a new image stream using a custom timeout
    isctl --request-timeout=5m import-image mystream --from=registry.io/repo/image --all --confirm
    `
  )
}
