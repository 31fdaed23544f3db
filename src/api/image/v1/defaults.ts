import { parseImageReference } from '../../../oci/reference.js'
import type {
  ImageImportSpec,
  ImageStream,
  ImageStreamImport,
  ImageStreamTag,
  TagImportPolicy,
  TagReferencePolicy,
} from './types.js'
import { ImportMode, TagReferencePolicyType } from './types.js'

// Server-side defaulting as openshift-apiserver pkg/image/apis/image/v1/defaults.go and
// zz_generated.defaults.go do it. Only these fields are ever added:
//   - every TagImportPolicy (spec.tags[*], ImageStreamTag.tag, ImageStreamImport images and repository,
//     ImageStreamImport status.import): `importMode` '' → the default import mode (Legacy unless configured);
//     a missing importPolicy object is created for it, as Go's value struct always serialises;
//   - every TagReferencePolicy in the same places: `type` '' → Source (object created when missing);
//   - ImageStreamImport spec.images[*]: `to` missing and from.name carries a tag → `to: {name: <tag>}`.
// Nothing else is touched: nulls, unknown annotations and list order stay as given.

/** Options of the defaulting functions. */
export type DefaultsOptions = {
  /** Mode for an empty importMode (OpenShift's cluster setting imageStreamImportMode). */
  readonly importMode?: ImportMode
}

/** The default import mode when no server setting overrides it. */
export const DEFAULT_IMPORT_MODE: ImportMode = ImportMode.Legacy

function setDefaultsImportPolicy(policy: TagImportPolicy, opts: DefaultsOptions): void {
  if ((policy.importMode ?? '') === '') policy.importMode = opts.importMode ?? DEFAULT_IMPORT_MODE
}

function setDefaultsReferencePolicy(policy: TagReferencePolicy): void {
  if ((policy.type ?? '') === '') policy.type = TagReferencePolicyType.Source
}

type HasPolicies = { importPolicy?: TagImportPolicy; referencePolicy?: TagReferencePolicy }

function setDefaultsPolicies(target: HasPolicies, opts: DefaultsOptions): void {
  target.importPolicy ??= {}
  setDefaultsImportPolicy(target.importPolicy, opts)
  target.referencePolicy ??= {}
  setDefaultsReferencePolicy(target.referencePolicy)
}

/** Applies server defaults to an ImageStream in place (import mode and reference policy of spec tags). */
export function setDefaultsImageStream(stream: ImageStream, opts: DefaultsOptions = {}): void {
  for (const tag of stream.spec?.tags ?? []) setDefaultsPolicies(tag, opts)
}

/** Applies server defaults to an ImageStreamTag in place (its tag's policies, when a tag is given). */
export function setDefaultsImageStreamTag(istag: ImageStreamTag, opts: DefaultsOptions = {}): void {
  if (istag.tag !== null && istag.tag !== undefined) setDefaultsPolicies(istag.tag, opts)
}

/** Applies server defaults to an ImageStreamImport in place. */
export function setDefaultsImageStreamImport(
  isi: ImageStreamImport,
  opts: DefaultsOptions = {}
): void {
  const repository = isi.spec?.repository
  if (repository !== null && repository !== undefined) setDefaultsPolicies(repository, opts)
  for (const image of isi.spec?.images ?? []) {
    setDefaultsImageImportSpec(image)
    setDefaultsPolicies(image, opts)
  }
  const imported = isi.status?.import
  if (imported !== null && imported !== undefined) setDefaultsImageStream(imported, opts)
}

function setDefaultsImageImportSpec(spec: ImageImportSpec): void {
  if (spec.to !== null && spec.to !== undefined) return
  let tag = ''
  try {
    tag = parseImageReference(spec.from?.name ?? '').tag
  } catch {
    // An unparsable from.name gets no default; validation reports it.
    return
  }
  if (tag !== '') spec.to = { name: tag }
}
