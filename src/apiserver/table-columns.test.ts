import { describe, expect, it } from 'vitest'
import { printTagsUpToWidth, sortStatusTags } from '../api/image/v1/status-tags-column.js'
import type { NamedTagEventList } from '../api/image/v1/types.js'
import { rowConvertorFor } from './table-columns.js'

function tag(name: string, created: string): NamedTagEventList {
  return {
    tag: name,
    items: [{ created, dockerImageReference: `r/x:${name}`, image: 'sha256:1', generation: 1 }],
  }
}

describe('image stream columns', () => {
  it('sorts status tags most recently updated first', () => {
    expect(
      sortStatusTags([
        tag('old', '2026-01-01T00:00:00Z'),
        tag('new', '2026-03-01T00:00:00Z'),
        tag('mid', '2026-02-01T00:00:00Z'),
      ])
    ).toEqual(['new', 'mid', 'old'])
  })

  it('prints as many tags as fit in 40 characters and counts the rest', () => {
    const tags = Array.from({ length: 12 }, (_, i) =>
      tag(`version-${i}`, `2026-01-${String(20 - i).padStart(2, '0')}T00:00:00Z`)
    )
    expect(printTagsUpToWidth(tags, 40)).toBe('version-0,version-1,version-2,version-3 + 8 more...')
    expect(
      printTagsUpToWidth(
        [tag('a-very-long-tag-name-that-is-longer-than-forty', '2026-01-01T00:00:00Z')],
        40
      )
    ).toBe('a-very-long-tag-name-that-is-longer-than-forty')
    expect(printTagsUpToWidth([], 40)).toBe('')
  })

  it('fills NAME, IMAGE REPOSITORY, TAGS and UPDATED like oc get is', () => {
    const convertor = rowConvertorFor('imagestreams')
    expect(convertor.columns.map((c) => c.name)).toEqual([
      'Name',
      'Image Repository',
      'Tags',
      'Updated',
    ])
    const cells = convertor.cells(
      {
        metadata: { name: 'web' },
        spec: { tags: [] },
        status: {
          dockerImageRepository: 'reg:5000/ns/web',
          tags: [tag('1.0', '2026-08-22T09:00:00Z'), tag('latest', '2026-08-22T09:55:00Z')],
        },
      } as never,
      Date.parse('2026-08-22T10:00:00Z')
    )
    expect(cells).toEqual(['web', 'reg:5000/ns/web', 'latest,1.0', '5 minutes ago'])
  })

  it('gives kinds without printer columns Name and Created At', () => {
    const convertor = rowConvertorFor('imagestreamimports')
    expect(convertor.columns.map((c) => c.name)).toEqual(['Name', 'Created At'])
  })
})
