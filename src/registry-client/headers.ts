/** Response headers as undici returns them: lower-case names, repeated headers as arrays. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>

/** The first value of a header, or undefined. */
export function firstHeader(headers: ResponseHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/** Every value of a header (one per header line), or an empty list. */
export function allHeaders(headers: ResponseHeaders, name: string): string[] {
  const v = headers[name.toLowerCase()]
  if (v === undefined) return []
  return Array.isArray(v) ? [...v] : [v]
}
