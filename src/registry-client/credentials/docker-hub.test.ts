import { describe, expect, it } from 'vitest'
import { isDockerHubRegistry } from './docker-hub.js'

// kubernetes keyring_test.go TestIsDefaultRegistryMatch, on the registry part of each image name:
// `foo/bar` and `foo` have none, `docker.io/foo/bar` → docker.io, `registry:5000/foo/bar` → registry:5000.
describe('isDockerHubRegistry', () => {
  it.each([
    ['', true],
    ['docker.io', true],
    ['index.docker.io', true],
    ['registry-1.docker.io', true],
    ['Docker.IO', true],
    ['registry.tld', false],
    ['registry:5000', false],
    ['myhostdocker.io', false],
    ['docker.io:443', false],
  ])('%s → %s', (registry, want) => {
    expect(isDockerHubRegistry(registry)).toBe(want)
  })
})
