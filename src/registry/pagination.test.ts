import { describe, expect, it } from 'vitest'
import { MAX_PAGE_SIZE, paginate } from './pagination.js'

const ALL = ['a', 'b', 'c', 'd', 'e']
const path = '/v2/ns/s/tags/list'

describe('paginate', () => {
  it('returns everything without n', () => {
    expect(paginate(ALL, { n: undefined, last: undefined, path })).toEqual({ items: ALL })
  })

  it('pages with n and links to the rest', () => {
    expect(paginate(ALL, { n: '2', last: undefined, path })).toEqual({
      items: ['a', 'b'],
      link: `<${path}?n=2&last=b>; rel="next"`,
    })
    expect(paginate(ALL, { n: '2', last: 'd', path })).toEqual({ items: ['e'] })
  })

  it('starts strictly after last, even when last is not an entry', () => {
    expect(paginate(ALL, { n: undefined, last: 'bb', path }).items).toEqual(['c', 'd', 'e'])
  })

  it('gives n=0 an empty page without a link', () => {
    expect(paginate(ALL, { n: '0', last: undefined, path })).toEqual({ items: [] })
  })

  it('clamps n and refuses malformed values', () => {
    const many = Array.from(
      { length: MAX_PAGE_SIZE + 5 },
      (_, i) => `t${String(i).padStart(5, '0')}`
    )
    const page = paginate(many, { n: '999999', last: undefined, path })
    expect(page.items.length).toBe(MAX_PAGE_SIZE)
    expect(page.link).toBeDefined()
    for (const bad of ['-1', 'x', '1.5', '']) {
      expect(() => paginate(ALL, { n: bad, last: undefined, path })).toThrow(
        expect.objectContaining({ code: 'PAGINATION_NUMBER_INVALID' })
      )
    }
  })
})
