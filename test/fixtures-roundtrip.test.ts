import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatFieldErrors } from '../src/api/field-errors.js'
import { setDefaultsImageStream } from '../src/api/image/v1/defaults.js'
import type { ImageStream } from '../src/api/image/v1/types.js'
import { validateImageStream } from '../src/api/image/v1/validation.js'
import { pruneUnknownFields } from '../src/api/prune-unknown-fields.js'

// Real image stream files from openshift/library must load, validate, survive pruning untouched and,
// after server defaulting, differ from the input only in the fields the real server adds.

const FIXTURES = join(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'openshift-library')
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))

type Doc = { kind?: string; items?: unknown[] }

// Each file may be one ImageStream or a List of them.
function streamsOf(doc: Doc): ImageStream[] {
  if (doc.kind === 'List' || doc.kind === 'ImageStreamList')
    return (doc.items ?? []) as ImageStream[]
  return [doc as ImageStream]
}

// The only field the server adds to these files: spec.tags[*].importPolicy.importMode (Legacy), because
// every tag has `importPolicy: {}`. referencePolicy.type would be added too, but each tag sets Local.
function withServerDefaults(stream: ImageStream): ImageStream {
  const expected = structuredClone(stream)
  for (const tag of expected.spec.tags ?? []) {
    tag.importPolicy ??= {}
    tag.importPolicy.importMode ??= 'Legacy'
    tag.referencePolicy ??= {}
    tag.referencePolicy.type ??= 'Source'
  }
  return expected
}

describe('openshift/library fixtures', () => {
  it('has fixtures to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(5)
  })

  describe.each(files)('%s', (file) => {
    const text = readFileSync(join(FIXTURES, file), 'utf8')
    const doc = JSON.parse(text) as Doc

    it('round-trips through JSON serialisation', () => {
      expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
    })

    it('survives pruneUnknownFields with nothing unknown or mistyped', () => {
      const result = pruneUnknownFields(doc.kind ?? '', doc)
      expect(result.unknown).toEqual([])
      expect(result.wrongTypes).toEqual([])
      expect(result.obj).toStrictEqual(doc)
    })

    it.each(streamsOf(doc).map((s) => [s.metadata.name ?? '', s] as const))(
      'validates %s with no errors',
      (_name, stream) => {
        // NB: the server takes the namespace from the request path before validating; the files have none.
        const placed = structuredClone(stream)
        placed.metadata.namespace = 'openshift'
        const errs = validateImageStream(placed)
        expect(errs, formatFieldErrors(errs)).toEqual([])
      }
    )

    it.each(streamsOf(doc).map((s) => [s.metadata.name ?? '', s] as const))(
      'defaults %s by adding only importMode',
      (_name, stream) => {
        const defaulted = structuredClone(stream)
        setDefaultsImageStream(defaulted)
        expect(defaulted).toStrictEqual(withServerDefaults(stream))
        for (const tag of defaulted.spec.tags ?? [])
          expect(tag.importPolicy?.importMode).toBe('Legacy')
        // Everything else, nulls included, is as in the file.
        expect(JSON.stringify(defaulted).replace(/,?"importMode":"Legacy"/g, '')).toBe(
          JSON.stringify(stream)
        )
        const errs = validateImageStream({
          ...defaulted,
          metadata: { ...defaulted.metadata, namespace: 'openshift' },
        })
        expect(errs).toEqual([])
      }
    )
  })
})
