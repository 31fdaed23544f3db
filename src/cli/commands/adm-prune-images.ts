import type { Command } from 'commander'
import { parseAllDocuments } from 'yaml'
import { pullSpecsInUse } from '../../prune/in-use.js'
import { IMAGE_PRUNES_PATH } from '../../prune/prune-handler.js'
import { DEFAULT_PRUNE_OPTIONS, type ImagePruneOptions } from '../../prune/prune-options.js'
import { DRY_RUN_MESSAGE, formatPruneLines, type PruneReport } from '../../prune/report.js'
import { parseDurationMs } from '../../server/config.js'
import { AppError, Reason } from '../../shared/errors.js'
import { SilentFailure } from '../cli-errors.js'
import { collect, nowOf, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { globalFlags } from '../global-flags.js'
import { type CliIo, UsageError } from '../io.js'

type Flags = {
  confirm?: boolean
  keepTagRevisions: string
  keepYoungerThan: string
  pruneOverSizeLimit?: boolean
  all: boolean
  pruneRegistry: boolean
  inUseFrom?: string[]
}

/** The wire form of the request: only what the user chose, the server fills in its defaults. */
type PruneRequestBody = {
  -readonly [K in Exclude<keyof ImagePruneOptions, 'registryHostnames'>]?: ImagePruneOptions[K]
}

/**
 * Registers `isctl adm prune images` (oc's flags and output). The pruning runs in the server, which
 * owns the registry's storage: the command posts the options to `POST /apis/imagestreams.io/v1/imageprunes`
 * and prints the report as oc prints its progress: the dry-run message on stderr, one line per stream,
 * link, image and blob deleted, and the summary line. `adm` and `prune` are created when absent.
 */
export function registerAdmPrune(program: Command, io: CliIo): void {
  const adm =
    program.commands.find((c) => c.name() === 'adm') ??
    program
      .command('adm')
      .description('Tools for managing a cluster')
      .addHelpText(
        'after',
        '\nExamples:\n  # See what image pruning would remove\n  isctl adm prune images\n'
      )
  const prune =
    adm.commands.find((c) => c.name() === 'prune') ??
    adm
      .command('prune')
      .description('Remove older versions of resources from the server')
      .addHelpText(
        'after',
        '\nExamples:\n  # Prune images, keeping 3 revisions per tag and everything younger than 60m\n  isctl adm prune images --confirm\n'
      )
  const cmd = prune
    .command('images')
    .description('Remove unreferenced images')
    .argument('[args...]')
    .option(
      '--confirm',
      'if true, specify that image pruning should proceed; defaults to false, displaying what would be deleted but not actually deleting anything'
    )
    .option(
      '--keep-tag-revisions <n>',
      'specify the number of image revisions for a tag in an image stream that will be preserved',
      String(DEFAULT_PRUNE_OPTIONS.keepTagRevisions)
    )
    .option(
      '--keep-younger-than <duration>',
      'specify the minimum age of an image and its referrers for it to be considered a candidate for pruning',
      '60m'
    )
    .option(
      '--prune-over-size-limit',
      "specify if images which are exceeding LimitRanges (see 'openshift.io/Image'), specified in the same namespace, should be considered for pruning; cannot be combined with --keep-younger-than nor --keep-tag-revisions"
    )
    .option(
      '--all',
      'include images that were imported from external registries as candidates for pruning',
      true
    )
    .option('--no-all', 'only consider images pushed to the integrated registry')
    .option(
      '--prune-registry',
      'if false, the prune operation will clean up image API objects, but none of the associated content in the registry is removed',
      true
    )
    .option('--no-prune-registry', 'only clean up image API objects')
    .option(
      '--in-use-from <file>',
      "a Kubernetes list whose workloads' images are in use, e.g. the output of 'kubectl get pods -A -o json' ('-' reads stdin; repeatable)",
      collect
    )
    .action(async (args: string[], raw: Flags, self: Command) => {
      if (args.length > 0) throw new UsageError('no arguments are allowed to this command')
      const body = await requestBody(raw, self, io)
      const namespace = globalFlags(self).namespace
      if (namespace !== undefined && namespace !== '') body.namespace = namespace
      if (body.confirm !== true) io.stderr(`${DRY_RUN_MESSAGE}\n`)
      const report = await withConnection(self, io, ({ client }) =>
        client.request<PruneReport>({ method: 'POST', path: IMAGE_PRUNES_PATH, body })
      )
      for (const w of report.warnings ?? []) io.stderr(`warning: ${w}\n`)
      for (const e of report.errors ?? []) io.stderr(`error: ${e}\n`)
      io.stdout(`${formatPruneLines(report).join('\n')}\n`)
      if ((report.errors ?? []).length > 0) throw new SilentFailure('image prune had errors')
    })
  withExamples(
    cmd,
    `
    # See what the prune command would delete if only images and their referrers were more than an hour old
    # and obsoleted by 3 newer revisions under the same tag were considered
    isctl adm prune images --keep-tag-revisions=3 --keep-younger-than=60m

    # To actually perform the prune operation, the confirm flag must be appended
    isctl adm prune images --keep-tag-revisions=3 --keep-younger-than=60m --confirm

    # Keep what the cluster's pods and workloads run, pinned digests of manifest list children included
    kubectl get pods,deploy,sts,ds,cronjob -A -o json > in-use.json
    isctl adm prune images --in-use-from in-use.json --confirm
    `
  )
}

async function requestBody(raw: Flags, cmd: Command, io: CliIo): Promise<PruneRequestBody> {
  const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli'
  const body: PruneRequestBody = {
    confirm: raw.confirm === true,
    all: raw.all,
    pruneRegistry: raw.pruneRegistry,
  }
  const revisionsGiven = given('keepTagRevisions')
  const ageGiven = given('keepYoungerThan')
  if (raw.pruneOverSizeLimit === true) {
    // oc: the keep limits only apply when given, and then they are refused with the size limit.
    if (revisionsGiven || ageGiven) {
      throw new AppError(
        Reason.Invalid,
        '--prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than'
      )
    }
    body.pruneOverSizeLimit = true
  }
  if (raw.pruneOverSizeLimit !== true) {
    if (!/^-?\d+$/.test(raw.keepTagRevisions.trim())) {
      throw new UsageError(
        `invalid argument "${raw.keepTagRevisions}" for "--keep-tag-revisions" flag: must be an integer`
      )
    }
    const revisions = Number(raw.keepTagRevisions)
    if (revisions < 0) {
      throw new AppError(Reason.Invalid, '--keep-tag-revisions must be greater than or equal to 0')
    }
    const age = raw.keepYoungerThan.trim().startsWith('-')
      ? -1
      : parseDurationMs(raw.keepYoungerThan.trim())
    if (age === undefined) {
      throw new UsageError(
        `invalid argument "${raw.keepYoungerThan}" for "--keep-younger-than" flag: use e.g. 60m, 1h30m or 0s`
      )
    }
    if (age < 0) {
      throw new AppError(Reason.Invalid, '--keep-younger-than must be greater than or equal to 0')
    }
    body.keepTagRevisions = revisions
    body.keepYoungerThanMs = age
  }
  const files = raw.inUseFrom ?? []
  if (files.length > 0) {
    const o = { now: nowOf(io), keepYoungerThanMs: body.keepYoungerThanMs ?? 0 }
    const specs = new Set<string>()
    for (const file of files) {
      for (const doc of await readDocuments(file, io)) {
        for (const spec of pullSpecsInUse(doc, o)) specs.add(spec)
      }
    }
    body.inUse = [...specs]
  }
  return body
}

// JSON (kubectl -o json) or YAML with several documents (kubectl -o yaml, hand-written lists).
async function readDocuments(file: string, io: CliIo): Promise<unknown[]> {
  let text: string
  if (file === '-') {
    if (io.readStdin === undefined) throw new UsageError('reading from stdin is not available here')
    text = await io.readStdin()
  } else {
    try {
      text = await io.readFile(file)
    } catch (err) {
      const code = (err as { code?: string }).code
      throw new UsageError(
        code === 'ENOENT'
          ? `the path "${file}" does not exist`
          : `error reading ${file}: ${(err as Error).message}`
      )
    }
  }
  const docs: unknown[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new UsageError(`error parsing ${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`)
    }
    docs.push(doc.toJS())
  }
  return docs
}
