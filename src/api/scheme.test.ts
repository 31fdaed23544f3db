import { describe, expect, it } from 'vitest'
import {
  apiVersionOf,
  qualifiedKind,
  qualifiedResource,
  RESOURCES,
  resolveResource,
  resourceForKind,
  resourceForPlural,
  resourceForShortName,
} from './scheme.js'

describe('scheme', () => {
  it.each([
    ['ImageStream', 'imagestreams', 'image.openshift.io/v1', true, ['is']],
    ['ImageStreamTag', 'imagestreamtags', 'image.openshift.io/v1', true, ['istag']],
    ['ImageStreamImage', 'imagestreamimages', 'image.openshift.io/v1', true, ['isimage']],
    ['ImageStreamImport', 'imagestreamimports', 'image.openshift.io/v1', true, []],
    ['Image', 'images', 'image.openshift.io/v1', false, []],
    ['Namespace', 'namespaces', 'v1', false, ['ns']],
    ['Secret', 'secrets', 'v1', true, []],
    ['ServiceAccount', 'serviceaccounts', 'v1', true, ['sa']],
  ])('%s is %s in %s', (kind, plural, apiVersion, namespaced, shortNames) => {
    const info = resourceForKind(kind)
    expect(info).toBeDefined()
    if (info === undefined) return
    expect(info.plural).toBe(plural)
    expect(apiVersionOf(info)).toBe(apiVersion)
    expect(info.namespaced).toBe(namespaced)
    expect(info.shortNames).toEqual(shortNames)
    expect(info.singular).toBe(kind.toLowerCase())
    expect(info.listKind).toBe(`${kind}List`)
    expect(resourceForPlural(plural)).toBe(info)
  })

  it('lists the verbs OpenShift serves', () => {
    expect(resourceForKind('ImageStreamImport')?.verbs).toEqual(['create'])
    expect(resourceForKind('ImageStreamImage')?.verbs).toEqual(['get'])
    expect(resourceForKind('ImageStreamTag')?.verbs).not.toContain('watch')
    expect(resourceForKind('ImageStream')?.verbs).toContain('watch')
  })

  it('qualifies kinds and resources with the group', () => {
    const is = resourceForKind('ImageStream')
    const secret = resourceForKind('Secret')
    if (is === undefined || secret === undefined) throw new Error('missing kinds')
    expect(qualifiedKind(is)).toBe('ImageStream.image.openshift.io')
    expect(qualifiedResource(is)).toBe('imagestreams.image.openshift.io')
    expect(qualifiedKind(secret)).toBe('Secret')
    expect(qualifiedResource(secret)).toBe('secrets')
  })

  it.each([
    ['is', 'ImageStream'],
    ['istag', 'ImageStreamTag'],
    ['isimage', 'ImageStreamImage'],
    ['imagestream', 'ImageStream'],
    ['ImageStreams', 'ImageStream'],
    ['imagestreams.image.openshift.io', 'ImageStream'],
    ['sa', 'ServiceAccount'],
    ['secret', 'Secret'],
  ])('resolves %s', (name, kind) => {
    expect(resolveResource(name)?.kind).toBe(kind)
  })

  it('resolves nothing for unknown names or groups', () => {
    expect(resolveResource('pods')).toBeUndefined()
    expect(resolveResource('imagestreams.apps')).toBeUndefined()
    expect(resourceForShortName('po')).toBeUndefined()
  })

  it('has unique plurals and short names', () => {
    const names = RESOURCES.flatMap((r) => [r.plural, ...r.shortNames])
    expect(new Set(names).size).toBe(names.length)
  })
})
