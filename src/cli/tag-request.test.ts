import { describe, expect, it } from 'vitest'
import {
  buildTagObject,
  parseDestination,
  parseTagSource,
  sourceKindHint,
  type TagFlags,
  tagMessage,
  validateTagFlags,
  validateTagSource,
} from './tag-request.js'

const FLAGS: TagFlags = {
  delete: false,
  alias: false,
  reference: false,
  scheduled: false,
  insecure: false,
  referencePolicy: 'source',
}

describe('parseTagSource', () => {
  it.each([
    ['quay.io/org/app:1', 'DockerImage'],
    ['ruby:2.0', 'ImageStreamTag'],
    [`ruby@sha256:${'a'.repeat(64)}`, 'ImageStreamImage'],
    ['ruby', 'DockerImage'],
  ])('infers the kind of %s', (src, kind) => {
    expect(parseTagSource(src, undefined).kind).toBe(kind)
  })

  it('honours --source and checks what it needs', () => {
    expect(parseTagSource('ruby:2.0', sourceKindHint('docker')).kind).toBe('DockerImage')
    expect(() => parseTagSource('ruby', sourceKindHint('istag'))).toThrow(
      '--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE'
    )
    expect(() => parseTagSource('ruby:1', sourceKindHint('isimage'))).toThrow(
      '--source=ImageStreamImage requires a valid <name>@<id> in SOURCE'
    )
    expect(() => parseTagSource('quay.io/a:1', sourceKindHint('istag'))).toThrow(
      'server in SOURCE is only allowed when providing a container image'
    )
    expect(() => sourceKindHint('git')).toThrow(
      'invalid source "git"; valid values are docker, dockerimage, imagestreamimage, imagestreamtag, isimage, istag'
    )
    expect(() => parseTagSource('Bad Ref', undefined)).toThrow(/^invalid SOURCE: /)
  })
})

describe('parseDestination', () => {
  it('splits namespace, stream and tag', () => {
    expect(parseDestination('other/app:tip', 'demo')).toEqual({
      namespace: 'other',
      nameAndTag: 'app:tip',
      stream: 'app',
      tag: 'tip',
    })
    expect(parseDestination('app:tip', 'demo').namespace).toBe('demo')
  })

  it.each([
    ['app', '"app" must be of the form <stream_name>:<tag>'],
    ['a/b/c:1', 'invalid image stream "a/b/c:1"'],
    ['/app:1', 'invalid namespace "" for image stream "/app:1"'],
    [
      'app:-bad',
      `invalid tag "-bad" format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters`,
    ],
  ])('refuses %s', (arg, message) => {
    expect(() => parseDestination(arg, 'demo')).toThrow(message)
  })
})

describe('validateTagFlags and validateTagSource', () => {
  it.each([
    [{ delete: true, alias: true }, '--alias and --delete may not be both specified'],
    [{ referencePolicy: 'Local' }, "reference policy must be set to 'source' or 'local'"],
    [{ delete: true, importMode: 'Legacy' }, 'cannot specify an import mode when deleting'],
    [{ delete: true, source: 'docker' }, 'cannot specify a source kind when deleting'],
    [
      { delete: true, scheduled: true },
      'cannot set flags for importing images when deleting a tag',
    ],
    [{ importMode: 'Both' }, 'valid ImportMode values are Legacy or PreserveOriginal'],
  ])('refuses %j', (extra, message) => {
    expect(() => validateTagFlags({ ...FLAGS, ...extra }, false)).toThrow(message)
  })

  const dest = parseDestination('app:tip', 'demo')
  it.each([
    [{ scheduled: true }, 'ruby:2', 'only container images can have importing flags set'],
    [{ alias: true }, 'ruby:2', 'cannot set alias across different Image Streams'],
  ])('refuses %j for %s', (extra, src, message) => {
    expect(() =>
      validateTagSource({ ...FLAGS, ...extra }, parseTagSource(src, undefined), 'demo', [dest])
    ).toThrow(message)
  })
})

describe('buildTagObject and tagMessage', () => {
  it('writes a DockerImage tag with generation 0, the import mode and reference policy', () => {
    const flags = {
      ...FLAGS,
      scheduled: true,
      importMode: 'PreserveOriginal',
      referencePolicy: 'local',
    }
    const src = parseTagSource('quay.io/org/app:1', undefined)
    expect(buildTagObject(flags, src, parseDestination('app:tip', 'demo'), 'demo')).toEqual({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamTag',
      metadata: { name: 'app:tip', namespace: 'demo' },
      tag: {
        name: 'tip',
        reference: false,
        importPolicy: { insecure: false, scheduled: true, importMode: 'PreserveOriginal' },
        referencePolicy: { type: 'Local' },
        from: { kind: 'DockerImage', name: 'quay.io/org/app:1' },
        generation: 0,
      },
    })
    expect(tagMessage(flags, src, parseDestination('app:tip', 'demo'), 'demo')).toBe(
      'Tag app:tip set to import quay.io/org/app:1 periodically.'
    )
    expect(tagMessage(flags, src, parseDestination('x/app:tip', 'demo'), 'demo')).toBe(
      'Tag x/app:tip set to quay.io/org/app:1 periodically.'
    )
  })

  it('points an ImageStreamImage tag at the source namespace when tagging across namespaces', () => {
    const src = parseTagSource(`ruby@sha256:${'b'.repeat(64)}`, undefined)
    const obj = buildTagObject(FLAGS, src, parseDestination('x/app:tip', 'demo'), 'demo')
    expect(obj.tag?.from).toEqual({
      kind: 'ImageStreamImage',
      name: `ruby@sha256:${'b'.repeat(64)}`,
      namespace: 'demo',
    })
    expect(tagMessage(FLAGS, src, parseDestination('app:tip', 'demo'), 'demo')).toBe(
      `Tag app:tip set to ruby@sha256:${'b'.repeat(64)}.`
    )
    expect(
      tagMessage(
        { ...FLAGS, alias: true },
        parseTagSource('app:1', undefined),
        parseDestination('app:tip', 'demo'),
        'demo'
      )
    ).toBe('Tag app:tip set up to track app:1.')
  })
})
