import { describe, expect, it } from 'vitest'
import { isAppError } from '../shared/errors.js'
import {
  errorFromResponse,
  isRegistryError,
  type RegistryError,
  reasonForStatus,
  scrubSecrets,
} from './errors.js'

const enc = (v: unknown): Uint8Array =>
  new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v))

describe('reasonForStatus', () => {
  it.each([
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [404, 'NotFound'],
    [429, 'TooManyRequests'],
    [500, 'ServiceUnavailable'],
    [503, 'ServiceUnavailable'],
    [400, 'BadRequest'],
    [302, 'InternalError'],
  ])('%i → %s', (status, reason) => {
    expect(reasonForStatus(status)).toBe(reason)
  })
})

describe('errorFromResponse', () => {
  it('formats the spec error body after the method and URL', () => {
    const err = errorFromResponse({
      method: 'GET',
      url: 'https://host/v2/x/manifests/y',
      status: 404,
      body: enc({
        errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'y' } }],
      }),
    })
    expect(err.message).toBe(
      'GET https://host/v2/x/manifests/y: MANIFEST_UNKNOWN: manifest unknown'
    )
    expect(err.code).toBe('MANIFEST_UNKNOWN')
    expect(err.reason).toBe('NotFound')
    expect(err.status).toBe(404)
    expect(err.diagnostics).toEqual([
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'y' } },
    ])
    expect(err.temporary).toBe(false)
    expect(isAppError(err, 'NotFound')).toBe(true)
    expect(isRegistryError(err, 'MANIFEST_UNKNOWN')).toBe(true)
  })

  it('says HEAD responses have no body', () => {
    const err = errorFromResponse({
      method: 'HEAD',
      url: 'https://host/v2/x/manifests/y',
      status: 404,
    })
    expect(err.message).toBe(
      'HEAD https://host/v2/x/manifests/y: unexpected status code 404 Not Found (HEAD responses have no body, use GET for details)'
    )
    expect(err.code).toBe('NOT_FOUND')
  })

  it('tolerates non-JSON bodies (quay 429 HTML) and marks 429/5xx temporary', () => {
    const err = errorFromResponse({
      method: 'GET',
      url: 'https://host/v2/',
      status: 429,
      body: enc('<html><body>Too many requests</body></html>'),
      retryAfterMs: 2000,
    })
    expect(err.message).toContain('unexpected status code 429 Too Many Requests: <html>')
    expect(err.code).toBe('TOOMANYREQUESTS')
    expect(err.temporary).toBe(true)
    expect(err.retryAfterMs).toBe(2000)
    expect(errorFromResponse({ method: 'GET', url: 'https://h/v2/', status: 502 }).temporary).toBe(
      true
    )
  })

  it('redacts credential-looking query parameters', () => {
    const err = errorFromResponse({
      method: 'GET',
      url: 'https://cdn.example/blob?X-Amz-Signature=abc&token=secret',
      status: 403,
    })
    expect(err.message).not.toContain('abc')
    expect(err.message).not.toContain('secret')
  })
})

describe('scrubSecrets', () => {
  it('removes echoed secrets from message and diagnostics', () => {
    const err = errorFromResponse({
      method: 'GET',
      url: 'https://host/v2/',
      status: 400,
      body: enc({
        errors: [
          { code: 'DENIED', message: 'bad token s3cr3t-token', detail: { got: 's3cr3t-token' } },
        ],
      }),
    })
    const scrubbed = scrubSecrets(err, ['s3cr3t-token']) as RegistryError
    expect(scrubbed.message).toBe('GET https://host/v2/: DENIED: bad token REDACTED')
    expect(JSON.stringify(scrubbed.diagnostics)).not.toContain('s3cr3t')
    expect(scrubbed.code).toBe('DENIED')
    expect(scrubSecrets(err, ['unrelated'])).toBe(err)
  })
})
