// A port of Go's text/tabwriter (flags 0): oc's describe output (padchar '\t') and kubectl's tables and
// describe output (padchar ' ') are aligned by it, so matching its column-block rules byte for byte is
// what makes our output line up exactly like theirs.

/** Settings of a tabwriter, as Go's `tabwriter.Writer.Init(minwidth, tabwidth, padding, padchar, 0)`. */
export type TabwriterOptions = {
  readonly minwidth: number
  readonly tabwidth: number
  readonly padding: number
  /** `\t` pads with tabs (cells rounded up to tabwidth); any other character pads with that character. */
  readonly padchar: string
}

/** oc describe: `out.Init(buf, 0, 8, 1, '\t', 0)` (oc pkg/helpers/describe/helpers.go). */
export const OC_DESCRIBE_TABS: TabwriterOptions = {
  minwidth: 0,
  tabwidth: 8,
  padding: 1,
  padchar: '\t',
}
/** kubectl describe: `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`. */
export const KUBECTL_DESCRIBE_TABS: TabwriterOptions = {
  minwidth: 0,
  tabwidth: 8,
  padding: 2,
  padchar: ' ',
}
/** kubectl tables: `tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)` (printers.GetNewTabWriter). */
export const KUBECTL_TABLE_TABS: TabwriterOptions = {
  minwidth: 6,
  tabwidth: 4,
  padding: 3,
  padchar: ' ',
}

/**
 * Aligns tab-separated text like Go's tabwriter: a cell is text terminated by a tab; the last cell of a line
 * is not part of any column; a column block is a run of consecutive lines that have a cell in that column,
 * and all its cells get the block's width (widest cell + padding, at least minwidth).
 */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n')
  const rawLines = text.split('\n')
  if (endsWithNewline) rawLines.pop()
  const lines = rawLines.map((l) => l.split('\t'))
  const out: string[] = []
  const widths: number[] = []

  const padding = (textw: number, cellw: number): string => {
    if (opts.padchar === '\t') {
      if (opts.tabwidth === 0) return ''
      const rounded = Math.ceil(cellw / opts.tabwidth) * opts.tabwidth
      return '\t'.repeat(Math.ceil((rounded - textw) / opts.tabwidth))
    }
    return opts.padchar.repeat(Math.max(0, cellw - textw))
  }

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i] ?? []
      line.forEach((cell, j) => {
        out.push(cell)
        if (j < widths.length) out.push(padding(runeLength(cell), widths[j] ?? 0))
      })
      if (i + 1 < lines.length || endsWithNewline) out.push('\n')
    }
  }

  const format = (start: number, line1: number): void => {
    let line0 = start
    const column = widths.length
    for (let row = line0; row < line1; row++) {
      if (column >= (lines[row]?.length ?? 0) - 1) continue
      // A cell exists in this column: print what came before, then measure the block.
      writeLines(line0, row)
      line0 = row
      let width = opts.minwidth
      for (; row < line1; row++) {
        const line = lines[row] ?? []
        if (column >= line.length - 1) break
        const w = runeLength(line[column] ?? '') + opts.padding
        if (w > width) width = w
      }
      widths.push(width)
      format(line0, row)
      widths.pop()
      line0 = row
    }
    writeLines(line0, line1)
  }

  format(0, lines.length)
  return out.join('')
}

function runeLength(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}
