import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isAppError, Reason } from '../shared/errors.js'
import { computeDigest, type Digest } from './digest.js'
import { type ImageConfig, parseImageConfig } from './image-config.js'
import { parseManifest, type Schema1Manifest } from './manifest.js'
import { MediaType } from './media-types.js'

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../testdata/manifests/${name}`, import.meta.url)))
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value))
}

const A = `sha256:${'a'.repeat(64)}`

describe('parseImageConfig', () => {
  it('parses a Docker image config', () => {
    const bytes = fixture('schema2-config.json')
    // The blob schema2.json points at.
    expect(computeDigest(bytes)).toBe(
      'sha256:89d33d1a487fd8712d87c8c92ba9c5ca5d80ee94127e62fbcaee7709e1ed9a0f'
    )
    const c = parseImageConfig(bytes)
    expect(c).toMatchObject({
      architecture: 'amd64',
      os: 'linux',
      created: '2016-09-23T23:20:45.78976459Z',
      comment: 'test comment',
      container: '8825acde1b009729807e4b70a65a89399dd8da8e53be9216b9aaabaff4339f69',
      docker_version: '1.12.1',
    })
    expect(c.config).toEqual({
      User: '',
      ExposedPorts: { '80/tcp': {} },
      Env: [
        'PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'HTTPD_PREFIX=/usr/local/apache2',
        'HTTPD_VERSION=2.4.23',
        'HTTPD_SHA1=5101be34ac4a509b245adb70a56690a84fcc4e7f',
        'HTTPD_BZ2_URL=https://www.apache.org/dyn/closer.cgi?action=download&filename=httpd/httpd-2.4.23.tar.bz2',
        'HTTPD_ASC_URL=https://www.apache.org/dist/httpd/httpd-2.4.23.tar.bz2.asc',
      ],
      Cmd: ['httpd-foreground'],
      WorkingDir: '/usr/local/apache2',
      Labels: {},
    })
    expect(c.container_config?.Cmd).toEqual([
      '/bin/sh',
      '-c',
      '#(nop) ',
      'CMD ["httpd-foreground"]',
    ])
    expect(c.rootfs?.type).toBe('layers')
    expect(c.rootfs?.diff_ids).toHaveLength(5)
    expect(c.history).toHaveLength(15)
    expect(c.history?.[1]).toEqual({
      created: '2016-09-23T18:08:51.133779867Z',
      created_by: '/bin/sh -c #(nop)  CMD ["/bin/bash"]',
      empty_layer: true,
    })
  })

  it('parses an OCI image config', () => {
    // image-spec config.md example.
    const c = parseImageConfig(
      json({
        created: '2015-10-31T22:22:56.015925234Z',
        author: 'Alyssa P. Hacker <alyspdev@example.com>',
        architecture: 'arm64',
        variant: 'v8',
        os: 'linux',
        'os.version': '6.1',
        'os.features': ['f'],
        config: {
          User: 'alice',
          ExposedPorts: { '8080/tcp': {} },
          Env: [
            'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            'FOO=oci_is_a',
          ],
          Entrypoint: ['/bin/my-app-binary'],
          Cmd: ['--foreground', '--config', '/etc/my-app.d/default.cfg'],
          Volumes: { '/var/job-result-data': {}, '/var/log/my-app-logs': {} },
          WorkingDir: '/home/alice',
          Labels: { 'com.example.project.git.url': 'https://example.com/project.git' },
          StopSignal: 'SIGTERM',
        },
        rootfs: { diff_ids: [A], type: 'layers' },
        history: [
          {
            created: '2015-10-31T22:22:54.690851953Z',
            created_by: '/bin/sh -c #(nop) ADD file:a3bc1e842b',
          },
        ],
      })
    )
    expect(c).toEqual<ImageConfig>({
      created: '2015-10-31T22:22:56.015925234Z',
      author: 'Alyssa P. Hacker <alyspdev@example.com>',
      architecture: 'arm64',
      variant: 'v8',
      os: 'linux',
      'os.version': '6.1',
      'os.features': ['f'],
      config: {
        User: 'alice',
        ExposedPorts: { '8080/tcp': {} },
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'FOO=oci_is_a'],
        Entrypoint: ['/bin/my-app-binary'],
        Cmd: ['--foreground', '--config', '/etc/my-app.d/default.cfg'],
        Volumes: { '/var/job-result-data': {}, '/var/log/my-app-logs': {} },
        WorkingDir: '/home/alice',
        Labels: { 'com.example.project.git.url': 'https://example.com/project.git' },
        StopSignal: 'SIGTERM',
      },
      rootfs: { diff_ids: [A as Digest], type: 'layers' },
      history: [
        {
          created: '2015-10-31T22:22:54.690851953Z',
          created_by: '/bin/sh -c #(nop) ADD file:a3bc1e842b',
        },
      ],
    })
  })

  it('reads the v1Compatibility config of a schema 1 manifest', () => {
    const m = parseManifest(
      fixture('v2s1.manifest.json'),
      MediaType.DockerSchema1Signed
    ) as Schema1Manifest
    const c = parseImageConfig(new TextEncoder().encode(m.history[0]))
    expect(c).toMatchObject({
      architecture: 'amd64',
      os: 'linux',
      created: '2016-03-03T11:29:44.222098366Z',
      author: '"William Temple <wtemple at redhat dot com>"',
      docker_version: '1.8.2-fc22',
    })
    expect(c.config?.Labels).toEqual({
      Checksum:
        '4fef81d30f31f9213c642881357e6662846a0f884c2366c13ebad807b4031368  ./tests/test-images/Dockerfile.2',
      Name: 'atomic-test-2',
    })
    // NB: Docker writes null for empty lists; null fields are simply absent.
    expect(c.config?.Env).toBeUndefined()
    expect(c.config?.Cmd).toBeUndefined()
  })

  it.each<[string, unknown, ImageConfig]>([
    ['an empty object', {}, { architecture: '', os: '' }],
    [
      'nulls everywhere',
      { architecture: null, config: null, rootfs: null, history: null },
      { architecture: '', os: '' },
    ],
    [
      'null container fields',
      {
        os: 'linux',
        config: { Env: null, Cmd: null, Volumes: null, ExposedPorts: null, Labels: null },
      },
      { architecture: '', os: 'linux', config: {} },
    ],
    [
      'a string Cmd and Entrypoint (Docker strslice)',
      { config: { Cmd: 'echo hi', Entrypoint: '/bin/sh' } },
      { architecture: '', os: '', config: { Cmd: ['echo hi'], Entrypoint: ['/bin/sh'] } },
    ],
    [
      'rootfs without diff_ids',
      { rootfs: { type: 'layers' } },
      { architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] } },
    ],
    [
      'unknown fields',
      {
        architecture: 'amd64',
        os: 'linux',
        id: 'x',
        parent: 'y',
        Size: 0,
        config: { Hostname: 'h', Tty: false },
      },
      { architecture: 'amd64', os: 'linux', config: {} },
    ],
    [
      'ExposedPorts values that are not empty',
      { config: { ExposedPorts: { '53/udp': null } } },
      { architecture: '', os: '', config: { ExposedPorts: { '53/udp': {} } } },
    ],
  ])('tolerates %s', (_name, doc, want) => {
    expect(parseImageConfig(json(doc))).toEqual(want)
  })

  it.each<[string, Uint8Array, string]>([
    ['non-JSON', new TextEncoder().encode('{'), 'document is not valid JSON'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'document is not valid JSON'],
    ['an array', json([]), 'document is not a JSON object'],
    ['null', json(null), 'document is not a JSON object'],
    ['a number', json(1), 'document is not a JSON object'],
    ['a numeric architecture', json({ architecture: 1 }), 'architecture must be a string'],
    ['a config that is not an object', json({ config: [] }), 'config must be an object'],
    [
      'Env that is not a list of strings',
      json({ config: { Env: 'A=b' } }),
      'config.Env must be an array of strings',
    ],
    [
      'a numeric Cmd entry',
      json({ config: { Cmd: ['a', 1] } }),
      'config.Cmd must be an array of strings',
    ],
    [
      'non-string labels',
      json({ config: { Labels: { a: 1 } } }),
      'config.Labels must map strings to strings',
    ],
    [
      'ExposedPorts as a list',
      json({ config: { ExposedPorts: ['80/tcp'] } }),
      'config.ExposedPorts must be an object',
    ],
    [
      'a bad container_config',
      json({ container_config: { User: 0 } }),
      'container_config.User must be a string',
    ],
    ['rootfs that is not an object', json({ rootfs: 'layers' }), 'rootfs must be an object'],
    [
      'diff_ids that are not an array',
      json({ rootfs: { diff_ids: A } }),
      'rootfs.diff_ids must be an array',
    ],
    [
      'a malformed diff_id',
      json({ rootfs: { diff_ids: [A, 'sha256:../../x'] } }),
      'rootfs.diff_ids[1] is not a valid digest',
    ],
    ['history that is not an array', json({ history: {} }), 'history must be an array'],
    [
      'a history entry that is not an object',
      json({ history: ['x'] }),
      'history[0] must be an object',
    ],
    [
      'a string empty_layer',
      json({ history: [{ empty_layer: 'true' }] }),
      'history[0].empty_layer must be a boolean',
    ],
  ])('rejects %s', (_name, bytes, message) => {
    let err: unknown
    try {
      parseImageConfig(bytes)
    } catch (e) {
      err = e
    }
    expect(isAppError(err, Reason.BadRequest)).toBe(true)
    expect((err as Error).message).toBe(`config invalid: ${message}`)
  })
})
