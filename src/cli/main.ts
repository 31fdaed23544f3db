#!/usr/bin/env node
/**
 * @module
 * The `isctl` binary: wires process streams into runCli.
 */
import { readFile } from 'node:fs/promises'
import { runCli } from './run.js'

const shutdown = new AbortController()
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => shutdown.abort(new Error(`received ${sig}`)))
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  readFile: (p) => readFile(p, 'utf8'),
  shutdown: shutdown.signal,
})
