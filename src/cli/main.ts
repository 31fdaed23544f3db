#!/usr/bin/env node
/**
 * @module
 * The `isctl` binary: wires process streams into runCli.
 */
import { readFile } from 'node:fs/promises'
import { runCli } from './run.js'

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  readFile: (p) => readFile(p, 'utf8'),
})
