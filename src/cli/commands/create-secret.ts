import type { Command } from 'commander'
import { collect, withExamples } from '../command-helpers.js'
import { withConnection } from '../connection.js'
import { createAndPrint } from '../create-object.js'
import { parseDryRun } from '../dry-run.js'
import type { CliIo } from '../io.js'
import { parseOutputFormat } from '../output/output-format.js'
import {
  type BuiltSecret,
  buildDockerRegistrySecret,
  buildGenericSecret,
} from '../secret-builders.js'

type GenericFlags = {
  fromFile?: string[]
  fromLiteral?: string[]
  type?: string
  output?: string
  dryRun?: string | boolean
}

type DockerFlags = {
  dockerServer?: string
  dockerUsername?: string
  dockerPassword?: string
  dockerEmail?: string
  fromFile?: string[]
  output?: string
  dryRun?: string | boolean
}

/** Registers `isctl create secret generic|docker-registry NAME`. */
export function registerCreateSecret(create: Command, io: CliIo): void {
  const secret = create
    .command('secret')
    .description('Create a secret using a specified subcommand')
  withExamples(
    secret,
    `
    # Create a pull secret from a Docker config.json
    isctl create secret generic my-pull-secret --from-file=.dockerconfigjson=$HOME/.docker/config.json --type=kubernetes.io/dockerconfigjson

    # Create a pull secret from registry credentials
    isctl create secret docker-registry my-pull-secret --docker-server=quay.io --docker-username=me --docker-password=secret
    `
  )

  const generic = secret
    .command('generic')
    .description('Create a secret from local files or literal values')
    .argument('<name>', 'name of the secret')
    .option(
      '--from-file <[key=]path>',
      'key and file whose content becomes the value; the key defaults to the file name; repeatable',
      collect
    )
    .option('--from-literal <key=value>', 'key and literal value; repeatable', collect)
    .option(
      '--type <type>',
      'the type of secret, e.g. kubernetes.io/dockerconfigjson or kubernetes.io/podmanconfigjson'
    )
    .option('-o, --output <format>', 'output format: json, yaml, name, jsonpath=TEMPLATE')
    .option('--dry-run [strategy]', 'none, client or server')
    .action(async (name: string, _flags: GenericFlags, self: Command) => {
      const flags = self.optsWithGlobals<GenericFlags>()
      await send(self, io, flags, (namespace) =>
        buildGenericSecret(
          name,
          namespace,
          {
            type: flags.type,
            fromFile: flags.fromFile ?? [],
            fromLiteral: flags.fromLiteral ?? [],
          },
          io
        )
      )
    })
  withExamples(
    generic,
    `
    # Create a pull secret from a Docker config.json (checked before it is sent)
    isctl create secret generic my-pull-secret --from-file=.dockerconfigjson=$HOME/.docker/config.json --type=kubernetes.io/dockerconfigjson

    # Create a pull secret from a Podman auth.json
    isctl create secret generic my-podman-secret --from-file=$HOME/.config/containers/auth.json --type=kubernetes.io/podmanconfigjson

    # Create a secret with literal values, printed instead of created
    isctl create secret generic demo --from-literal=user=admin --dry-run=client -o yaml
    `
  )

  const docker = secret
    .command('docker-registry')
    .description('Create a secret for use with a container registry')
    .argument('<name>', 'name of the secret')
    .option(
      '--docker-server <server>',
      'server location for the registry (default https://index.docker.io/v1/)'
    )
    .option('--docker-username <username>', 'username for registry authentication')
    .option('--docker-password <password>', 'password for registry authentication')
    .option('--docker-email <email>', 'email for the registry')
    .option(
      '--from-file <[key=]path>',
      'a Docker config.json to use instead of the flags; repeatable',
      collect
    )
    .option('-o, --output <format>', 'output format: json, yaml, name, jsonpath=TEMPLATE')
    .option('--dry-run [strategy]', 'none, client or server')
    .action(async (name: string, _flags: DockerFlags, self: Command) => {
      const flags = self.optsWithGlobals<DockerFlags>()
      await send(self, io, flags, (namespace) =>
        buildDockerRegistrySecret(
          name,
          namespace,
          {
            server: flags.dockerServer,
            username: flags.dockerUsername,
            password: flags.dockerPassword,
            email: flags.dockerEmail,
            fromFile: flags.fromFile ?? [],
          },
          io
        )
      )
    })
  withExamples(
    docker,
    `
    # Create a pull secret for quay.io
    isctl create secret docker-registry quay-pull --docker-server=quay.io --docker-username=me --docker-password=secret --docker-email=me@example.com
    `
  )
}

async function send(
  cmd: Command,
  io: CliIo,
  flags: { output?: string; dryRun?: string | boolean },
  build: (namespace: string) => Promise<BuiltSecret>
): Promise<void> {
  const format = parseOutputFormat(flags.output)
  const dryRun = parseDryRun(flags.dryRun)
  await withConnection(cmd, io, async ({ client, namespace }) => {
    const { secret, warnings } = await build(namespace)
    for (const w of warnings) io.stderr(`warning: ${w}\n`)
    await createAndPrint(io, client, 'Secret', secret, { namespace, format, dryRun })
  })
}
