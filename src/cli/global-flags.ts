import type { Command } from 'commander'

/** The flags every API command understands (kubectl/oc global flags). */
export type GlobalFlags = {
  readonly kubeconfig?: string
  readonly context?: string
  readonly server?: string
  readonly token?: string
  readonly namespace?: string
  readonly insecureSkipTlsVerify?: boolean
  readonly certificateAuthority?: string
  readonly requestTimeout?: string
}

/**
 * Registers the global flags on the program. They are accepted before or after the subcommand, as kubectl
 * accepts them (`isctl -n ns get is` and `isctl get is -n ns`).
 */
export function registerGlobalFlags(program: Command): void {
  program
    .option('--kubeconfig <path>', 'path to the kubeconfig file to use for CLI requests')
    .option('--context <name>', 'the name of the kubeconfig context to use')
    .option('-s, --server <url>', 'the address and port of the API server')
    .option('--token <token>', 'bearer token for authentication to the API server')
    .option('-n, --namespace <namespace>', 'if present, the namespace scope for this CLI request')
    .option(
      '--insecure-skip-tls-verify',
      "if true, the server's certificate will not be checked for validity (insecure)"
    )
    .option(
      '--certificate-authority <path>',
      'path to a cert file for the certificate authority of the API server'
    )
    .option(
      '--request-timeout <duration>',
      "how long to wait for a single server request before giving up, e.g. 30s, 5m; '0' waits forever"
    )
}

/** The global flag values as seen from a (sub)command. */
export function globalFlags(cmd: Command): GlobalFlags {
  return cmd.optsWithGlobals<GlobalFlags>()
}
