import { describe, expect, it } from 'vitest'
import { parseNextLink } from './link-header.js'

describe('parseNextLink', () => {
  it.each([
    [['</v2/team/app/tags/list?last=b&n=2>; rel="next"'], '/v2/team/app/tags/list?last=b&n=2'],
    [
      ['<https://r.example/v2/x/tags/list?n=1&last=a>; rel=next'],
      'https://r.example/v2/x/tags/list?n=1&last=a',
    ],
    [['</a>; rel="prev", </b>; rel="next"'], '/b'],
    [['</a>; rel="prev"', '</c>; title="x"; rel="next last"'], '/c'],
    [['</a,b>; rel="next"'], '/a,b'],
  ])('%j → %s', (values, want) => {
    expect(parseNextLink(values)).toBe(want)
  })

  it('returns undefined without a next link', () => {
    expect(parseNextLink([])).toBeUndefined()
    expect(parseNextLink(['</a>; rel="prev"'])).toBeUndefined()
    expect(parseNextLink(['garbage'])).toBeUndefined()
  })
})
