/**
 * Authenticated requests in tests: the one place that spells how a test sends its API key.
 * `keyHeaders(key)` is `{ 'X-Api-Key': key }` (the header OctoPrint clients send), merged with any
 * other headers; `jsonHeaders(key)` adds the JSON content type for a request with a JSON body.
 * Tests that check the key's other forms (?apikey=, Bearer) or a client's own headers spell those out.
 */

export function keyHeaders(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'X-Api-Key': key, ...extra };
}

export function jsonHeaders(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return keyHeaders(key, { 'Content-Type': 'application/json', ...extra });
}
