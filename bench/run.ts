/**
 * @module
 * `npm run bench`: benchmarks against peers in the same run, printed as a Markdown table.
 */
import { benchRegistryRead } from './registry-read.js'
import { formatTable } from './table.js'

const rows = [...(await benchRegistryRead())]
console.log(formatTable(rows, () => 'skopeo inspect (per tag)'))
