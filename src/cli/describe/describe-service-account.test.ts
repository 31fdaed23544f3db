import { describe, expect, it } from 'vitest'
import { describeServiceAccount } from './describe-service-account.js'

// The expected text is what kubectl v1.32 prints for the same object (checked against /usr/bin/kubectl).
describe('describeServiceAccount', () => {
  it('lists pull, mountable and token secrets, marking missing ones', () => {
    const out = describeServiceAccount(
      {
        metadata: { name: 'builder', namespace: 'default' },
        secrets: [{ name: 'pull' }, { name: 'gone' }],
        imagePullSecrets: [{ name: 'pull' }, { name: 'p2' }],
      },
      { tokens: [], missingSecrets: new Set(['gone', 'p2']) }
    )
    expect(out).toBe(`Name:                builder
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  pull
                     p2 (not found)
Mountable secrets:   pull
                     gone (not found)
Tokens:              <none>
Events:              <none>
`)
  })
})
