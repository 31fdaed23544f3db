import { describe, expect, it } from 'vitest'
import { MediaType } from '../oci/media-types.js'
import { isRegistryError } from './errors.js'
import { resolveManifestMediaType } from './manifest-media-type.js'

const url = new URL('https://r.example/v2/a/manifests/t')
const resolve = (contentType: string | undefined, body: unknown): string =>
  resolveManifestMediaType({
    contentType,
    bytes: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
    method: 'GET',
    url,
  })

describe('resolveManifestMediaType', () => {
  it('takes a specific Content-Type (parameters ignored)', () => {
    expect(
      resolve(`${MediaType.OciManifest}; charset=utf-8`, { schemaVersion: 2, config: {} })
    ).toBe(MediaType.OciManifest)
    expect(resolve(MediaType.OciIndex, { schemaVersion: 2, mediaType: MediaType.OciIndex })).toBe(
      MediaType.OciIndex
    )
  })

  it('rejects a body mediaType that contradicts Content-Type (CVE-2021-41190)', () => {
    try {
      resolve(MediaType.OciManifest, { schemaVersion: 2, mediaType: MediaType.OciIndex })
      expect.unreachable()
    } catch (err) {
      expect(isRegistryError(err, 'INVALID_RESPONSE')).toBe(true)
      expect((err as Error).message).toContain('does not match Content-Type')
    }
  })

  it('defers to the body for generic content types', () => {
    expect(resolve('application/json', { mediaType: MediaType.DockerManifest })).toBe(
      MediaType.DockerManifest
    )
    expect(resolve(undefined, { schemaVersion: 1, signatures: [] })).toBe(
      MediaType.DockerSchema1Signed
    )
    expect(resolve('text/plain', { schemaVersion: 1 })).toBe(MediaType.DockerSchema1)
    expect(resolve('', { schemaVersion: 2, manifests: [] })).toBe(MediaType.OciIndex)
    expect(resolve('', { schemaVersion: 2, config: {} })).toBe(MediaType.OciManifest)
  })

  it('rejects bodies that are not JSON objects', () => {
    expect(() => resolve(MediaType.OciManifest, '<html>')).toThrow('not valid JSON')
    expect(() => resolve(MediaType.OciManifest, '[1]')).toThrow('not a JSON object')
  })
})
