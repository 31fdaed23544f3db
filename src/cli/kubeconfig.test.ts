import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  kubeconfigPaths,
  mergeKubeconfigs,
  newKubeconfig,
  parseKubeconfigFile,
  withContextNamespace,
} from './kubeconfig.js'

const A = parseKubeconfigFile(
  '/home/u/.kube/config',
  `apiVersion: v1
kind: Config
current-context: main
clusters:
- name: c1
  cluster: { server: https://a:8443, certificate-authority: ca.pem }
users:
- name: u1
  user: { token: t1 }
contexts:
- name: main
  context: { cluster: c1, user: u1, namespace: team }
`
)
const B = parseKubeconfigFile(
  '/etc/kube/b',
  `current-context: other
clusters:
- name: c1
  cluster: { server: https://ignored }
- name: c2
  cluster: { server: https://b }
contexts:
- name: other
  context: { cluster: c2, user: u1 }
`
)

describe('kubeconfig', () => {
  it('picks --kubeconfig, else KUBECONFIG entries, else ~/.kube/config', () => {
    expect(kubeconfigPaths('/x', { KUBECONFIG: '/a:/b' })).toEqual(['/x'])
    expect(kubeconfigPaths(undefined, { KUBECONFIG: '/a::/b:/a' })).toEqual(['/a', '/b'])
    expect(kubeconfigPaths(undefined, { HOME: '/home/u' })).toEqual(['/home/u/.kube/config'])
  })

  it('merges files with the first one winning and resolves relative paths', () => {
    const kc = mergeKubeconfigs([A, B])
    expect(kc.currentContext).toBe('main')
    expect(kc.cluster('c1')).toEqual({
      server: 'https://a:8443',
      'certificate-authority': '/home/u/.kube/ca.pem',
    })
    expect(kc.cluster('c2')?.server).toBe('https://b')
    expect(kc.user('u1')?.token).toBe('t1')
    expect(kc.context('other')).toEqual({ cluster: 'c2', user: 'u1' })
    expect(kc.fileOfContext('other')?.path).toBe('/etc/kube/b')
  })

  it('sets the namespace of a context, keeping everything else', () => {
    const doc = parse(withContextNamespace(A, 'main', 'dev'))
    expect(doc.contexts[0]).toEqual({
      name: 'main',
      context: { cluster: 'c1', user: 'u1', namespace: 'dev' },
    })
    expect(doc.users).toEqual([{ name: 'u1', user: { token: 't1' } }])
    expect(doc['current-context']).toBe('main')
  })

  it('writes a new kubeconfig for flag-only connections', () => {
    const { text, contextName } = newKubeconfig({
      server: 'https://127.0.0.1:8443',
      token: 'tok',
      namespace: 'dev',
    })
    const doc = parse(text)
    expect(contextName).toBe('dev/127-0-0-1-8443')
    expect(doc.clusters[0].cluster).toEqual({ server: 'https://127.0.0.1:8443' })
    expect(doc.users[0].user).toEqual({ token: 'tok' })
    expect(doc['current-context']).toBe(contextName)
  })

  it('names the file when it is not YAML', () => {
    expect(() => parseKubeconfigFile('/k', '- a\n- b')).toThrow(
      'error loading config file "/k": not a kubeconfig mapping'
    )
  })
})
