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

/** The first segments of a printer's OctoPrint surface, as sloppy clients glue them to the printer's base. */
const SURFACE_ROOTS = ['api', 'sockjs', 'plugin', 'downloads', 'static'];

/**
 * The raw request URL (`req.url`) in the form every part of the server expects, before koa, SockJS or
 * socket.io read it: what clients that join paths sloppily send is mapped onto the path they meant.
 * - an absolute-form target (`http://host/api/…`, as sent to proxies): its path;
 * - doubled slashes in the path (`base + "/api/…"` with a base ending in a slash) are one;
 * - a printer's base without its slash (`/printer/p2` + `sockjs/websocket` = `/printer/p2sockjs/websocket`)
 *   gets the slash back when `<id><root>` is no printer but `<id>` is one.
 * The query string is left as it is. Returns the URL unchanged when nothing applies.
 */
export function canonicalRequestUrl(url: string, isPrinter: (id: string) => boolean): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  if (/^https?:\/\//i.test(path)) path = path.replace(/^https?:\/\/[^/]*/i, '') || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/');
  const glued = /^\/printer\/([^/]+)(.*)$/.exec(path);
  if (glued && !isPrinter(glued[1]!)) {
    const segment = glued[1]!;
    for (const root of SURFACE_ROOTS) {
      const at = segment.length - root.length;
      if (at > 0 && segment.endsWith(root) && isPrinter(segment.slice(0, at))) {
        path = `/printer/${segment.slice(0, at)}/${root}${glued[2]}`;
        break;
      }
    }
  }
  return path + query;
}
