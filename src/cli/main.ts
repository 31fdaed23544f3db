#!/usr/bin/env node
/**
 * @module
 * The `isctl` binary: wires process streams into runCli.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'
import { runCli } from './run.js'

// For `serve`, the first SIGTERM/SIGINT asks for a graceful stop and a second one kills; every other
// command keeps Node's default (die at once), so Ctrl-C never waits on a request.
const shutdown = new AbortController()
if (process.argv.slice(2).includes('serve')) {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      shutdown.abort()
      process.once(sig, () => process.exit(130))
    })
  }
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  readFile: (p) => readFile(p, 'utf8'),
  writeFile: (p, t) => writeFile(p, t, { mode: 0o600 }),
  readStdin: () => text(process.stdin),
  isTTY: process.stderr.isTTY === true,
  now: () => Date.now(),
  shutdown: shutdown.signal,
})
