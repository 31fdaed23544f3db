import { stringify } from 'yaml'

/** What a kubeconfig for one user of one server holds. */
export type KubeconfigOptions = {
  readonly server: string
  readonly caPem?: string
  readonly token: string
  readonly namespace: string
  readonly user: string
}

/** Renders a normal kubeconfig (one cluster, one user, one context) that kubectl and isctl both read. */
export function renderKubeconfig(o: KubeconfigOptions): string {
  const cluster: Record<string, unknown> = { server: o.server }
  if (o.caPem !== undefined) {
    cluster['certificate-authority-data'] = Buffer.from(o.caPem).toString('base64')
  }
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'imagestreams', cluster }],
    users: [{ name: o.user, user: { token: o.token } }],
    contexts: [
      {
        name: 'imagestreams',
        context: { cluster: 'imagestreams', user: o.user, namespace: o.namespace },
      },
    ],
    'current-context': 'imagestreams',
    preferences: {},
  })
}
