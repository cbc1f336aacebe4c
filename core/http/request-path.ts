/**
 * How a request path is read, decided once at the server's entry: the route table (the router and
 * each route's permission check) sees this one form.
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

/**
 * The raw request URL (`req.url`) in the form every part of the server expects, before koa, SockJS or
 * socket.io read it: what clients that join paths sloppily send is mapped onto the path they meant.
 * - an absolute-form target (`http://host/api/…`, as sent to proxies): its path;
 * - doubled slashes in the path (`base + "/api/…"` with a base ending in a slash) are one;
 * - then `canonicalPath`, which request contributions supply (core/printers puts back the slash of a
 *   printer's base glued to the path: `/printer/p2sockjs/…`).
 * The query string is left as it is. Returns the URL unchanged when nothing applies.
 */
export function canonicalRequestUrl(url: string, canonicalPath: (path: string) => string = (path) => path): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  if (/^https?:\/\//i.test(path)) path = path.replace(/^https?:\/\/[^/]*/i, '') || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/');
  return canonicalPath(path) + query;
}
