/** One benchmark row: a case, its measurements, and the peer it is compared with. */
export type BenchRow = {
  readonly benchmark: string
  readonly subject: string
  readonly wallMs: number
  readonly requests: number
  readonly note?: string
}

/**
 * Formats rows as a Markdown table with ratios against the row named `peer` of the same benchmark
 * (wall time ratio < 1 means we are faster; request ratio < 1 means we ask the registry less).
 */
export function formatTable(
  rows: readonly BenchRow[],
  peerOf: (benchmark: string) => string
): string {
  const head =
    '| benchmark | subject | wall ms | registry requests | time vs peer | requests vs peer | note |'
  const sep = '|---|---|---:|---:|---:|---:|---|'
  const lines = rows.map((r) => {
    const peer = rows.find((p) => p.benchmark === r.benchmark && p.subject === peerOf(r.benchmark))
    const ratio = (a: number, b: number | undefined): string =>
      b === undefined || b === 0 ? '' : `${(a / b).toFixed(2)}x`
    return `| ${r.benchmark} | ${r.subject} | ${r.wallMs.toFixed(0)} | ${r.requests} | ${ratio(r.wallMs, peer?.wallMs)} | ${ratio(r.requests, peer?.requests)} | ${r.note ?? ''} |`
  })
  return [head, sep, ...lines].join('\n')
}
