import { describe, expect, it } from 'vitest'
import type { ImageStream } from '../api/image/v1/types.js'
import {
  type ImportImageFlags,
  parseImportFlagValues,
  parseImportTarget,
  planImport,
} from './import-request.js'

const FLAGS: ImportImageFlags = {
  confirm: false,
  all: false,
  scheduled: false,
  importMode: 'Legacy',
  referencePolicy: '',
  dryRun: false,
}

function stream(spec: ImageStream['spec'], annotations?: Record<string, string>): ImageStream {
  return {
    metadata: {
      name: 'app',
      namespace: 'demo',
      resourceVersion: '7',
      ...(annotations ? { annotations } : {}),
    },
    spec,
  }
}

describe('parseImportFlagValues', () => {
  it('accepts source and local in any case and both import modes', () => {
    expect(
      parseImportFlagValues({ referencePolicy: 'LOCAL', importMode: 'PreserveOriginal' })
    ).toEqual({
      referencePolicy: 'local',
      importMode: 'PreserveOriginal',
    })
    expect(parseImportFlagValues({})).toEqual({ referencePolicy: '', importMode: 'Legacy' })
  })

  it.each([
    [{ importMode: 'preserveoriginal' }, 'valid ImportMode values are Legacy or PreserveOriginal'],
    [{ importMode: '' }, 'valid ImportMode values are Legacy or PreserveOriginal'],
    [{ referencePolicy: 'remote' }, 'valid reference policy values are source or local'],
  ])('rejects %j', (raw, message) => {
    expect(() => parseImportFlagValues(raw)).toThrow(message)
  })
})

describe('parseImportTarget', () => {
  it('defaults the tag to latest unless --all', () => {
    expect(parseImportTarget('app', false)).toEqual({ target: 'app', name: 'app', tag: 'latest' })
    expect(parseImportTarget('app:v1', false)).toEqual({ target: 'app:v1', name: 'app', tag: 'v1' })
    expect(parseImportTarget('app', true)).toEqual({ target: 'app', name: 'app', tag: '' })
  })

  it.each([
    [undefined, false, 'you must specify the name of an image stream'],
    [
      'Bad Name',
      false,
      'the image name must be a valid container image pull spec or reference to an image stream (e.g. myregistry/myteam/image:tag)',
    ],
    [`app@sha256:${'a'.repeat(64)}`, false, "to import images by ID, use the 'tag' command"],
    ['app:v1', true, 'cannot specify a tag "app:v1" as well as --all'],
  ])('rejects %s (all=%s)', (target, all, message) => {
    expect(() => parseImportTarget(target, all)).toThrow(message)
  })
})

describe('planImport', () => {
  const target = parseImportTarget('app', false)

  it('needs --confirm to create a stream', () => {
    expect(() => planImport(undefined, target, FLAGS, 'demo')).toThrow(
      'no image stream named "app" exists, pass --confirm to create and import'
    )
  })

  it('creates a stream importing --from into the tag, sending the import mode and reference policy', () => {
    const plan = planImport(
      undefined,
      target,
      {
        ...FLAGS,
        confirm: true,
        from: 'quay.io/org/app:1',
        importMode: 'PreserveOriginal',
        referencePolicy: 'local',
      },
      'demo'
    )
    expect(plan.isi).toEqual({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamImport',
      metadata: { name: 'app', namespace: 'demo' },
      spec: {
        import: true,
        images: [
          {
            from: { kind: 'DockerImage', name: 'quay.io/org/app:1' },
            to: { name: 'latest' },
            importPolicy: { insecure: false, scheduled: false, importMode: 'PreserveOriginal' },
            referencePolicy: { type: 'Local' },
          },
        ],
      },
    })
  })

  it('uses the target as the source when --from is absent and sends import: false for --dry-run', () => {
    const plan = planImport(
      undefined,
      parseImportTarget('quay.io/org/app:1', false),
      { ...FLAGS, confirm: true, dryRun: true },
      'demo'
    )
    expect(plan.isi.spec.import).toBe(false)
    expect(plan.isi.spec.images?.[0]?.from.name).toBe('quay.io/org/app:1')
    expect(plan.isi.metadata.name).toBe('app')
  })

  it('re-imports an existing tag with Legacy, keeping insecure and scheduled, with the stream resourceVersion', () => {
    const s = stream({
      tags: [
        {
          name: 'latest',
          from: { kind: 'DockerImage', name: 'quay.io/org/app:1' },
          importPolicy: { insecure: true, scheduled: true, importMode: 'PreserveOriginal' },
          generation: 3,
        },
      ],
    })
    const plan = planImport(s, target, FLAGS, 'demo')
    expect(plan.isi.metadata).toEqual({ name: 'app', namespace: 'demo', resourceVersion: '7' })
    expect(plan.isi.spec.images).toEqual([
      {
        from: { kind: 'DockerImage', name: 'quay.io/org/app:1' },
        to: { name: 'latest' },
        importPolicy: { insecure: true, scheduled: true, importMode: 'Legacy' },
        referencePolicy: {},
      },
    ])
    expect(plan.stream.spec.tags?.[0]?.generation).toBe(0)
  })

  it('lets --insecure override the stream annotation only when given', () => {
    const s = stream(
      { tags: [{ name: 'latest', from: { kind: 'DockerImage', name: 'r/a:1' } }] },
      {
        'openshift.io/image.insecureRepository': 'true',
      }
    )
    expect(planImport(s, target, FLAGS, 'demo').isi.spec.images?.[0]?.importPolicy?.insecure).toBe(
      true
    )
    expect(
      planImport(s, target, { ...FLAGS, insecure: false }, 'demo').isi.spec.images?.[0]
        ?.importPolicy?.insecure
    ).toBe(false)
  })

  it('follows in-stream aliases to the tag that is imported', () => {
    const s = stream({
      tags: [
        { name: 'stable', from: { kind: 'ImageStreamTag', name: 'app:latest' } },
        { name: 'latest', from: { kind: 'DockerImage', name: 'r/a:1' } },
      ],
    })
    const plan = planImport(s, parseImportTarget('app:stable', false), FLAGS, 'demo')
    expect(plan.isi.spec.images?.[0]?.to).toEqual({ name: 'latest' })
  })

  it('adds a missing tag given --from without --confirm, and uses dockerImageRepository for latest', () => {
    const s = stream({ dockerImageRepository: 'r/a' })
    expect(planImport(s, target, FLAGS, 'demo').isi.spec.images?.[0]?.from.name).toBe('r/a')
    const v2 = planImport(
      s,
      parseImportTarget('app:v2', false),
      { ...FLAGS, from: 'r/a:2' },
      'demo'
    )
    expect(v2.isi.spec.images?.[0]).toMatchObject({ from: { name: 'r/a:2' }, to: { name: 'v2' } })
  })

  it.each([
    [
      { tags: [] },
      'v9',
      {},
      `the tag "v9" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
    ],
    [
      { tags: [{ name: 'latest', from: { kind: 'ImageStreamImage', name: 'app@sha256:x' } }] },
      'latest',
      {},
      'tag "latest" points to existing ImageStreamImage "app@sha256:x", it cannot be re-imported',
    ],
    [
      { tags: [{ name: 'latest' }] },
      'latest',
      { from: 'r/b' },
      `tag "latest" already exists - you must use the 'tag' command if you want to change the source to "r/b"`,
    ],
    [
      { tags: [{ name: 'latest', from: { kind: 'DockerImage', name: 'r/a' } }] },
      'latest',
      { from: 'r/b' },
      `the tag "latest" points to "r/a" - use the 'tag' command if you want to change the source to "r/b"`,
    ],
    [
      {
        tags: [
          { name: 'stable', from: { kind: 'ImageStreamTag', name: 'latest' } },
          { name: 'latest', from: { kind: 'DockerImage', name: 'r/a' } },
        ],
      },
      'stable',
      { from: 'r/b' },
      `the tag "stable" points to the tag "latest" which points to "r/a" - use the 'tag' command if you want to change the source to "r/b"`,
    ],
    [
      { tags: [{ name: 'x', from: { kind: 'ImageStreamTag', name: 'x' } }] },
      'x',
      {},
      'tag "x" on the image stream is a reference to same tag',
    ],
    [
      { tags: [{ name: 'x', from: { kind: 'ImageStreamTag', name: 'other:x' } }] },
      'x',
      {},
      'tag "x" points to an imagestreamtag from another ImageStream',
    ],
  ])('refuses %j tag %s', (spec, tag, extra, message) => {
    expect(() =>
      planImport(
        stream(spec as ImageStream['spec']),
        parseImportTarget(`app:${tag}`, false),
        { ...FLAGS, ...extra },
        'demo'
      )
    ).toThrow(message)
  })

  describe('--all', () => {
    const all = { ...FLAGS, all: true }
    const t = parseImportTarget('app', true)

    it('imports the repository of a new stream', () => {
      const plan = planImport(
        undefined,
        t,
        { ...all, confirm: true, from: 'r/a', scheduled: true },
        'demo'
      )
      expect(plan.isi.spec.repository).toEqual({
        from: { kind: 'DockerImage', name: 'r/a' },
        importPolicy: { insecure: false, scheduled: true, importMode: 'Legacy' },
        referencePolicy: {},
      })
      expect(plan.stream.spec.dockerImageRepository).toBe('r/a')
    })

    it('imports every DockerImage tag of a stream without a repository', () => {
      const s = stream({
        tags: [
          { name: 'a', from: { kind: 'DockerImage', name: 'r/a:1' } },
          { name: 'b', from: { kind: 'ImageStreamTag', name: 'a' } },
        ],
      })
      expect(planImport(s, t, all, 'demo').isi.spec.images?.map((i) => i.to?.name)).toEqual(['a'])
    })

    it.each([
      [{}, {}, 'image stream does not have tags pointing to external container images'],
      [
        {},
        { from: 'r/b' },
        'the image stream does not currently import an entire Docker repository, pass --confirm to update',
      ],
      [
        { dockerImageRepository: 'r/a' },
        { from: 'r/b' },
        'the image stream has a different import spec "r/a", pass --confirm to update',
      ],
    ])('refuses %j with %j', (spec, extra, message) => {
      expect(() => planImport(stream(spec), t, { ...all, ...extra }, 'demo')).toThrow(message)
    })
  })
})
