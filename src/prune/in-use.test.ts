import { describe, expect, it } from 'vitest'
import { pullSpecsInUse } from './in-use.js'

const NOW = Date.parse('2026-03-01T12:00:00Z')
const O = { now: NOW, keepYoungerThanMs: 60 * 60_000 }
const DIGEST = `sha256:${'a'.repeat(64)}`
const CHILD = `sha256:${'b'.repeat(64)}`

const pod = (
  name: string,
  phase: string,
  created: string,
  extra: Record<string, unknown> = {}
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team', creationTimestamp: created },
  spec: {
    initContainers: [{ name: 'init', image: `registry.local/team/init:${name}` }],
    containers: [
      { name: 'app', image: `registry.local/team/app:${name}` },
      { name: 'empty', image: ' ' },
    ],
  },
  status: { phase, ...extra },
})

describe('pullSpecsInUse', () => {
  it('reads pods of `kubectl get pods -A -o json`: containers, init containers and resolved digests', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        pod('running', 'Running', '2020-01-01T00:00:00Z', {
          containerStatuses: [
            { imageID: `docker-pullable://registry.local/team/app@${DIGEST}` },
            { imageID: `sha256:${'c'.repeat(64)}` },
          ],
          initContainerStatuses: [{ imageID: `registry.local/team/multi@${CHILD}` }],
        }),
        pod('pending', 'Pending', '2020-01-01T00:00:00Z'),
        pod('done-old', 'Succeeded', '2020-01-01T00:00:00Z'),
        pod('failed-young', 'Failed', '2026-03-01T11:30:00Z'),
      ],
    }
    expect(pullSpecsInUse(list, O)).toEqual([
      'registry.local/team/init:running',
      'registry.local/team/app:running',
      `registry.local/team/multi@${CHILD}`,
      `registry.local/team/app@${DIGEST}`,
      'registry.local/team/init:pending',
      'registry.local/team/app:pending',
      'registry.local/team/init:failed-young',
      'registry.local/team/app:failed-young',
    ])
  })

  it.each([
    [
      'Deployment',
      { spec: { template: { spec: { containers: [{ image: 'a/b:deploy' }] } } } },
      ['a/b:deploy'],
    ],
    [
      'StatefulSet',
      { spec: { template: { spec: { initContainers: [{ image: 'a/b:sts' }] } } } },
      ['a/b:sts'],
    ],
    [
      'CronJob',
      {
        spec: {
          jobTemplate: { spec: { template: { spec: { containers: [{ image: 'a/b:cron' }] } } } },
        },
      },
      ['a/b:cron'],
    ],
    ['PodTemplate', { template: { spec: { containers: [{ image: 'a/b:tpl' }] } } }, ['a/b:tpl']],
    [
      'Rollout',
      { spec: { template: { spec: { containers: [{ image: 'a/b:crd' }] } } } },
      ['a/b:crd'],
    ],
    [
      'Build',
      {
        metadata: { namespace: 'team' },
        spec: { strategy: { dockerStrategy: { from: { kind: 'DockerImage', name: 'a/b:base' } } } },
      },
      ['a/b:base'],
    ],
    [
      'BuildConfig',
      {
        metadata: { namespace: 'team' },
        spec: {
          strategy: {
            sourceStrategy: { from: { kind: 'ImageStreamImage', name: `s2i@${DIGEST}` } },
          },
        },
      },
      [`team/s2i@${DIGEST}`],
    ],
    [
      'BuildConfig',
      {
        spec: {
          strategy: { sourceStrategy: { from: { kind: 'ImageStreamTag', name: 's2i:latest' } } },
        },
      },
      [],
    ],
  ])('reads a %s', (kind, body, want) => {
    expect(pullSpecsInUse({ kind, ...body }, O)).toEqual(want)
  })

  it('reads nested lists, drops duplicates and ignores what is not an object', () => {
    const dep = {
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ image: 'a/b:1' }] } } },
    }
    expect(
      pullSpecsInUse(
        { kind: 'List', items: [{ kind: 'DeploymentList', items: [dep, dep] }, 42, null] },
        O
      )
    ).toEqual(['a/b:1'])
    expect(pullSpecsInUse('nonsense', O)).toEqual([])
  })
})
