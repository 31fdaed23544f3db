/** The registry names that all mean Docker Hub in image references. */
export const DOCKER_HUB_REGISTRIES: readonly string[] = [
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]

/** The key hosts a pull secret uses for Docker Hub: `index.docker.io` (what `docker login` writes) and `docker.io`. */
export const DOCKER_HUB_KEY_HOSTS: readonly string[] = ['index.docker.io', 'docker.io']

/** The default server of `oc create secret docker-registry`, i.e. Docker Hub. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/'

/**
 * Reports whether a reference's registry is Docker Hub: empty (no registry in the reference), `docker.io`,
 * `index.docker.io` or `registry-1.docker.io`, case-insensitively (kubelet `isDefaultRegistryMatch`).
 */
export function isDockerHubRegistry(registry: string): boolean {
  return registry === '' || DOCKER_HUB_REGISTRIES.includes(registry.toLowerCase())
}
