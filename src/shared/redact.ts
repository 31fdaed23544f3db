/** Removes user info and credential-looking query parameters from a URL for logs and errors. */
export function redactUrl(input: string | URL): string {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    // Not a URL: say nothing about it rather than risk echoing a secret.
    return '<invalid url>'
  }
  if (url.username || url.password) {
    url.username = ''
    url.password = ''
  }
  for (const key of [...url.searchParams.keys()]) {
    if (/token|secret|password|signature|credential|x-amz-|sig$/i.test(key)) {
      url.searchParams.set(key, 'REDACTED')
    }
  }
  return url.toString()
}
