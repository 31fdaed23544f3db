import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// Which top-level folders of src/ each folder may import (dependency direction downward, as in
// docs/architecture.md). Packages: only those listed. node:* builtins are allowed except where noted.
const ALLOWED: Record<string, { folders: string[]; packages: string[]; noNodeIo?: boolean }> = {
  shared: { folders: [], packages: [] },
  oci: { folders: ['shared'], packages: [], noNodeIo: true },
  api: { folders: ['shared', 'oci'], packages: [], noNodeIo: true },
  'registry-client': { folders: ['shared', 'oci'], packages: ['undici'] },
  store: { folders: ['shared', 'api'], packages: ['better-sqlite3'] },
  importer: { folders: ['shared', 'oci', 'api', 'registry-client', 'store'], packages: [] },
  apiserver: {
    folders: ['shared', 'oci', 'api', 'registry-client', 'store', 'observability'],
    packages: ['hono', 'yaml'],
  },
  registry: {
    folders: ['shared', 'oci', 'api', 'registry-client', 'store', 'importer'],
    packages: ['hono'],
  },
  observability: { folders: ['shared'], packages: [] },
  controllers: {
    folders: ['shared', 'oci', 'api', 'registry-client', 'store', 'importer', 'observability'],
    packages: [],
  },
  prune: { folders: ['shared', 'oci', 'api', 'store', 'registry'], packages: [] },
  server: {
    folders: [
      'shared',
      'oci',
      'api',
      'registry-client',
      'store',
      'importer',
      'apiserver',
      'registry',
      'controllers',
      'prune',
      'observability',
    ],
    packages: ['hono', '@hono/node-server', 'yaml'],
  },
  cli: {
    folders: [
      'shared',
      'oci',
      'api',
      'registry-client',
      'store',
      'importer',
      'server',
      'prune',
      'controllers',
    ],
    packages: ['commander', 'yaml', 'undici'],
  },
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sourceFiles(p)
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.contract.ts') ? [p] : []
  })
}

const SRC = join(import.meta.dirname, '..', 'src')
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

describe('architecture: imports follow the layering', () => {
  const files = sourceFiles(SRC)
  it('knows every top-level folder of src/', () => {
    const folders = new Set(files.map((f) => relative(SRC, f).split('/')[0] ?? ''))
    for (const f of folders) expect(Object.keys(ALLOWED)).toContain(f)
  })
  it.each(files.map((f) => [relative(SRC, f), f]))(
    '%s imports only what its layer may',
    (rel, file) => {
      const layer = rel.split('/')[0] ?? ''
      const rule = ALLOWED[layer]
      if (rule === undefined) throw new Error(`no rule for ${layer}`)
      const text = readFileSync(file, 'utf8')
      const bad: string[] = []
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? ''
        if (spec.startsWith('node:')) {
          if (rule.noNodeIo === true && /^node:(fs|net|http|https|child_process|dgram)/.test(spec))
            bad.push(spec)
          continue
        }
        if (spec.startsWith('.')) {
          const target = relative(SRC, join(file, '..', spec)).split('/')[0] ?? ''
          if (target !== layer && !rule.folders.includes(target)) bad.push(spec)
          continue
        }
        const pkg = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : (spec.split('/')[0] ?? '')
        if (!rule.packages.includes(pkg)) bad.push(spec)
      }
      expect(bad).toEqual([])
    }
  )
})
