import { describe, expect, it } from 'vitest'
import { describeImage } from './describe-image.js'

const tabs = (s: string): string => s.replaceAll('→', '\t')
const NOW = Date.parse('2026-09-01T12:00:00Z')

describe('describeImage', () => {
  it('describes an image by name alone (describe image NAME), with entrypoint, user and volumes', () => {
    const out = describeImage(
      {
        metadata: { name: 'sha256:1', labels: { 'x.y': 'z' } },
        dockerImageReference: 'quay.io/org/app@sha256:1',
        dockerImageMetadata: {
          Created: '2026-09-01T11:00:00Z',
          Author: 'me',
          Architecture: 'arm64',
          Size: 1200,
          Config: { Entrypoint: ['/init', '--x'], User: '1001', Volumes: { '/b': {}, '/a': {} } },
        },
        dockerImageLayers: [{ name: 'sha256:l', size: 1000, mediaType: 'm' }],
        signatures: [{ metadata: { name: 'sig' }, type: 'atomic', content: '' }],
      },
      '',
      NOW
    )
    expect(out).toBe(
      tabs(`Docker Image:→→quay.io/org/app@sha256:1
Name:→→→sha256:1
Labels:→→→x.y=z
Image Size:→→1.2kB in 1 layers
Layers:→→→1kB→sha256:l
Image Signatures:→ 
→→→Name:→sig
→→→Type:→atomic
→→→Status:→Unverified
Image Created:→→About an hour ago
Author:→→→me
Arch:→→→arm64
Entrypoint:→→/init --x
Working Dir:→→<none>
User:→→→1001
Exposes Ports:→→<none>
Docker Labels:→→<none>
Volumes:→→/a
→→→/b
`)
    )
  })
})
