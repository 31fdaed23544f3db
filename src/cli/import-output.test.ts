import { describe, expect, it } from 'vitest'
import type { Image, ImageStream, ImageStreamImport } from '../api/image/v1/types.js'
import { renderImportResult } from './import-output.js'

// Golden outputs of import-image for fixed objects; `→` stands for a tab in the expected text.
const tabs = (s: string): string => s.replaceAll('→', '\t')

const NOW = Date.parse('2026-09-01T12:00:00Z')
const digest = (c: string): string => `sha256:${c.repeat(64)}`
const LIST = digest('a')
const REPO = '127.0.0.1:5000/team/multi'
const CHILDREN = [
  { os: 'linux', architecture: 'amd64', digest: digest('1') },
  { os: 'linux', architecture: 'arm64', variant: 'v8', digest: digest('2') },
  { os: 'linux', architecture: 'ppc64le', digest: digest('3') },
  { os: 'linux', architecture: 'arm', variant: 'v7', digest: digest('4') },
]

function stream(image: string, mode: string, policy: string, generation: number): ImageStream {
  return {
    kind: 'ImageStream',
    apiVersion: 'image.openshift.io/v1',
    metadata: {
      name: 'multi',
      namespace: 'demo',
      creationTimestamp: '2026-09-01T11:58:00Z',
      annotations: { 'openshift.io/image.dockerRepositoryCheck': '2026-09-01T11:59:58Z' },
      generation,
    },
    spec: {
      lookupPolicy: { local: false },
      tags: [
        {
          name: 'latest',
          from: { kind: 'DockerImage', name: `${REPO}:oci` },
          generation,
          importPolicy: { importMode: mode },
          referencePolicy: { type: policy },
        },
      ],
    },
    status: {
      dockerImageRepository: '127.0.0.1:8443/demo/multi',
      tags: [
        {
          tag: 'latest',
          items: [
            {
              created: '2026-09-01T11:59:58Z',
              dockerImageReference: `${REPO}@${image}`,
              image,
              generation,
            },
          ],
        },
      ],
    },
  }
}

const LIST_IMAGE: Image = {
  metadata: { name: LIST, creationTimestamp: '2026-09-01T11:59:58Z' },
  dockerImageReference: `${REPO}@${LIST}`,
  dockerImageMetadata: {
    kind: 'DockerImage',
    apiVersion: 'image.openshift.io/1.0',
    Id: LIST,
    Created: '2026-09-01T11:59:58Z',
  },
  dockerImageMetadataVersion: '1.0',
  dockerImageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
  dockerImageManifests: CHILDREN.map((c) => ({
    digest: c.digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    manifestSize: 480,
    architecture: c.architecture,
    os: c.os,
    ...(c.variant === undefined ? {} : { variant: c.variant }),
  })),
}

const AMD64_IMAGE: Image = {
  metadata: {
    name: digest('1'),
    creationTimestamp: '2026-09-01T11:59:58Z',
    annotations: { 'image.openshift.io/dockerLayersOrder': 'ascending' },
  },
  dockerImageReference: `${REPO}@${digest('1')}`,
  dockerImageMetadata: {
    Id: digest('c'),
    Created: '2026-08-01T10:00:00Z',
    Architecture: 'amd64',
    Os: 'linux',
    Size: 2816493,
    Config: {
      Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'GREETING=hello'],
      Cmd: ['/bin/sh'],
      WorkingDir: '/srv',
      Labels: { 'org.opencontainers.image.title': 'multi', version: '1' },
      ExposedPorts: { '8080/tcp': {} },
    },
  },
  dockerImageLayers: [
    { name: digest('e'), size: 2815923, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
    { name: digest('f'), size: 230, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
  ],
}

function result(image: Image, s: ImageStream): ImageStreamImport {
  return {
    kind: 'ImageStreamImport',
    metadata: { name: 'multi', namespace: 'demo' },
    spec: { import: true },
    status: { import: s, images: [{ tag: 'latest', status: { status: 'Success' }, image }] },
  }
}

const STREAM_HEADER = `imagestream.image.openshift.io/multi imported

Name:→→→multi
Namespace:→→demo
Created:→→2 minutes ago
Labels:→→→<none>
Annotations:→→openshift.io/image.dockerRepositoryCheck=2026-09-01T11:59:58Z
Image Repository:→127.0.0.1:8443/demo/multi
Image Lookup:→→local=false
Unique Images:→→1
Tags:→→→1

latest
  tagged from 127.0.0.1:5000/team/multi:oci
`

describe('renderImportResult', () => {
  it('prints a PreserveOriginal import with Arch <none> and every platform under Manifests', () => {
    const out = renderImportResult(
      result(LIST_IMAGE, stream(LIST, 'PreserveOriginal', 'Local', 2)),
      'multi',
      {
        dryRun: false,
        now: NOW,
      }
    )
    expect(out).toEqual({
      failed: false,
      stderr: '',
      stdout: tabs(`${STREAM_HEADER}    prefer registry pullthrough when referencing this tag

  * 127.0.0.1:5000/team/multi@${LIST}
      2 seconds ago

Image Name:→multi:latest
Docker Image:→127.0.0.1:5000/team/multi@${LIST}
Name:→→${LIST}
Created:→2 seconds ago
Layer Size:→0B
Image Created:→2 seconds ago
Author:→→<none>
Arch:→→<none>
Manifests:→linux/amd64→${digest('1')}
→→linux/arm64→${digest('2')}
→→linux/ppc64le→${digest('3')}
→→linux/arm→${digest('4')}
Command:→<none>
Working Dir:→<none>
User:→→<none>
Exposes Ports:→<none>
Docker Labels:→<none>


`),
    })
  })

  it('prints a Legacy import as one single-architecture image with its layers', () => {
    const out = renderImportResult(
      result(AMD64_IMAGE, stream(digest('1'), 'Legacy', 'Source', 3)),
      'multi',
      {
        dryRun: false,
        now: NOW,
      }
    )
    expect(out.stdout).toBe(
      tabs(`${STREAM_HEADER}
  * 127.0.0.1:5000/team/multi@${digest('1')}
      2 seconds ago

Image Name:→multi:latest
Docker Image:→127.0.0.1:5000/team/multi@${digest('1')}
Name:→→${digest('1')}
Created:→2 seconds ago
Annotations:→image.openshift.io/dockerLayersOrder=ascending
Image Size:→2.816MB in 2 layers
Layers:→→2.816MB→${digest('e')}
→→230B→${digest('f')}
Image Created:→4 weeks ago
Author:→→<none>
Arch:→→amd64
Command:→/bin/sh
Working Dir:→/srv
User:→→<none>
Exposes Ports:→8080/tcp
Docker Labels:→org.opencontainers.image.title=multi
→→version=1
Environment:→PATH=/usr/sbin:/usr/bin:/sbin:/bin
→→GREETING=hello


`)
    )
    expect(out.failed).toBe(false)
  })

  it('reports failed tags on stderr and marks the result failed', () => {
    const failed: ImageStreamImport = {
      metadata: { name: 'multi' },
      spec: { import: true },
      status: {
        images: [
          {
            tag: 'v1',
            status: {
              status: 'Failure',
              reason: 'NotFound',
              message: 'dockerimage.image.openshift.io "127.0.0.1:5000/team/missing:v1" not found',
            },
          },
        ],
      },
    }
    const out = renderImportResult(failed, 'multi', { dryRun: true, now: NOW })
    expect(out).toEqual({
      failed: true,
      stdout: 'imagestream.image.openshift.io/multi imported with errors (dry run)\n\n\n',
      stderr:
        'error: tag v1 failed: dockerimage.image.openshift.io "127.0.0.1:5000/team/missing:v1" not found\n',
    })
  })

  it('lists repository images first and names the tags that were not imported', () => {
    const repo: ImageStreamImport = {
      metadata: { name: 'multi' },
      spec: { import: true },
      status: {
        repository: {
          status: {
            status: 'Failure',
            reason: 'ImportFailed',
            message: 'one of the images from this repository failed to import',
          },
          images: [
            { tag: 'bad', status: { status: 'Failure', message: 'boom' } },
            {
              tag: 'latest',
              status: { status: 'Success' },
              image: { ...AMD64_IMAGE, dockerImageLayers: [] },
            },
          ],
          additionalTags: ['v3', 'v4'],
        },
      },
    }
    const out = renderImportResult(repo, 'multi', { dryRun: false, now: NOW })
    expect(out.failed).toBe(true)
    expect(out.stderr).toBe('error: repository tag bad failed: boom\n')
    expect(out.stdout).toMatch(
      /^imagestream.image.openshift.io\/multi imported with errors\n\nImage Name:\tmulti:latest\n/
    )
    expect(out.stdout).toContain('Layer Size:\t2.816MB\n')
    expect(out.stdout).toMatch(
      /\n\ninfo: The remote repository contained 2 additional tags which were not imported: v3, v4\n\n$/
    )
  })
})
