import { describe, expect, it } from 'vitest'
import { compileJsonPath, executeJsonPath } from './jsonpath.js'

const list = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } },
      spec: { tags: [{ name: 'v1' }, { name: 'v2' }] },
    },
    { metadata: { name: 'b' }, spec: { tags: [{ name: 'latest' }] } },
  ],
}
const run = (t: string, data: unknown = list): string => executeJsonPath(compileJsonPath(t), data)

describe('jsonpath', () => {
  it.each([
    ['{.kind}', 'List'],
    ['{.items[*].metadata.name}', 'a b'],
    ['{.items[0].metadata.name}', 'a'],
    ['{.items[-1].metadata.name}', 'b'],
    ['{.items[0:1].metadata.name}', 'a'],
    ['{..name}', 'a v1 v2 b latest'],
    ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'x'],
    ["{.items[0].metadata.labels['app.kubernetes.io/name']}", 'x'],
    ['{.items[?(@.metadata.name=="b")].spec.tags[0].name}', 'latest'],
    ['{.items[?(@.metadata.labels)].metadata.name}', 'a'],
    ['{.missing.field}', ''],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', 'a\nb\n'],
    [
      '{range .items[*]}{.metadata.name}:{range .spec.tags[*]}{.name},{end};{end}',
      'a:v1,v2,;b:latest,;',
    ],
    ['{.items[1].spec}', '{"tags":[{"name":"latest"}]}'],
    ['names: {.items[*].metadata.name}', 'names: a b'],
    ['{$.kind}', 'List'],
  ])('%s', (t, want) => {
    expect(run(t)).toBe(want)
  })

  it.each(['{range .items[*]}x', '{.a', '{end}', '{.a[?(x)]}'])('rejects %s', (t) => {
    expect(() => compileJsonPath(t)).toThrow()
  })
})
