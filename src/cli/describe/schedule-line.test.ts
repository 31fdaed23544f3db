import { describe, expect, it } from 'vitest'
import type { ImageStream } from '../../api/image/v1/types.js'
import { SCHEDULE_ANNOTATION } from '../../controllers/schedule-state.js'
import { scheduleLine } from './schedule-line.js'

const NOW = Date.parse('2026-11-27T12:00:00Z')

function stream(record: unknown): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: {
      name: 's',
      namespace: 'n',
      annotations: { [SCHEDULE_ANNOTATION]: JSON.stringify(record) },
    },
    spec: {},
  } as ImageStream
}

describe('scheduleLine', () => {
  it('says when a scheduled tag was last checked and will be checked next', () => {
    const s = stream({
      intervalMs: 900_000,
      offsetMs: 0,
      tags: { latest: { lastChecked: '2026-11-27T11:58:00Z', nextCheck: '2026-11-27T12:13:00Z' } },
    })
    expect(scheduleLine(s, 'latest', NOW)).toBe(
      'last checked 2 minutes ago, next check in 13 minutes'
    )
  })

  it('reports failures and immutable tags, and nothing for unknown tags', () => {
    const s = stream({
      intervalMs: 900_000,
      offsetMs: 0,
      tags: {
        broken: {
          lastChecked: '2026-11-27T11:59:00Z',
          nextCheck: '2026-11-27T12:30:00Z',
          failures: 2,
          reason: 'NotFound',
        },
        'v1.2.3': { lastChecked: '2026-11-27T10:00:00Z', immutable: true },
      },
    })
    expect(scheduleLine(s, 'broken', NOW)).toBe(
      'last checked About a minute ago, next check in 30 minutes, 2 failed check(s) (NotFound)'
    )
    expect(scheduleLine(s, 'v1.2.3', NOW)).toBe('immutable tag: not checked again')
    expect(scheduleLine(s, 'other', NOW)).toBeUndefined()
  })
})
