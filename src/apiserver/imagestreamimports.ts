import { invalidError } from '../api/api-error.js'
import { setDefaultsImageStreamImport } from '../api/image/v1/defaults.js'
import type { ImageStreamImport } from '../api/image/v1/types.js'
import { validateImageStreamImport } from '../api/image/v1/validation.js'
import { resourceForPlural } from '../api/scheme.js'
import { AppError, Reason } from '../shared/errors.js'
import { readObjectBody } from './body.js'
import { decodeObject } from './decode.js'
import { bindToUrl, ensureNamespaceExists } from './object-meta-rules.js'
import { parseWriteOptions } from './query-options.js'
import type { Handler } from './request-context.js'
import { outputObject } from './response.js'

// ImageStreamImport: create-only. The API decodes, defaults and validates the request (OpenShift's
// registry/imagestreamimport strategy), then hands it to the import engine, which reads the namespace's
// pull secrets and writes the stream and images. Authorization happened before: a caller may import only
// into namespaces it may write, so only with those namespaces' secrets.

/** POST …/namespaces/{ns}/imagestreamimports. */
export const createImageStreamImport: Handler = async (ctx) => {
  const info = resourceForPlural('imagestreamimports')
  if (info === undefined) throw new Error('imagestreamimports are not in the scheme')
  const wo = parseWriteOptions(ctx.query)
  if (wo.dryRun) {
    throw new AppError(
      Reason.BadRequest,
      'dryRun is not supported by imagestreamimports; set spec.import to false'
    )
  }
  const body = await readObjectBody(ctx.request)
  const decoded = decodeObject(info, body, { fieldValidation: wo.fieldValidation })
  ctx.warnings.push(...decoded.warnings)
  const obj = decoded.obj
  bindToUrl(obj, info, { namespace: ctx.info.namespace, name: undefined })
  const isi = obj as typeof obj & ImageStreamImport
  // BeforeCreate clears the status: it is the importer's output.
  delete isi.status
  isi.spec ??= { import: false }
  setDefaultsImageStreamImport(isi, { importMode: ctx.deps.settings.defaultImportMode })
  const errs = validateImageStreamImport(isi)
  if (errs.length > 0) throw invalidError(info.kind, isi.metadata.name ?? '', errs)
  const namespace = ctx.info.namespace ?? ''
  await ensureNamespaceExists(ctx.deps.store, namespace)
  const result = await ctx.deps.importer(namespace, isi, { signal: ctx.signal })
  return { type: 'object', code: 201, object: outputObject(info, result, ctx.deps.settings) }
}
