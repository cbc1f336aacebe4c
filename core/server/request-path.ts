/**
 * How a request path is read, decided once at the server's entry: the router and the permission
 * table both see this one form, so they can never disagree about which route a request is.
 * - case is significant (as in OctoPrint): `/API/SYSTEM` is not `/api/system`, it is no route at all;
 * - an encoded slash (`%2F`) is a slash: it cannot hide a path segment from the permission table;
 * - doubled slashes are one (clients that join "base/" and "/api/…");
 * - a trailing slash is dropped (except for the root).
 */
export function normaliseRequestPath(raw: string): string {
  let path = raw.replace(/%2f/gi, '/');
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/** Router options that match how paths are normalised above. */
export const ROUTER_OPTIONS = { sensitive: true, strict: false } as const;
