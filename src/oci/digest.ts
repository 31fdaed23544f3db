import { createHash } from 'node:crypto'
import { AppError, Reason } from '../shared/errors.js'

/** A content digest such as `sha256:<64 hex>`; validated by parseDigest. */
export type Digest = string & { readonly __digest: unique symbol }

// https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/
const ENCODED_BY_ALGORITHM: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
}

/** Reports whether s is a digest of an algorithm we can verify (sha256, sha512), strictly formed. */
export function isDigest(s: string): s is Digest {
  if (!DIGEST_GRAMMAR.test(s)) return false
  const i = s.indexOf(':')
  const check = ENCODED_BY_ALGORITHM[s.slice(0, i)]
  return check?.test(s.slice(i + 1)) === true
}

/** Parses a digest; throws AppError(BadRequest) for malformed or unverifiable digests. */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) {
    throw new AppError(Reason.BadRequest, `invalid digest ${JSON.stringify(s.slice(0, 200))}`)
  }
  return s
}

/** The algorithm part of a digest (`sha256`). */
export function digestAlgorithm(d: Digest): string {
  return d.slice(0, d.indexOf(':'))
}

/** Computes the digest of bytes with the given algorithm (sha256 by default). */
export function computeDigest(bytes: Uint8Array, algorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` as Digest
}

/** Computes digests incrementally, for streamed bodies. */
export class DigestHasher {
  readonly #algorithm: string
  readonly #hash: ReturnType<typeof createHash>
  #size = 0

  constructor(algorithm = 'sha256') {
    this.#algorithm = algorithm
    this.#hash = createHash(algorithm)
  }

  update(chunk: Uint8Array): void {
    this.#size += chunk.byteLength
    this.#hash.update(chunk)
  }

  get size(): number {
    return this.#size
  }

  digest(): Digest {
    return `${this.#algorithm}:${this.#hash.digest('hex')}` as Digest
  }
}
