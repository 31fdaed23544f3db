/** One regular file of a tar archive. */
export type TarEntry = {
  /** Relative path without a leading '/', at most 100 bytes (e.g. `etc/hello.txt`). */
  readonly path: string
  readonly content: Uint8Array | string
  /** Octal permission bits; default 0o644. */
  readonly mode?: number
  /** Seconds since the epoch; default 0, so archives are reproducible. */
  readonly mtime?: number
}

const BLOCK = 512

/**
 * Builds an uncompressed POSIX ustar archive of regular files (plus their parent directories),
 * enough for small test image layers. https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
export function createTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = []
  const dirs = new Set<string>()
  for (const e of entries) {
    const segments = e.path.split('/')
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`
      if (dirs.has(dir)) continue
      dirs.add(dir)
      parts.push(header({ path: dir, size: 0, mode: 0o755, mtime: e.mtime ?? 0, type: '5' }))
    }
    const body = typeof e.content === 'string' ? Buffer.from(e.content) : Buffer.from(e.content)
    parts.push(
      header({
        path: e.path,
        size: body.length,
        mode: e.mode ?? 0o644,
        mtime: e.mtime ?? 0,
        type: '0',
      })
    )
    parts.push(body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK))
  }
  parts.push(Buffer.alloc(2 * BLOCK))
  return Buffer.concat(parts)
}

function header(h: {
  path: string
  size: number
  mode: number
  mtime: number
  type: '0' | '5'
}): Buffer {
  const b = Buffer.alloc(BLOCK)
  if (Buffer.byteLength(h.path) > 100) throw new Error(`tar path too long: ${h.path}`)
  const octal = (n: number, width: number): string => `${n.toString(8).padStart(width - 1, '0')}\0`
  b.write(h.path, 0, 100, 'utf8')
  b.write(octal(h.mode, 8), 100, 'ascii')
  b.write(octal(0, 8), 108, 'ascii') // uid
  b.write(octal(0, 8), 116, 'ascii') // gid
  b.write(octal(h.size, 12), 124, 'ascii')
  b.write(octal(h.mtime, 12), 136, 'ascii')
  b.write('        ', 148, 'ascii') // checksum counts as spaces while summing
  b.write(h.type, 156, 'ascii')
  b.write('ustar\0', 257, 'ascii')
  b.write('00', 263, 'ascii')
  b.write('root', 265, 'ascii')
  b.write('root', 297, 'ascii')
  let sum = 0
  for (const byte of b) sum += byte
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return b
}
