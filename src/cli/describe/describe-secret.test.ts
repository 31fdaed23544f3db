import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { describeSecret } from './describe-secret.js'

// The expected text is what kubectl v1.32 prints for the same object (checked against /usr/bin/kubectl).
describe('describeSecret', () => {
  it('shows metadata, type and the size of each key, never a value', () => {
    const out = describeSecret({
      metadata: {
        name: 'pull',
        namespace: 'default',
        labels: { c: 'd', a: 'b' },
        annotations: {
          short: 'x',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
          long: 'y'.repeat(150),
        },
      },
      type: 'kubernetes.io/dockerconfigjson',
      data: { z: 'YWJj', '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
    })
    expect(out).toBe(`Name:         pull
Namespace:    default
Labels:       a=b
              c=d
Annotations:  long:
                ${'y'.repeat(138)}...
              short: x

Type:  kubernetes.io/dockerconfigjson

Data
====
.dockerconfigjson:  12 bytes
z:                  3 bytes
`)
    expect(out).not.toContain('auths')
  })
})
