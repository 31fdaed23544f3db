import type { Command } from 'commander'
import {
  parseConfigFile,
  type RawServerSettings,
  resolveServerConfig,
} from '../../server/config.js'
import { startServer } from '../../server/server.js'
import { jsonLogger } from '../../shared/log.js'
import type { CliIo } from '../io.js'

type ServeFlags = Record<string, string | boolean | undefined> & { config?: string }

/** Registers `isctl serve`: the API, the importer (and later registry and controllers) in one process. */
export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Run the imagestreams server on its embedded SQLite store')
    .option('--config <file>', 'settings file (YAML or JSON; keys are the flag names)')
    .option('--data-dir <dir>', 'where the database, keys and certificates live (default ./data)')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8443)')
    .option(
      '--tls-cert-file <file>',
      'serving certificate (PEM); default a self-signed one in the data dir'
    )
    .option('--tls-private-key-file <file>', 'key of --tls-cert-file (PEM)')
    .option('--insecure-http', 'serve plain HTTP (loopback addresses only)')
    .option('--default-import-mode <mode>', 'Legacy or PreserveOriginal (default Legacy)')
    .option(
      '--default-platform <os/arch[/variant]>',
      'platform Legacy imports prefer (default linux/amd64)'
    )
    .option('--allowed-registries-for-import <hosts>', 'comma-separated registry host patterns')
    .option(
      '--max-images-bulk-imported-per-repository <n>',
      'tags imported by --all (default 50, -1 unlimited)'
    )
    .option('--scheduled-import-interval <duration>', 'scheduled re-import interval (default 15m)')
    .option('--max-scheduled-imports-per-minute <n>', 'cap on scheduled imports (default 60)')
    .option('--registry-hostname <host[:port]>', 'how clients reach the integrated registry')
    .option('--additional-trusted-ca <files>', 'comma-separated PEM files trusted when importing')
    .option('--log-level <level>', 'debug, info, warn or error (default info)')
    .option(
      '--immutable-tags <patterns>',
      'comma-separated regexps of tags never re-checked once imported'
    )
    .option('--disable-scheduled-import', 'turn scheduled re-imports off')
    .option(
      '--prune-schedule <schedule>',
      'prune images on the server: cron (UTC), @daily, @every 6h'
    )
    .addHelpText(
      'after',
      `
Examples:
  # Start on https://127.0.0.1:8443 with data in ./data, then use the written kubeconfig
  isctl serve
  export KUBECONFIG=$PWD/data/admin.kubeconfig

  # Plain HTTP on a loopback port, another data directory
  isctl serve --insecure-http --listen 127.0.0.1:8080 --data-dir /var/lib/imagestreams`
    )
    .action(async (flags: ServeFlags) => {
      const fromFile: RawServerSettings =
        flags.config === undefined
          ? {}
          : parseConfigFile(await io.readFile(flags.config), flags.config)
      const { config: _config, ...rest } = flags
      const config = resolveServerConfig(fromFile, rest)
      const logger = jsonLogger((line) => io.stderr(line), config.logLevel)
      const server = await startServer(config, { logger })
      io.stdout(`Server listening on ${server.url}\n`)
      io.stdout(`Admin kubeconfig written to ${server.kubeconfigPath}\n`)
      io.stdout(`  export KUBECONFIG=${server.kubeconfigPath}\n`)
      await new Promise<void>((resolve) => {
        if (io.shutdown === undefined || io.shutdown.aborted) return resolve()
        io.shutdown.addEventListener('abort', () => resolve(), { once: true })
      })
      io.stdout('Shutting down: finishing in-flight requests\n')
      await server.stop()
    })
}
