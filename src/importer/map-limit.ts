/**
 * Maps items through fn with at most `limit` calls in flight, keeping the order of the results. Stops
 * starting new calls once the signal aborts, and rejects with the first rejection (callers that must not
 * fail turn their errors into values first).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      signal?.throwIfAborted()
      results[i] = await fn(items[i] as T, i)
    }
  }
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length))
  await Promise.all(Array.from({ length: n }, worker))
  return results
}
