/**
 * @module
 * `npm run bench`: benchmarks against peers in the same run, printed as a Markdown table.
 */
import { benchImport } from './import.js'
import { benchRegistryRead } from './registry-read.js'
import { formatTable } from './table.js'

const rows = [...(await benchRegistryRead()), ...(await benchImport())]
// The peer of a benchmark is its row run with skopeo.
const peerOf = (benchmark: string): string =>
  rows.find((r) => r.benchmark === benchmark && r.subject.startsWith('skopeo'))?.subject ?? ''
console.log(formatTable(rows, peerOf))
