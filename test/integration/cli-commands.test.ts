import { Buffer } from 'node:buffer'
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run.js'
import { resolveServerConfig } from '../../src/server/config.js'
import { type RunningServer, startServer } from '../../src/server/server.js'
import { type RunningRegistry, startRegistry } from '../support/docker-registry.js'
import { type SeededImages, seedImages } from '../support/test-images.js'

// isctl against the real server (startServer, SQLite in a temp dir) and a real docker-registry with
// TLS and basic auth. The server trusts the registry's CA (additionalTrustedCA), so no --insecure.

type Run = { code: number; stdout: string; stderr: string }

let reg: RunningRegistry
let images: SeededImages
let server: RunningServer
let dir: string
let kubeconfig: string

async function isctl(...argv: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(['--kubeconfig', kubeconfig, ...argv], {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env: { HOME: dir },
    readFile: (p) => readFile(p, 'utf8'),
    writeFile: (p, t) => writeFile(p, t),
  })
  return { code, stdout, stderr }
}

// Ages and timestamps differ from run to run; everything else in the golden outputs is fixed.
function normalize(text: string): string {
  return text
    .replaceAll(reg.host, 'REGISTRY')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIMESTAMP')
    .replace(
      /(Less than a second|\d+ seconds?|About a minute|\d+ minutes|About an hour|\d+ (hours|days|weeks|months|years)) ago/g,
      'AGE ago'
    )
}

const auth = (user: string, password: string): string =>
  Buffer.from(`${user}:${password}`).toString('base64')

beforeAll(async () => {
  reg = await startRegistry('basic-tls')
  images = await seedImages(reg)
  dir = mkdtempSync(join(tmpdir(), 'isctl-commands-'))
  const config = resolveServerConfig(
    {},
    {
      dataDir: join(dir, 'data'),
      listen: '127.0.0.1:0',
      insecureHttp: true,
      additionalTrustedCA: reg.caCertPath,
      // One tag per --all import, so the "additional tags" message is reachable.
      maxImagesBulkImportedPerRepository: 1,
    }
  )
  server = await startServer(config)
  // A copy: project switches rewrite the kubeconfig, the server's own file stays as written.
  kubeconfig = join(dir, 'kubeconfig')
  copyFileSync(server.kubeconfigPath, kubeconfig)
})

afterAll(async () => {
  await server?.stop()
  await reg?.stop()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

describe('the seed walkthrough', () => {
  it('imports a multi-architecture image with a pull secret, switches to Legacy and back', async () => {
    expect(await isctl('new-project', 'seed')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        new RegExp(`^Now using project "seed" on server "${server.url}".\n`)
      ),
    })

    // A Docker config.json with two entries for the same host: the more specific one has the right
    // password, so the import only works if `host/team` wins over `host`.
    const configJson = join(dir, 'config.json')
    writeFileSync(
      configJson,
      JSON.stringify({
        auths: {
          [reg.host]: {
            auth: auth(reg.username ?? '', 'wrong-password'),
            email: 'ops@example.com',
          },
          [`${reg.host}/team`]: {
            auth: auth(reg.username ?? '', reg.password ?? ''),
            email: 'team@example.com',
          },
        },
      })
    )
    expect(
      await isctl(
        'create',
        'secret',
        'generic',
        'regcred',
        `--from-file=.dockerconfigjson=${configJson}`,
        '--type=kubernetes.io/dockerconfigjson'
      )
    ).toEqual({ code: 0, stdout: 'secret/regcred created\n', stderr: '' })
    expect(await isctl('secrets', 'link', 'default', 'regcred', '--for=pull')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    })

    const from = `${reg.host}/team/multi:oci`
    const platforms = images.multiOci.children.map(
      (c) => `${c.platform.os}/${c.platform.architecture}\t${c.digest}`
    )
    const multi = await isctl(
      'import-image',
      'multi:latest',
      `--from=${from}`,
      '--import-mode=PreserveOriginal',
      '--reference-policy=local',
      '--confirm'
    )
    expect(multi.stderr).toBe('')
    expect(multi.code).toBe(0)
    expect(multi.stdout).toMatch(/^imagestream.image.openshift.io\/multi imported\n\n/)
    expect(multi.stdout).toMatch(/\nArch:\t+<none>\nManifests:\t+/)
    expect(platforms).toHaveLength(4)
    for (const p of platforms) expect(multi.stdout).toContain(p)
    expect(multi.stdout).toContain('    prefer registry pullthrough when referencing this tag\n')

    const istag = await isctl('describe', 'istag', 'multi:latest')
    expect(istag.stdout).toMatch(/\nArch:\t+<none>\nManifests:\t+linux\/amd64\t/)

    // Re-importing without --import-mode turns the tag into a single-architecture (Legacy) image.
    const legacy = await isctl('import-image', 'multi:latest')
    expect(legacy.code).toBe(0)
    const amd64 = images.multiOci.children.find((c) => c.platform.architecture === 'amd64')
    expect(legacy.stdout).toMatch(/\nArch:\t+amd64\n/)
    expect(legacy.stdout).not.toContain('Manifests:')
    expect(legacy.stdout).toContain(`Name:\t\t${amd64?.digest}\n`)

    // …and with PreserveOriginal into a multi-architecture one again.
    const again = await isctl('import-image', 'multi:latest', '--import-mode=PreserveOriginal')
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/\nArch:\t+<none>\nManifests:\t+/)
    for (const p of platforms) expect(again.stdout).toContain(p)

    const described = await isctl('describe', 'is', 'multi')
    expect(described.stdout).toContain(
      `  * REGISTRY/team/multi@${images.multiOci.digest}`.replace('REGISTRY', reg.host)
    )
    expect(described.stdout).toContain(`    ${reg.host}/team/multi@${amd64?.digest}`)
  })
})

// Tabs shown as → in the expected texts below.
const tabs = (t: string): string => t.replaceAll('→', '\t')

describe('golden outputs of import-image and describe', () => {
  let list: string
  let amd64: string
  let layer: string
  const golden = (t: string): string =>
    normalize(t)
      .replaceAll(new URL(server.url).host, 'SERVER')
      .replaceAll(list, 'LIST')
      .replaceAll(amd64, 'AMD64')
      .replaceAll(layer, 'LAYER')

  beforeAll(async () => {
    list = images.multiOci.digest
    const child = images.multiOci.children.find((c) => c.platform.architecture === 'amd64')
    amd64 = child?.digest ?? ''
    layer = child?.layers[0]?.digest ?? ''
    expect((await isctl('new-project', 'golden')).code).toBe(0)
    const secret = await isctl(
      'create',
      'secret',
      'docker-registry',
      'regcred',
      `--docker-server=${reg.host}`,
      `--docker-username=${reg.username}`,
      `--docker-password=${reg.password}`
    )
    expect(secret).toEqual({ code: 0, stdout: 'secret/regcred created\n', stderr: '' })
  })

  it('prints a PreserveOriginal import, then a Legacy re-import, and describes both', async () => {
    const children = images.multiOci.children.map((c) => c.digest)
    const preserve = await isctl(
      'import-image',
      'multi',
      `--from=${reg.host}/team/multi:oci`,
      '--import-mode=PreserveOriginal',
      '--reference-policy=local',
      '--confirm'
    )
    expect(preserve.stderr).toBe('')
    expect(golden(preserve.stdout)).toBe(
      tabs(`imagestream.image.openshift.io/multi imported

Name:→→→multi
Namespace:→→golden
Created:→→AGE ago
Labels:→→→<none>
Annotations:→→openshift.io/image.dockerRepositoryCheck=TIMESTAMP
Image Repository:→SERVER/golden/multi
Image Lookup:→→local=false
Unique Images:→→1
Tags:→→→1

latest
  tagged from REGISTRY/team/multi:oci
    prefer registry pullthrough when referencing this tag

  * REGISTRY/team/multi@LIST
      AGE ago

Image Name:→multi:oci
Docker Image:→REGISTRY/team/multi@LIST
Name:→→LIST
Created:→AGE ago
Layer Size:→0B
Image Created:→AGE ago
Author:→→<none>
Arch:→→<none>
Manifests:→linux/amd64→AMD64
→→linux/arm64→${children[1]}
→→linux/ppc64le→${children[2]}
→→linux/arm→${children[3]}
Command:→<none>
Working Dir:→<none>
User:→→<none>
Exposes Ports:→<none>
Docker Labels:→<none>


`)
    )

    const legacy = await isctl('import-image', 'multi')
    expect(legacy.stderr).toBe('')
    expect(golden(legacy.stdout)).toBe(
      tabs(`imagestream.image.openshift.io/multi imported

Name:→→→multi
Namespace:→→golden
Created:→→AGE ago
Labels:→→→<none>
Annotations:→→openshift.io/image.dockerRepositoryCheck=TIMESTAMP
Image Repository:→SERVER/golden/multi
Image Lookup:→→local=false
Unique Images:→→2
Tags:→→→1

latest
  tagged from REGISTRY/team/multi:oci
    prefer registry pullthrough when referencing this tag

  * REGISTRY/team/multi@AMD64
      AGE ago
    REGISTRY/team/multi@LIST
      AGE ago

Image Name:→multi:oci
Docker Image:→REGISTRY/team/multi@AMD64
Name:→→AMD64
Created:→AGE ago
Annotations:→image.openshift.io/dockerLayersOrder=ascending
→→imagestreams.io/selected-platform=linux/amd64 (server default platform)
→→imagestreams.io/source-manifest-list=LIST
Image Size:→656B in 1 layers
Layers:→→151B→LAYER
Image Created:→AGE ago
Author:→→<none>
Arch:→→amd64
Command:→/bin/sh
Working Dir:→<none>
User:→→<none>
Exposes Ports:→<none>
Docker Labels:→io.imagestreams.test.flavor=oci
→→io.imagestreams.test.platform=linux/amd64
Environment:→PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
→→PLATFORM=linux/amd64
→→FLAVOR=oci


`)
    )

    const is = await isctl('describe', 'is', 'multi')
    expect(golden(is.stdout)).toBe(
      tabs(`Name:→→→multi
Namespace:→→golden
Created:→→AGE ago
Labels:→→→<none>
Annotations:→→openshift.io/image.dockerRepositoryCheck=TIMESTAMP
Image Repository:→SERVER/golden/multi
Image Lookup:→→local=false
Unique Images:→→2
Tags:→→→1

latest
  tagged from REGISTRY/team/multi:oci
    prefer registry pullthrough when referencing this tag

  * REGISTRY/team/multi@AMD64
      AGE ago
    REGISTRY/team/multi@LIST
      AGE ago
`)
    )

    // The tag prefers pull-through (reference policy Local): its image is pulled from this server.
    const istag = await isctl('describe', 'istag', 'multi:latest')
    expect(golden(istag.stdout)).toBe(
      tabs(`Image Name:→AMD64
Docker Image:→SERVER/golden/multi@AMD64
Name:→→AMD64
Created:→AGE ago
Annotations:→image.openshift.io/dockerLayersOrder=ascending
Image Size:→656B in 1 layers
Layers:→→151B→LAYER
Image Created:→AGE ago
Author:→→<none>
Arch:→→amd64
Command:→/bin/sh
Working Dir:→<none>
User:→→<none>
Exposes Ports:→<none>
Docker Labels:→io.imagestreams.test.flavor=oci
→→io.imagestreams.test.platform=linux/amd64
Environment:→PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
→→PLATFORM=linux/amd64
→→FLAVOR=oci
`)
    )

    const image = await isctl('describe', 'image', list)
    expect(golden(image.stdout)).toMatch(
      /^Docker Image:\tREGISTRY\/team\/multi@LIST\nName:\t\tLIST\n/
    )
    expect(golden(image.stdout)).toContain(tabs('Arch:→→<none>\nManifests:→linux/amd64→AMD64\n'))
  })
})

describe('error texts of import-image, tag and secrets', () => {
  beforeAll(async () => {
    expect((await isctl('new-project', 'errors')).code).toBe(0)
    await isctl(
      'create',
      'secret',
      'docker-registry',
      'regcred',
      `--docker-server=${reg.host}`,
      `--docker-username=${reg.username}`,
      `--docker-password=${reg.password}`
    )
    const app = await isctl('import-image', 'app:v1', `--from=${reg.host}/team/app:v1`, '--confirm')
    expect(app.code).toBe(0)
  })

  it.each([
    [['import-image'], 2, 'error: you must specify the name of an image stream'],
    [
      ['import-image', 'Not Valid'],
      2,
      'error: the image name must be a valid container image pull spec or reference to an image stream (e.g. myregistry/myteam/image:tag)',
    ],
    [
      ['import-image', `app@sha256:${'a'.repeat(64)}`],
      2,
      "error: to import images by ID, use the 'tag' command",
    ],
    [
      ['import-image', 'app:v1', '--all'],
      2,
      'error: cannot specify a tag "app:v1" as well as --all',
    ],
    [
      ['import-image', 'app:v1', '--reference-policy=pullthrough'],
      2,
      'error: valid reference policy values are source or local',
    ],
    [
      ['import-image', 'app:v1', '--import-mode=Multi'],
      2,
      'error: valid ImportMode values are Legacy or PreserveOriginal',
    ],
    [
      ['import-image', 'ghost', '--from=x/y:z'],
      1,
      'error: no image stream named "ghost" exists, pass --confirm to create and import',
    ],
    [
      ['import-image', 'app:nope'],
      1,
      `error: the tag "nope" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
    ],
    [
      ['import-image', 'app:v1', '--from=x/y:z'],
      1,
      'error: the tag "v1" points to "REG/team/app:v1" - use the \'tag\' command if you want to change the source to "x/y:z"',
    ],
    [
      ['import-image', 'app', '--all', '--from=x/y'],
      1,
      'error: the image stream does not currently import an entire Docker repository, pass --confirm to update',
    ],
  ])('isctl %j', async (argv, code, message) => {
    const r = await isctl(...argv)
    expect(r.code).toBe(code)
    expect(r.stderr).toBe(`${message.replace('REG', reg.host)}\n`)
  })

  it('reports the tags of a stream that cannot be re-imported', async () => {
    const file = join(dir, 'aliases.yaml')
    writeFileSync(
      file,
      `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: aliases}
spec:
  tags:
  - name: other
    from: {kind: ImageStreamTag, name: "app:v1"}
  - name: empty
  - name: stable
    from: {kind: ImageStreamTag, name: "latest"}
  - name: latest
    from: {kind: DockerImage, name: "${reg.host}/team/app:nope"}
`
    )
    expect((await isctl('apply', '-f', file)).stdout).toBe(
      'imagestream.image.openshift.io/aliases created\n'
    )
    const cases: [string[], string][] = [
      [
        ['aliases:other'],
        'error: tag "other" points to an imagestreamtag from another ImageStream',
      ],
      [
        ['aliases:empty', '--from=x/y:2'],
        `error: tag "empty" already exists - you must use the 'tag' command if you want to change the source to "x/y:2"`,
      ],
      [
        ['aliases:stable', '--from=x/y:2'],
        `error: the tag "stable" points to the tag "latest" which points to "${reg.host}/team/app:nope" - use the 'tag' command if you want to change the source to "x/y:2"`,
      ],
    ]
    for (const [args, message] of cases) {
      expect(await isctl('import-image', ...args), args.join(' ')).toMatchObject({
        code: 1,
        stderr: `${message}\n`,
      })
    }
    // The stream has a DockerImage tag, so --all imports it (and only it) instead of refusing.
    const all = await isctl('import-image', 'aliases', '--all')
    expect(all.stderr).toBe(
      `error: tag nope failed: dockerimage.image.openshift.io "${reg.host}/team/app:nope" not found\nerror: imported completed with errors\n`
    )

    const pinned = await isctl('tag', `app@${images.appV1.digest}`, 'app:pinned')
    expect(pinned).toEqual({
      code: 0,
      stdout: `Tag app:pinned set to app@${images.appV1.digest}.\n`,
      stderr: '',
    })
    expect(await isctl('import-image', 'app:pinned')).toMatchObject({
      code: 1,
      stderr: `error: tag "pinned" points to existing ImageStreamImage "app@${images.appV1.digest}", it cannot be re-imported\n`,
    })
    const noDocker = join(dir, 'nodocker.yaml')
    writeFileSync(
      noDocker,
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: nodocker}\nspec:\n  tags:\n  - name: a\n    from: {kind: ImageStreamTag, name: "app:v1"}\n'
    )
    expect((await isctl('apply', '-f', noDocker)).code).toBe(0)
    expect(await isctl('import-image', 'nodocker', '--all')).toMatchObject({
      code: 1,
      stderr: 'error: image stream does not have tags pointing to external container images\n',
    })
  })

  it('prints per-tag failures, repository import results and additional tags', async () => {
    const missing = await isctl(
      'import-image',
      'missing',
      `--from=${reg.host}/team/app:nope`,
      '--confirm'
    )
    expect(missing.code).toBe(1)
    expect(missing.stdout).toMatch(
      /^imagestream.image.openshift.io\/missing imported with errors\n\n/
    )
    expect(missing.stdout).toContain(
      `  ! error: Import failed (NotFound): dockerimage.image.openshift.io "${reg.host}/team/app:nope" not found\n`
    )
    expect(missing.stderr).toBe(
      `error: tag nope failed: dockerimage.image.openshift.io "${reg.host}/team/app:nope" not found\nerror: imported completed with errors\n`
    )

    const all = await isctl(
      'import-image',
      'repo',
      `--from=${reg.host}/team/app`,
      '--all',
      '--confirm'
    )
    expect(all.stderr).toBe('')
    expect(all.code).toBe(0)
    expect(all.stdout).toContain('Image Name:\trepo:v1\n')
    expect(all.stdout).toMatch(
      /\n\ninfo: The remote repository contained 1 additional tags which were not imported: v2\n\n$/
    )
    // NB: like OpenShift, a repository import does not set spec.dockerImageRepository.
    expect(
      await isctl('import-image', 'repo', '--all', `--from=${reg.host}/team/multi`)
    ).toMatchObject({
      code: 1,
      stderr:
        'error: the image stream does not currently import an entire Docker repository, pass --confirm to update\n',
    })
    const repoFile = join(dir, 'repo.yaml')
    writeFileSync(
      repoFile,
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: whole}\nspec: {dockerImageRepository: "${reg.host}/team/app"}\n`
    )
    expect((await isctl('apply', '-f', repoFile)).code).toBe(0)
    expect(
      await isctl('import-image', 'whole', '--all', `--from=${reg.host}/team/multi`)
    ).toMatchObject({
      code: 1,
      stderr: `error: the image stream has a different import spec "${reg.host}/team/app", pass --confirm to update\n`,
    })

    const dry = await isctl(
      'import-image',
      'dry',
      `--from=${reg.host}/team/app:v2`,
      '--confirm',
      '--dry-run'
    )
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(
      /^imagestream.image.openshift.io\/dry imported \(dry run\)\n\nImage Name:\tdry:v2\n/
    )
    expect(await isctl('get', 'is', 'dry')).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): imagestreams.image.openshift.io "dry" not found\n',
    })
  })

  it('tags images and streams with oc messages and errors', async () => {
    expect(await isctl('tag', `${reg.host}/team/app:v2`, 'app:v2', '--scheduled')).toEqual({
      code: 0,
      stdout: `Tag app:v2 set to import ${reg.host}/team/app:v2 periodically.\n`,
      stderr: '',
    })
    expect((await isctl('tag', 'app:v1', 'app:stable', '--alias')).stdout).toBe(
      'Tag app:stable set up to track app:v1.\n'
    )
    expect((await isctl('tag', 'app:v1', 'golden/copy:v1')).stdout).toBe(
      `Tag golden/copy:v1 set to app@${images.appV1.digest}.\n`
    )
    expect((await isctl('tag', '-d', 'app:stable')).stdout).toBe('Deleted tag errors/app:stable.\n')
    const errors: [string[], string][] = [
      [
        ['app:v1', 'app:x', '-d', '--alias'],
        'error: --alias and --delete may not be both specified',
      ],
      [
        ['app:v1', 'app:x', '--scheduled'],
        'error: only container images can have importing flags set',
      ],
      [['app:v1', 'other:x', '--alias'], 'error: cannot set alias across different Image Streams'],
      [
        ['app:x', '-d', '--import-mode=Legacy'],
        'error: cannot specify an import mode when deleting',
      ],
      [
        [`${reg.host}/team/app:v1`, 'app:x', '--reference-policy=Local'],
        "error: reference policy must be set to 'source' or 'local'",
      ],
      [
        [`${reg.host}/team/app:v1`, 'app:x', '--import-mode=legacy'],
        'error: valid ImportMode values are Legacy or PreserveOriginal',
      ],
    ]
    for (const [args, message] of errors) {
      expect(await isctl('tag', ...args), args.join(' ')).toMatchObject({
        code: 2,
        stderr: `${message}\n`,
      })
    }
    expect(await isctl('tag', 'app:nothing', 'app:x')).toMatchObject({
      code: 1,
      stderr:
        'error: "app:nothing" is not currently pointing to an image, cannot use it as the source of a tag\n',
    })
    expect(await isctl('tag', `${reg.host}/team/app:v1`, 'app:-x')).toMatchObject({
      code: 1,
      stderr: `error: invalid tag "-x" format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters\n`,
    })
  })

  it('links secrets with oc messages', async () => {
    expect(await isctl('secrets', 'link', 'default', 'regcred', 'nope', '--for=pull')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'secret "nope" not found\nerror: Some secrets could not be linked\n',
    })
    expect(await isctl('secrets', 'link', 'default', 'regcred', '--for=build')).toMatchObject({
      code: 2,
      stderr: 'error: unknown for: build\n',
    })
    const sa = await isctl('describe', 'sa', 'default')
    expect(sa.stdout).toContain('Image pull secrets:  regcred\n')
    expect(await isctl('secrets', 'link', 'nobody', 'regcred')).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): serviceaccounts "nobody" not found\n',
    })
    expect(
      await isctl('create', 'secret', 'docker-registry', 'x', `--docker-server=${reg.host}`)
    ).toMatchObject({
      code: 2,
      stderr:
        'error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n',
    })
  })
})

describe('other commands against the server', () => {
  beforeAll(async () => {
    expect((await isctl('new-project', 'misc')).code).toBe(0)
  })

  it('gets, describes, applies and deletes', async () => {
    const file = join(dir, 'web.yaml')
    writeFileSync(
      file,
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\n  labels: {team: a}\nspec:\n  tags:\n  - name: v1\n    from: {kind: DockerImage, name: "${reg.host}/team/web:v1"}\n    reference: true\n`
    )
    expect((await isctl('apply', '-f', file)).stdout).toBe(
      'imagestream.image.openshift.io/web created\n'
    )
    expect((await isctl('apply', '-f', file)).stdout).toBe(
      'imagestream.image.openshift.io/web unchanged\n'
    )
    writeFileSync(
      file,
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\nspec:\n  tags:\n  - name: v1\n    from: {kind: DockerImage, name: "${reg.host}/team/web:v1"}\n    reference: true\n`
    )
    expect((await isctl('apply', '-f', file)).stdout).toBe(
      'imagestream.image.openshift.io/web configured\n'
    )
    expect((await isctl('get', 'is', 'web', '-o', 'jsonpath={.metadata.labels}')).stdout).toBe('')

    const table = await isctl('get', 'is')
    expect(table.stdout).toMatch(
      /^NAME +IMAGE REPOSITORY +TAGS +UPDATED\nweb +\S+\/misc\/web +v1 +/
    )
    expect((await isctl('get', 'istag', '-n', 'errors', '-o', 'name')).stdout).toContain(
      'imagestreamtag.image.openshift.io/app:v1\n'
    )
    expect((await isctl('get', 'is,sa', '-o', 'name')).stdout).toBe(
      'imagestream.image.openshift.io/web\nserviceaccount/default\n'
    )
    expect(
      JSON.parse((await isctl('get', 'is', 'web', '-o', 'json')).stdout).spec.tags[0].name
    ).toBe('v1')
    const d = await isctl('describe', 'is', 'web')
    expect(d.stdout).toContain(`v1\n  reference to registry ${reg.host}/team/web:v1\n`)

    const many = join(dir, 'many.yaml')
    writeFileSync(
      many,
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: builder}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: plain}\n  stringData: {password: hunter2}\n'
    )
    expect(await isctl('create', '-f', many)).toEqual({
      code: 0,
      stdout: 'serviceaccount/builder created\nsecret/plain created\n',
      stderr: '',
    })
    expect(await isctl('create', '-f', many)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `Error from server (AlreadyExists): error when creating "${many}": serviceaccounts "builder" already exists\n`
      ),
    })
    const secret = await isctl('describe', 'secret', 'plain')
    expect(secret.stdout).toContain('password:  7 bytes\n')
    expect(secret.stdout).not.toContain('hunter2')
    expect((await isctl('get', 'secrets')).stdout).toMatch(
      /^NAME +TYPE +DATA +AGE\nplain +Opaque +1 +\d+s\n/
    )
    expect((await isctl('delete', '-f', many)).stdout).toBe(
      'serviceaccount "builder" deleted\nsecret "plain" deleted\n'
    )
    expect(await isctl('delete', 'is', 'web', 'ghost')).toEqual({
      code: 1,
      stdout: 'imagestream.image.openshift.io "web" deleted\n',
      stderr: 'Error from server (NotFound): imagestreams.image.openshift.io "ghost" not found\n',
    })
  })

  it('issues a service-account token that works only in its namespace', async () => {
    expect((await isctl('create', 'serviceaccount', 'robot')).stdout).toBe(
      'serviceaccount/robot created\n'
    )
    const token = (await isctl('create', 'token', 'robot')).stdout.trim()
    expect(token).not.toBe('')
    expect(await isctl('--token', token, 'get', 'is', '-n', 'misc')).toMatchObject({ code: 0 })
    const other = await isctl('--token', token, 'get', 'secrets', '-n', 'golden')
    expect(other.code).toBe(1)
    expect(other.stderr).toMatch(/^Error from server \(Forbidden\): /)
    expect(await isctl('--token', 'garbage', 'get', 'is')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: You must be logged in to the server \(/),
    })
  })

  it('switches projects in the kubeconfig', async () => {
    expect((await isctl('project', 'golden')).stdout).toBe(
      `Now using project "golden" on server "${server.url}".\n`
    )
    expect((await isctl('project')).stdout).toBe(
      `Using project "golden" on server "${server.url}".\n`
    )
    expect(await isctl('project', 'nowhere')).toMatchObject({
      code: 1,
      stderr: `error: A project named "nowhere" does not exist on "${server.url}".\n`,
    })
    expect((await isctl('create', 'namespace', 'spare')).stdout).toBe('namespace/spare created\n')
    expect((await isctl('get', 'ns', 'spare', '-o', 'name')).stdout).toBe('namespace/spare\n')
  })
})

describe('isctl as a real process', () => {
  const root = join(import.meta.dirname, '..', '..')
  const main = join(root, 'dist', 'cli', 'main.js')

  function run(args: string[], input?: string): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [main, '--kubeconfig', kubeconfig, ...args], {
        env: { ...process.env, HOME: dir },
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: 30_000,
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString()
      })
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString()
      })
      child.on('error', reject)
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
      child.stdin.end(input ?? '')
    })
  }

  beforeAll(async () => {
    const build = await new Promise<Run>((resolve, reject) => {
      const child = spawn('npm', ['run', 'build'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      })
      let out = ''
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString()
      })
      child.stderr.on('data', (b: Buffer) => {
        out += b.toString()
      })
      child.on('error', reject)
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: out, stderr: '' }))
    })
    expect(build.code, build.stdout).toBe(0)
  }, 150_000)

  it('runs get, apply from stdin and reports usage errors with exit code 2', async () => {
    const apply = await run(
      ['apply', '-n', 'misc', '-f', '-'],
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: piped}\n'
    )
    expect(apply).toEqual({ code: 0, stdout: 'serviceaccount/piped created\n', stderr: '' })
    const get = await run(['get', 'sa', 'piped', '-n', 'misc', '-o', 'jsonpath={.metadata.name}'])
    expect(get).toEqual({ code: 0, stdout: 'piped', stderr: '' })
    const bad = await run(['import-image', 'x', '--import-mode=PreserveOrignal'])
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: valid ImportMode values are Legacy or PreserveOriginal\n',
    })
    const missing = await run(['get', 'is', 'ghost', '-n', 'misc'])
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): imagestreams.image.openshift.io "ghost" not found\n',
    })
    const help = await run(['import-image', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Examples:\n')
  })
})

describe('a TLS server with its self-signed CA', () => {
  let tlsServer: RunningServer
  let tlsDir: string

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'isctl-tls-'))
    tlsServer = await startServer(
      resolveServerConfig({}, { dataDir: join(tlsDir, 'data'), listen: '127.0.0.1:0' })
    )
  })
  afterAll(async () => {
    await tlsServer?.stop()
    if (tlsDir !== undefined) rmSync(tlsDir, { recursive: true, force: true })
  })

  it('trusts the CA from the kubeconfig and refuses an unknown one', async () => {
    expect(tlsServer.url).toMatch(/^https:/)
    const ok = await isctl('--kubeconfig', tlsServer.kubeconfigPath, 'get', 'sa', '-o', 'name')
    expect(ok).toEqual({ code: 0, stdout: 'serviceaccount/default\n', stderr: '' })
    // The shared kubeconfig has no CA for this server: the certificate is not trusted.
    const flagsOnly = ['--server', tlsServer.url, '--token', tlsServer.adminToken, '-n', 'default']
    const untrusted = await isctl(...flagsOnly, 'get', 'sa')
    expect(untrusted.code).toBe(1)
    expect(untrusted.stderr).toMatch(
      /^Unable to connect to the server: tls: failed to verify certificate: /
    )
    const skip = await isctl(...flagsOnly, '--insecure-skip-tls-verify', 'get', 'sa', '-o', 'name')
    expect(skip).toMatchObject({ code: 0, stdout: 'serviceaccount/default\n' })
  })
})
