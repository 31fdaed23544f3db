/**
 * Finds the `rel="next"` target in `Link` header values (RFC 8288), e.g.
 * `</v2/team/app/tags/list?last=b&n=2>; rel="next"`. Returns the raw URI reference (resolve it against the
 * request URL), or undefined.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
 */
export function parseNextLink(values: readonly string[]): string | undefined {
  for (const value of values) {
    // Links are comma-separated, but a URI may itself contain commas: scan link by link.
    const re = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g
    for (let m = re.exec(value); m !== null; m = re.exec(value)) {
      const params = m[2] ?? ''
      for (const p of params.split(';')) {
        const [name, raw] = p.split('=', 2).map((x) => x.trim())
        if (name?.toLowerCase() !== 'rel' || raw === undefined) continue
        const rels = raw.replace(/^"|"$/g, '').toLowerCase().split(/\s+/)
        if (rels.includes('next')) return m[1]
      }
    }
  }
  return undefined
}
