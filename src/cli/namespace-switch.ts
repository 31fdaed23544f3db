import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { ClientSettings } from './connection.js'
import type { GlobalFlags } from './global-flags.js'
import { type CliIo, UsageError } from './io.js'
import { kubeconfigPaths, newKubeconfig, withContextNamespace } from './kubeconfig.js'

/**
 * Makes namespace the current one in the kubeconfig, as `oc project` does: the current context's
 * namespace is changed in the file that defines it. Without any kubeconfig (server and token given as
 * flags), a new file is written with one cluster, user and context.
 */
export async function switchNamespace(
  settings: ClientSettings,
  flags: GlobalFlags,
  namespace: string,
  io: CliIo
): Promise<void> {
  const write = async (path: string, text: string): Promise<void> => {
    if (io.writeFile !== undefined) return io.writeFile(path, text)
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    await writeFile(path, text, { mode: 0o600 })
  }
  const kc = settings.kubeconfig
  const contextName = settings.contextName
  if (kc.files.length === 0) {
    const path = kubeconfigPaths(flags.kubeconfig, io.env)[0] ?? ''
    const { text } = newKubeconfig({
      server: settings.server,
      token: settings.token,
      caData: settings.caData,
      insecure: settings.insecure,
      namespace,
    })
    await write(path, text)
    return
  }
  if (contextName === undefined) {
    throw new UsageError(
      'the kubeconfig has no current context whose namespace could be set; pass --context'
    )
  }
  const file = kc.fileOfContext(contextName)
  if (file === undefined)
    throw new UsageError(`context was not found for specified context: ${contextName}`)
  await write(file.path, withContextNamespace(file, contextName, namespace))
}
