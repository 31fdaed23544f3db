import { describe, expect, it } from 'vitest'
import { jsonLogger } from '../shared/log.js'
import {
  logRequest,
  requestIdFrom,
  requestLogFields,
  safeHeaders,
  safePath,
} from './request-log.js'

describe('request logging', () => {
  it('keeps a plain client request id and replaces anything else', () => {
    expect(requestIdFrom('abc-123.x:y')).toBe('abc-123.x:y')
    expect(requestIdFrom('evil\nid')).not.toContain('\n')
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/)
    expect(requestIdFrom('x'.repeat(200))).toHaveLength(36)
  })

  it('never logs credential headers', () => {
    const h = safeHeaders({
      Authorization: 'Bearer s3cr3t',
      Cookie: 'session=abc',
      'X-Registry-Auth': 'e30=',
      'X-Amz-Security-Token': 'tok',
      Accept: 'application/json',
    })
    expect(h).toEqual({
      authorization: '[REDACTED]',
      cookie: '[REDACTED]',
      'x-registry-auth': '[REDACTED]',
      'x-amz-security-token': '[REDACTED]',
      accept: 'application/json',
    })
  })

  it('redacts credential-looking query parameters from paths', () => {
    expect(safePath('/apis/x?watch=1&access_token=abc')).toBe(
      '/apis/x?watch=1&access_token=REDACTED'
    )
    expect(safePath('/healthz')).toBe('/healthz')
  })

  it('writes one JSON line per request with its id and no secret', () => {
    const lines: string[] = []
    const logger = jsonLogger((l) => lines.push(l))
    logRequest(logger, {
      requestId: 'r-1',
      method: 'GET',
      path: '/apis/image.openshift.io/v1/namespaces/a/imagestreams?token=zzz',
      status: 200,
      durationMs: 1.234,
      user: 'admin',
      headers: [
        ['authorization', 'Bearer topsecret'],
        ['user-agent', 'isctl'],
      ],
    })
    logRequest(logger, { requestId: 'r-2', method: 'POST', path: '/x', status: 503, durationMs: 2 })
    expect(lines).toHaveLength(2)
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
    expect(first).toMatchObject({ level: 'info', msg: 'request', requestId: 'r-1', status: 200 })
    expect(lines.join('')).not.toContain('topsecret')
    expect(lines.join('')).not.toContain('zzz')
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ level: 'error', requestId: 'r-2' })
    expect(
      requestLogFields({ requestId: 'a', method: 'GET', path: '/', status: 200, durationMs: 0 })
    ).not.toHaveProperty('headers')
  })
})
