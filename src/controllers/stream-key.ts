/** The work-queue key of an image stream: `namespace/name`. */
export function streamKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`
}

/** Splits a key made by streamKey. */
export function parseStreamKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/')
  return i < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, i), name: key.slice(i + 1) }
}
