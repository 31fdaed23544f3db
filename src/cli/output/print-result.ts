import type { ApiObject } from '../../api/meta.js'
import type { CliIo } from '../io.js'
import { executeJsonPath } from './jsonpath.js'
import { nameOf, toJson, toYaml } from './object-printer.js'
import type { OutputFormat } from './output-format.js'

/**
 * Prints the object a mutating command produced, as kubectl does: by default `kind.group/name operation`
 * (e.g. `imagestream.image.openshift.io/app created`); `-o name` without the operation; json, yaml and
 * jsonpath print the object.
 */
export function printResult(
  io: CliIo,
  obj: ApiObject,
  format: OutputFormat,
  operation: string
): void {
  switch (format.kind) {
    case 'json':
      io.stdout(toJson(obj))
      return
    case 'yaml':
      io.stdout(toYaml(obj))
      return
    case 'jsonpath':
      io.stdout(executeJsonPath(format.template, obj))
      return
    case 'name':
      io.stdout(`${nameOf(obj)}\n`)
      return
    case 'table':
      io.stdout(`${nameOf(obj)} ${operation}\n`)
      return
  }
}
