import { describe, expect, it } from 'vitest'
import { formatFieldError } from '../../field-errors.js'
import type { ImageStream, ImageStreamImport, ImageStreamTag, TagReference } from './types.js'
import {
  validateImageStream,
  validateImageStreamImport,
  validateImageStreamName,
  validateImageStreamTag,
  validateImageStreamUpdate,
} from './validation.js'

const IMPORT_MODE = "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'"

function tag(overrides: Partial<TagReference> = {}): TagReference {
  return {
    name: 'latest',
    from: { kind: 'DockerImage', name: 'quay.io/team/app:1' },
    importPolicy: { importMode: 'Legacy' },
    referencePolicy: { type: 'Source' },
    ...overrides,
  }
}

function stream(tags: TagReference[], extra: Partial<ImageStream> = {}): ImageStream {
  return { metadata: { name: 'app', namespace: 'team' }, spec: { tags }, ...extra }
}

const messages = (s: ImageStream) => validateImageStream(s).map(formatFieldError)

describe('validateImageStreamName', () => {
  it.each<[string, boolean, string[]]>([
    ['app', false, []],
    ['my.app_x-1', false, []],
    ['foo/bar', false, ["may not contain '/'"]],
    ['foo%bar', false, ["may not contain '%'"]],
    ['foo bar', false, ['must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"']],
    ['Foo', false, ['must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"']],
    ['app-', true, ['must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"']],
  ])('%j (prefix %s)', (name, prefix, expected) => {
    expect(validateImageStreamName(name, prefix)).toEqual(expected)
  })
})

describe('validateImageStream', () => {
  it('accepts a typical stream', () => {
    expect(
      messages(
        stream([tag(), tag({ name: 'v1', from: { kind: 'ImageStreamTag', name: 'latest' } })])
      )
    ).toEqual([])
  })

  it.each<[string, ImageStream, string[]]>([
    [
      'missing name',
      { metadata: { namespace: 'n' }, spec: {} },
      ['metadata.name: Required value: name or generateName is required'],
    ],
    [
      'missing namespace',
      { metadata: { name: 'a' }, spec: {} },
      ['metadata.namespace: Required value'],
    ],
    [
      'slash in name',
      { metadata: { name: 'foo/bar', namespace: 'n' }, spec: {} },
      [`metadata.name: Invalid value: "foo/bar": may not contain '/'`],
    ],
    [
      'long namespace/name',
      { metadata: { name: 'b'.repeat(192), namespace: 'a'.repeat(63) }, spec: {} },
      [
        `metadata.name: Invalid value: "${'b'.repeat(192)}": 'namespace/name' cannot be longer than 255 characters`,
      ],
    ],
    [
      'invalid dockerImageRepository',
      stream([], { spec: { dockerImageRepository: 'a-|///bbb' } }),
      ['spec.dockerImageRepository: Invalid value: "a-|///bbb": invalid reference format'],
    ],
    [
      'dockerImageRepository with tag',
      stream([], { spec: { dockerImageRepository: 'a/b:tag' } }),
      [
        'spec.dockerImageRepository: Invalid value: "a/b:tag": the repository name may not contain a tag',
      ],
    ],
    [
      'dockerImageRepository with ID',
      stream([], { spec: { dockerImageRepository: `a/b@sha256:${'1'.repeat(64)}` } }),
      [
        `spec.dockerImageRepository: Invalid value: "a/b@sha256:${'1'.repeat(64)}": the repository name may not contain an ID`,
      ],
    ],
    [
      'invalid import mode',
      stream([tag({ importPolicy: { importMode: 'X' } })]),
      [`spec.tags[0].importPolicy.importMode: Invalid value: "X": ${IMPORT_MODE}`],
    ],
    [
      'invalid reference policy',
      stream([tag({ referencePolicy: { type: 'Other' } })]),
      [
        'spec.tags[0].referencePolicy.type: Invalid value: "Other": valid values are "Source", "Local"',
      ],
    ],
    [
      'empty reference policy (validation runs after defaulting)',
      stream([tag({ referencePolicy: {} })]),
      ['spec.tags[0].referencePolicy.type: Invalid value: "": valid values are "Source", "Local"'],
    ],
    [
      'missing from.name',
      stream([tag({ from: { kind: 'DockerImage' } })]),
      ['spec.tags[0].from.name: Required value'],
    ],
    [
      'unknown from.kind',
      stream([tag({ from: { kind: 'Pod', name: 'x' } })]),
      [
        "spec.tags[0].from.kind: Required value: valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'",
      ],
    ],
    [
      'unparsable from.name',
      stream([tag({ from: { kind: 'DockerImage', name: 'Quay.io/UPPER' } })]),
      [
        'spec.tags[0].from.name: Invalid value: "Quay.io/UPPER": invalid reference format: repository name must be lowercase',
      ],
    ],
    [
      'scheduled alias',
      stream([
        tag({
          from: { kind: 'ImageStreamTag', name: 'v1' },
          importPolicy: { scheduled: true, importMode: 'Legacy' },
        }),
      ]),
      [
        'spec.tags[0].importPolicy.scheduled: Invalid value: true: only tags pointing to Docker repositories may be scheduled for background import',
      ],
    ],
    [
      'malformed alias',
      stream([tag({ from: { kind: 'ImageStreamTag', name: 'a:b:c' } })]),
      [
        'spec.tags[0].from.name: Invalid value: "a:b:c": must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>',
      ],
    ],
    [
      'duplicate tag names',
      stream([tag(), tag()]),
      ['spec.tags[1].name: Duplicate value: "latest"'],
    ],
    ['empty tag name', stream([tag({ name: '' })]), ['spec.tags[0].name: Required value']],
    [
      'tag name that is no registry tag',
      stream([tag({ name: 'a/b' })]),
      [
        `spec.tags[0].name: Invalid value: "a/b": tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters`,
      ],
    ],
    [
      'status item without reference',
      stream([], {
        status: {
          tags: [
            {
              tag: 'tag',
              items: [
                { created: null, dockerImageReference: '', image: '', generation: 1 },
                { created: null, dockerImageReference: 'foo/bar:latest', image: '', generation: 1 },
                { created: null, dockerImageReference: '', image: '', generation: 1 },
              ],
            },
          ],
        },
      }),
      [
        'status.tags[0].items[0].dockerImageReference: Required value',
        'status.tags[0].items[2].dockerImageReference: Required value',
      ],
    ],
  ])('%s', (_name, s, expected) => {
    expect(messages(s)).toEqual(expected)
  })

  it('refuses registries the admitter refuses, honouring insecure', () => {
    const seen: boolean[] = []
    const admit = (ref: { registry: string }, insecure: boolean) => {
      seen.push(insecure)
      return ref.registry === 'quay.io'
        ? 'registry "quay.io" not allowed by empty whitelist'
        : undefined
    }
    const s = stream([tag({ importPolicy: { insecure: true, importMode: 'Legacy' } })])
    expect(validateImageStream(s, { admit }).map(formatFieldError)).toEqual([
      'spec.tags[0].from.name: Forbidden: registry "quay.io" not allowed by empty whitelist',
    ])
    expect(seen).toEqual([true])
  })

  it('validates updates with the metadata update rules', () => {
    const old = stream([tag()])
    old.metadata.resourceVersion = '3'
    const next = stream([tag()])
    expect(validateImageStreamUpdate(next, old).map(formatFieldError)).toEqual([
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    ])
  })
})

describe('validateImageStreamTag', () => {
  const istag = (overrides: Partial<ImageStreamTag> = {}): ImageStreamTag => ({
    metadata: { name: 'app:latest', namespace: 'team' },
    tag: tag(),
    ...overrides,
  })

  it('accepts a tag with matching or absent annotations', () => {
    expect(validateImageStreamTag(istag())).toEqual([])
    const annotated = istag({
      metadata: { name: 'app:v1', namespace: 'team', annotations: { a: 'b' } },
    })
    annotated.tag = tag({ annotations: { a: 'b' } })
    expect(validateImageStreamTag(annotated)).toEqual([])
    expect(validateImageStreamTag(istag({ tag: tag({ annotations: {} }) }))).toEqual([])
  })

  it('rejects different annotations and a bad name', () => {
    const bad = istag({
      metadata: { name: 'app', namespace: 'team' },
      tag: tag({ annotations: { a: 'b' } }),
    })
    expect(validateImageStreamTag(bad).map(formatFieldError)).toEqual([
      'metadata.name: Invalid value: "app": must be of the form <stream_name>:<tag>',
      'tag.annotations: Invalid value: "<map>": tag annotations must not be provided or must be equal to the object meta annotations',
    ])
  })

  it('validates the tag reference at tag', () => {
    expect(
      validateImageStreamTag(istag({ tag: tag({ importPolicy: { importMode: 'x' } }) })).map(
        formatFieldError
      )
    ).toEqual([`tag.importPolicy.importMode: Invalid value: "x": ${IMPORT_MODE}`])
  })
})

describe('validateImageStreamImport', () => {
  const isi = (spec: ImageStreamImport['spec'], name = 'app'): ImageStreamImport => ({
    metadata: { name, namespace: 'team' },
    spec,
  })
  const msgs = (i: ImageStreamImport) => validateImageStreamImport(i).map(formatFieldError)

  it('accepts images and repositories', () => {
    expect(
      msgs(
        isi({
          import: true,
          images: [{ from: { kind: 'DockerImage', name: 'busybox:1' }, to: { name: '1' } }],
          repository: { from: { kind: 'DockerImage', name: 'quay.io/team/app' } },
        })
      )
    ).toEqual([])
  })

  it.each<[string, ImageStreamImport, string[]]>([
    [
      'nothing to import',
      isi({ import: true }),
      [
        'spec.images: Invalid value: "null": you must specify at least one image or a repository import',
      ],
    ],
    [
      'wrong image kind',
      isi({ import: true, images: [{ from: { kind: 'ImageStreamTag', name: 'a:b' } }] }),
      ['spec.images[0].from.kind: Invalid value: "ImageStreamTag": only DockerImage is supported'],
    ],
    [
      'empty target tag',
      isi({ import: true, images: [{ from: { kind: 'DockerImage', name: 'busybox' }, to: {} }] }),
      ['spec.images[0].to.name: Invalid value: "": the name of the target tag must be specified'],
    ],
    [
      'missing from.name',
      isi({ import: true, images: [{ from: { kind: 'DockerImage' } }] }),
      ['spec.images[0].from.name: Required value'],
    ],
    [
      'legacy star skips the import policy check',
      isi({
        import: true,
        images: [{ from: { kind: 'DockerImage', name: '*' }, importPolicy: { importMode: 'bad' } }],
      }),
      [],
    ],
    [
      'bad import mode',
      isi({
        import: true,
        images: [
          { from: { kind: 'DockerImage', name: 'busybox' }, importPolicy: { importMode: 'bad' } },
        ],
      }),
      [`spec.images[0].importPolicy.importMode: Invalid value: "bad": ${IMPORT_MODE}`],
    ],
    [
      'repository with tag',
      isi({ import: true, repository: { from: { kind: 'DockerImage', name: 'quay.io/a/b:1' } } }),
      [
        'spec.repository.from.name: Invalid value: "quay.io/a/b:1": you must specify an image repository, not a tag or ID',
      ],
    ],
    [
      'repository without name',
      isi({ import: true, repository: { from: { kind: 'DockerImage' } } }),
      ['spec.repository.from.name: Required value: container image references require a name'],
    ],
    [
      'repository of another kind',
      isi({ import: true, repository: { from: { kind: 'ImageStream', name: 'x' } } }),
      ['spec.repository.from.kind: Invalid value: "ImageStream": only DockerImage is supported'],
    ],
    [
      'metadata errors come last',
      isi({ import: true, images: [{ from: { kind: 'Other', name: 'x' } }] }, 'Bad'),
      [
        'spec.images[0].from.kind: Invalid value: "Other": only DockerImage is supported',
        'metadata.name: Invalid value: "Bad": must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"',
      ],
    ],
  ])('%s', (_name, i, expected) => {
    expect(msgs(i)).toEqual(expected)
  })
})
