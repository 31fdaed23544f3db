import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { AppError, Reason } from '../shared/errors.js'

const run = promisify(execFile)

/** The certificate the server presents, and the CA clients must trust for it. */
export type ServingCert = {
  readonly certPem: string
  readonly keyPem: string
  readonly caPem: string
}

/**
 * Returns the serving certificate in `DIR/tls`, creating a self-signed CA and a server certificate for
 * `hosts` (plus localhost and 127.0.0.1) on first start with `openssl`. Existing files are reused, so
 * clients keep trusting the same CA across restarts.
 */
export async function ensureServingCert(
  dataDir: string,
  hosts: readonly string[]
): Promise<ServingCert> {
  const dir = join(dataDir, 'tls')
  const p = (f: string): string => join(dir, f)
  if (!existsSync(p('serving.crt')) || !existsSync(p('serving.key')) || !existsSync(p('ca.crt'))) {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const names = [
      ...new Set(['localhost', '127.0.0.1', ...hosts.filter((h) => h !== '' && h !== '0.0.0.0')]),
    ]
    const san = names.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',')
    try {
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
      await openssl(
        ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt')].concat(
          [
            '-subj',
            '/CN=imagestreams-ca',
            '-days',
            '3650',
            '-addext',
            'basicConstraints=critical,CA:TRUE',
          ],
          ['-addext', 'keyUsage=critical,keyCertSign,cRLSign']
        )
      )
      await openssl(
        ['req', ...ec, '-keyout', p('serving.key'), '-out', p('serving.csr')].concat([
          '-subj',
          '/CN=imagestreams',
        ])
      )
      await writeFile(
        p('serving.ext'),
        `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n`
      )
      await openssl(
        ['x509', '-req', '-in', p('serving.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key')].concat(
          [
            '-CAcreateserial',
            '-out',
            p('serving.crt'),
            '-days',
            '825',
            '-extfile',
            p('serving.ext'),
          ]
        )
      )
      await Promise.all([chmod(p('ca.key'), 0o600), chmod(p('serving.key'), 0o600)])
    } catch (err) {
      throw new AppError(
        Reason.InternalError,
        `cannot create the self-signed serving certificate in ${dir} (is openssl installed?): ${(err as Error).message}`,
        { cause: err }
      )
    }
  }
  const [certPem, keyPem, caPem] = await Promise.all(
    ['serving.crt', 'serving.key', 'ca.crt'].map((f) => readFile(p(f), 'utf8'))
  )
  return { certPem: certPem ?? '', keyPem: keyPem ?? '', caPem: caPem ?? '' }
}

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, { timeout: 30_000 })
}
