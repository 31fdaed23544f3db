import { describe, expect, it } from 'vitest'
import type { ImageStream } from '../../api/image/v1/types.js'
import { describeImageStream } from './describe-image-stream.js'

const tabs = (s: string): string => s.replaceAll('→', '\t')
const NOW = Date.parse('2026-09-01T12:00:00Z')
const d = (c: string): string => `sha256:${c.repeat(64)}`

describe('describeImageStream', () => {
  it('prints Tags: <none> for a stream without tags', () => {
    const s: ImageStream = { metadata: { name: 'empty', namespace: 'demo' }, spec: {} }
    expect(describeImageStream(s, NOW)).toBe(
      tabs(`Name:→→→empty
Namespace:→→demo
Labels:→→→<none>
Annotations:→→<none>
Image Repository:→<none>
Image Lookup:→→local=false
Tags:→→→<none>
`)
    )
  })

  it('prints aliases, scheduled and insecure sources, import errors and history', () => {
    const s: ImageStream = {
      metadata: {
        name: 'app',
        namespace: 'demo',
        creationTimestamp: '2026-09-01T10:00:00Z',
        labels: { team: 'a', app: 'web' },
        annotations: { description: 'The app' },
      },
      spec: {
        lookupPolicy: { local: true },
        tags: [
          {
            name: 'latest',
            from: { kind: 'DockerImage', name: 'quay.io/org/app:latest' },
            generation: 4,
            importPolicy: { scheduled: true, insecure: true },
            referencePolicy: { type: 'Source' },
          },
          { name: 'stable', from: { kind: 'ImageStreamTag', name: 'latest' }, generation: 2 },
          {
            name: 'v1',
            from: { kind: 'DockerImage', name: 'quay.io/org/app:v1' },
            generation: 3,
            referencePolicy: { type: 'Local' },
          },
          {
            name: 'ref',
            from: { kind: 'DockerImage', name: 'quay.io/org/app:ref' },
            reference: true,
          },
        ],
      },
      status: {
        dockerImageRepository: '10.0.0.1:8443/demo/app',
        publicDockerImageRepository: 'registry.example.com/demo/app',
        tags: [
          {
            tag: 'latest',
            items: [
              {
                created: '2026-09-01T11:55:00Z',
                dockerImageReference: `quay.io/org/app@${d('b')}`,
                image: d('b'),
                generation: 2,
              },
              {
                created: '2026-09-01T09:00:00Z',
                dockerImageReference: 'quay.io/org/app:latest',
                image: d('a'),
                generation: 1,
              },
            ],
            conditions: [
              {
                type: 'ImportSuccess',
                status: 'False',
                reason: 'NotFound',
                message: 'dockerimage.image.openshift.io "quay.io/org/app:latest" not found',
                lastTransitionTime: '2026-09-01T11:59:00Z',
                generation: 3,
              },
            ],
          },
          {
            tag: 'old',
            items: [
              {
                created: '2026-08-01T12:00:00Z',
                dockerImageReference: `quay.io/org/app@${d('a')}`,
                image: d('a'),
                generation: 1,
              },
            ],
          },
          {
            tag: 'ref',
            items: [
              {
                created: '2026-09-01T11:00:00Z',
                dockerImageReference: 'quay.io/org/app:ref',
                image: '',
                generation: 1,
              },
            ],
          },
        ],
      },
    }
    expect(describeImageStream(s, NOW)).toBe(
      tabs(`Name:→→→app
Namespace:→→demo
Created:→→2 hours ago
Labels:→→→app=web
→→→team=a
Description:→→The app
Annotations:→→<none>
Image Repository:→registry.example.com/demo/app
Image Lookup:→→local=true
Unique Images:→→3
Tags:→→→5

latest (stable)
  updates automatically from registry quay.io/org/app:latest
    will use insecure HTTPS or HTTP connections

  ~ importing latest image ...
  ! error: Import failed (NotFound): dockerimage.image.openshift.io "quay.io/org/app:latest" not found
      About a minute ago
  * quay.io/org/app@${d('b')}
      5 minutes ago
    quay.io/org/app:latest
      3 hours ago→${d('a')}

old
  no spec tag

  * quay.io/org/app@${d('a')}
      4 weeks ago

ref
  reference to registry quay.io/org/app:ref

  * quay.io/org/app:ref
      About an hour ago

v1
  tagged from quay.io/org/app:v1
    prefer registry pullthrough when referencing this tag

  ~ importing latest image ...
`)
    )
  })
})
