const MAX_SHOWN = 200

/**
 * Quotes a registry key, secret name or helper name for a message: JSON string syntax (control characters
 * escaped) and at most 200 characters, so odd input can't forge or flood a log line. Callers never pass
 * secret material.
 */
export function quote(text: string): string {
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text
  return JSON.stringify(shown)
}
