import { describe, expect, it } from 'vitest'
import {
  KUBECTL_DESCRIBE_TABS,
  KUBECTL_TABLE_TABS,
  OC_DESCRIBE_TABS,
  tabwrite,
} from './tabwriter.js'

// Expected outputs worked out from Go's text/tabwriter rules (cells are tab-terminated, the last cell of
// a line is not in a column, column blocks are runs of consecutive lines).

describe('tabwrite', () => {
  it('pads with tabs rounded to the tab width for oc describe', () => {
    const out = tabwrite('Name:\tmulti\nImage Repository:\tx\n', OC_DESCRIBE_TABS)
    // widest cell 17 + padding 1 = 18, rounded up to 24: "Name:" needs three tabs.
    expect(out).toBe('Name:\t\t\tmulti\nImage Repository:\tx\n')
  })

  it('ends a column block at a line without tabs', () => {
    const out = tabwrite('A:\t1\nlonger label:\t2\n\nB:\t3\n', KUBECTL_DESCRIBE_TABS)
    expect(out).toBe('A:             1\nlonger label:  2\n\nB:  3\n')
  })

  it('aligns nested columns only over the lines that have them', () => {
    const out = tabwrite(
      'Manifests:\tlinux/amd64\td1\n\tlinux/ppc64le\td2\nArch:\tx\n',
      OC_DESCRIBE_TABS
    )
    expect(out).toBe('Manifests:\tlinux/amd64\td1\n\t\tlinux/ppc64le\td2\nArch:\t\tx\n')
  })

  it('formats kubectl tables with minimum width 6 and padding 3', () => {
    const out = tabwrite('NAME\tAGE\nab\t5s\n', KUBECTL_TABLE_TABS)
    expect(out).toBe('NAME   AGE\nab     5s\n')
  })

  it('keeps a last line without newline unterminated', () => {
    expect(tabwrite('a\tb\ncc\td', KUBECTL_DESCRIBE_TABS)).toBe('a   b\ncc  d')
  })

  it('counts characters, not UTF-16 units', () => {
    expect(tabwrite('é\tx\nab\ty\n', KUBECTL_DESCRIBE_TABS)).toBe('é   x\nab  y\n')
  })
})
