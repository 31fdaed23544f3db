import { type Digest, isDigest } from '../oci/digest.js'
import { authorize } from './auth.js'
import { type BlobWriter, isBlobIntegrityError } from './blob-store.js'
import { findBlob } from './content.js'
import { type RegistryContext, requestBody } from './context.js'
import { digestInvalid, OciError, OciErrorCode, unsupported } from './errors.js'
import { describeIdentity, RegistryAction } from './identity.js'
import { parseRepositoryName, type RepositoryName } from './names.js'
import {
  PUSH_ACTIONS,
  type RegistryServices,
  realmOf,
  repositoryFor,
  requireNamespace,
} from './services.js'
import type { UploadSession } from './upload-sessions.js'

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs

const CONTENT_RANGE = /^(\d+)-(\d+)$/

/**
 * POST `/v2/<name>/blobs/uploads/`:
 *  1. `?mount=<digest>&from=<repo>`: when the caller may pull `from` and it holds the blob here, the blob
 *     is linked to the target: 201 (CVE-2024-39897: never mount from an unreadable repository); otherwise
 *     this falls through to a normal upload, as the spec allows;
 *  2. `?digest=<digest>` with a body: a monolithic upload, verified and stored: 201;
 *  3. otherwise a new upload session: 202 with its Location.
 */
export async function handleUploadStart(
  c: RegistryContext,
  svc: RegistryServices,
  name: string
): Promise<Response> {
  if (c.req.method !== 'POST') throw unsupported()
  const repo = await repositoryFor(c, svc, name, PUSH_ACTIONS)
  await requireNamespace(svc, repo)

  const mount = c.req.query('mount')
  const from = c.req.query('from')
  if (mount !== undefined && from !== undefined && isDigest(mount)) {
    if (await tryMount(c, svc, repo, mount, from)) return created(repo, mount)
  }

  const digest = c.req.query('digest')
  if (digest !== undefined) {
    if (!isDigest(digest))
      throw digestInvalid(`invalid digest ${JSON.stringify(digest.slice(0, 200))}`)
    const writer = await svc.blobStore.createWriter({ algorithm: digest.split(':')[0] ?? 'sha256' })
    try {
      await appendBody(c, svc, writer)
      await commit(svc, writer, digest)
    } finally {
      await writer.abort()
    }
    await svc.manifests.linkBlob(repo, digest, 'push')
    return created(repo, digest)
  }

  const session = await svc.uploads.start(repo.name, owner(c))
  return sessionResponse(202, repo, session)
}

async function tryMount(
  c: RegistryContext,
  svc: RegistryServices,
  repo: RepositoryName,
  digest: Digest,
  from: string
): Promise<boolean> {
  let source: RepositoryName
  try {
    source = parseRepositoryName(from)
    await authorize(
      c.get('caller'),
      [{ namespace: source.namespace, name: source.name, action: RegistryAction.Pull }],
      { store: svc.store, realm: realmOf(c, svc), service: svc.registryHostname() }
    )
  } catch {
    // Not a repository, or not readable by the caller: a plain upload, revealing nothing about `from`.
    return false
  }
  const location = await findBlob(svc, source, digest)
  if (location?.kind !== 'local') return false
  await svc.manifests.linkBlob(repo, digest, 'push')
  return true
}

/**
 * PATCH, PUT, GET and DELETE on `/v2/<name>/blobs/uploads/<id>`:
 *  - PATCH appends a chunk; with `Content-Range: <start>-<end>` the start must be the current size (416
 *    with the current `Range` otherwise); a failed or interrupted chunk is rolled back entirely;
 *  - PUT `?digest=` appends an optional last chunk, then verifies and stores the blob (400 DIGEST_INVALID on
 *    a mismatch, which ends the session and stores nothing): 201;
 *  - GET reports progress (204 with `Range`); DELETE cancels (204).
 */
export async function handleUploadSession(
  c: RegistryContext,
  svc: RegistryServices,
  name: string,
  id: string
): Promise<Response> {
  const method = c.req.method
  if (!['PATCH', 'PUT', 'GET', 'HEAD', 'DELETE'].includes(method)) throw unsupported()
  const repo = await repositoryFor(c, svc, name, PUSH_ACTIONS)
  const session = svc.uploads.get(id, repo.name, owner(c))
  if (method === 'GET' || method === 'HEAD') return sessionResponse(204, repo, session)
  if (method === 'DELETE') {
    await svc.uploads.end(session)
    return new Response(null, { status: 204 })
  }
  if (session.busy) throw rangeError(repo, session, 'another request is writing to this upload')
  session.busy = true
  try {
    if (method === 'PATCH') {
      await appendBody(c, svc, session.writer, repo, session)
      return sessionResponse(202, repo, session)
    }
    const digest = c.req.query('digest')
    if (digest === undefined || !isDigest(digest)) {
      throw digestInvalid(
        `invalid or missing digest ${JSON.stringify((digest ?? '').slice(0, 200))}`
      )
    }
    await appendBody(c, svc, session.writer, repo, session)
    try {
      await commit(svc, session.writer, digest)
    } finally {
      await svc.uploads.end(session)
    }
    await svc.manifests.linkBlob(repo, digest, 'push')
    return created(repo, digest)
  } finally {
    session.busy = false
  }
}

// Streams the request body into the writer (back-pressure: one chunk on disk before the next is read).
async function appendBody(
  c: RegistryContext,
  svc: RegistryServices,
  writer: BlobWriter,
  repo?: RepositoryName,
  session?: UploadSession
): Promise<void> {
  let expected: number | undefined
  const contentRange = c.req.header('content-range')?.trim()
  if (contentRange !== undefined && contentRange !== '' && repo !== undefined && session) {
    const m = CONTENT_RANGE.exec(contentRange)
    if (m === null) {
      throw new OciError({
        status: 400,
        code: OciErrorCode.BlobUploadInvalid,
        message: `invalid Content-Range ${JSON.stringify(contentRange.slice(0, 100))}`,
      })
    }
    const start = Number(m[1])
    const end = Number(m[2])
    if (start !== writer.size || end < start) {
      throw rangeError(repo, session, `chunk ${start}-${end} does not continue at ${writer.size}`)
    }
    expected = end - start + 1
  }
  const declared = c.req.header('content-length')
  if (expected !== undefined && declared !== undefined && Number(declared) !== expected) {
    throw sizeInvalid(`Content-Length ${declared} does not match Content-Range (${expected} bytes)`)
  }
  const mark = writer.mark()
  try {
    for await (const chunk of requestBody(c)) {
      if (writer.size + chunk.byteLength > svc.maxBlobBytes) {
        throw new OciError({
          status: 413,
          code: OciErrorCode.SizeInvalid,
          message: `blob too large: the limit is ${svc.maxBlobBytes} bytes`,
        })
      }
      await writer.write(chunk)
    }
    if (expected !== undefined && writer.size - mark.size !== expected) {
      throw sizeInvalid(
        `the chunk has ${writer.size - mark.size} bytes, Content-Range says ${expected}`
      )
    }
  } catch (err) {
    // A broken chunk (client gone, wrong length) leaves the upload as it was before it.
    await writer.rollback(mark)
    throw err
  }
}

async function commit(svc: RegistryServices, writer: BlobWriter, digest: Digest): Promise<void> {
  try {
    await writer.commit(digest)
  } catch (err) {
    if (isBlobIntegrityError(err)) {
      throw digestInvalid('the uploaded content does not match the digest', {
        digest,
        detail: err.message,
      })
    }
    throw err
  }
  svc.logger.debug('blob uploaded', { digest })
}

function owner(c: RegistryContext): string {
  return describeIdentity(c.get('caller').identity)
}

function rangeHeader(session: UploadSession): string {
  return `0-${Math.max(0, session.writer.size - 1)}`
}

function location(repo: RepositoryName, session: UploadSession): string {
  return `/v2/${repo.name}/blobs/uploads/${session.id}`
}

function sessionResponse(
  status: 202 | 204,
  repo: RepositoryName,
  session: UploadSession
): Response {
  return new Response(null, {
    status,
    headers: {
      location: location(repo, session),
      range: rangeHeader(session),
      'docker-upload-uuid': session.id,
      'content-length': '0',
    },
  })
}

function created(repo: RepositoryName, digest: Digest): Response {
  return new Response(null, {
    status: 201,
    headers: {
      location: `/v2/${repo.name}/blobs/${digest}`,
      'docker-content-digest': digest,
      'content-length': '0',
    },
  })
}

function rangeError(repo: RepositoryName, session: UploadSession, message: string): OciError {
  return new OciError({
    status: 416,
    code: OciErrorCode.BlobUploadInvalid,
    message,
    headers: {
      location: location(repo, session),
      range: rangeHeader(session),
      'docker-upload-uuid': session.id,
    },
  })
}

function sizeInvalid(message: string): OciError {
  return new OciError({ status: 400, code: OciErrorCode.SizeInvalid, message })
}
