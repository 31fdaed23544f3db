/**
 * @module
 * `npm run bench`: benchmarks against peers in the same run, printed as a Markdown table.
 */
import { benchApi } from './api.js'
import { benchImport } from './import.js'
import { benchPrune } from './prune.js'
import { benchRegistry, DIRECT_SUBJECT } from './registry.js'
import { benchRegistryRead } from './registry-read.js'
import { benchScheduled, OPENSHIFT_SUBJECT } from './scheduled.js'
import { formatTable } from './table.js'

const rows = [
  ...(await benchRegistryRead()),
  ...(await benchImport()),
  ...(await benchScheduled()),
  ...(await benchRegistry()),
  ...(await benchPrune()),
  ...(await benchApi()),
]
// The peer of a benchmark is its row run by skopeo, OpenShift's approach or docker-registry directly.
const PEERS = ['skopeo', OPENSHIFT_SUBJECT, DIRECT_SUBJECT]
const peerOf = (benchmark: string): string =>
  rows.find((r) => r.benchmark === benchmark && PEERS.some((p) => r.subject.startsWith(p)))
    ?.subject ?? ''
console.log(formatTable(rows, peerOf))
