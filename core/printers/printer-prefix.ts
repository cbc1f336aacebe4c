/**
 * The printer prefix. `/printer/<id>/…` is printer `<id>`'s whole OctoPrint surface (the prefix is
 * stripped once, at the server's entry, before routing and the permission checks); any other path
 * is the first printer's, so a single-printer install sees nothing change. Routes read the result
 * through core/printer/request-printer.ts.
 */
import type http from 'node:http';
import type { Context } from 'koa';
import { HttpError } from '../http/http-error.js';
import '../printer/request-printer.js';
import { PRINTER_ID_PATTERN, RESERVED_PRINTER_IDS } from '../common/printer-id.js';
import type { PrinterRegistry, PrinterScope } from './printer-registry.js';

/** requests that arrived at the root of a printer's own port (printer-listeners.ts rewrote their URL) */
const atListenPort = new WeakSet<http.IncomingMessage>();

/** Marks a request whose URL a printer's `listen` port rewrote to `/printer/<id>/…`: its client's base is the root. */
export function markListenPortRequest(req: http.IncomingMessage): void {
  atListenPort.add(req);
}

const PREFIX = /^\/printer\/([^/]+)(\/.*)?$/;

/** `/printer/p2/api/job` → `{ id: 'p2', rest: '/api/job' }`; null for paths outside `/printer/`. */
export function splitPrinterPath(path: string): { id: string; rest: string } | null {
  const match = PREFIX.exec(path);
  // Moonraker's /printer/info, /printer/objects/… at the root are not a printer's prefix
  if (!match || RESERVED_PRINTER_IDS.has(match[1]!)) return null;
  return { id: match[1]!, rest: match[2] ?? '/' };
}

/** The printer a path names, undefined for an unknown id or one that cannot be an id. */
export function printerNamed(registry: Pick<PrinterRegistry, 'get'>, id: string): PrinterScope | undefined {
  return PRINTER_ID_PATTERN.test(id) ? registry.get(id) : undefined;
}

declare module 'koa' {
  interface DefaultState {
    /**
     * Set instead of `printer` for the app's page (and its assets) under `/printer/<id>/` of an unknown
     * id asked without a key: the page is public, so it is served for any id and the data behind it
     * answers 403 alike; the app then asks the caller to sign in.
     */
    unknownPrinterPage?: string;
  }
}

/** The app's shell: public for every printer id, known or not (ui-routes.ts serves it). */
function isAppShell(method: string, rest: string): boolean {
  return (method === 'GET' || method === 'HEAD') && (rest === '/' || rest.startsWith('/assets/'));
}

/** The refusal of a request without a valid key or session: the same whether its printer exists or not. */
export const KEY_REQUIRED = 'A valid API key or session is required';

/**
 * What a caller without a key learns of an unknown printer: what a known one answers it for a path
 * no public route serves (403 under /api/, a bare 404 elsewhere). SockJS is the exception: its
 * handshake carries no key (it authenticates in-band), so an unknown printer's is 404.
 */
function unknownToAnyone(rest: string): HttpError {
  return rest.startsWith('/api/') ? new HttpError(403, KEY_REQUIRED) : new HttpError(404, 'Not found');
}

/**
 * Resolves the request's printer and strips its prefix from `ctx.path`. Throws 404 for an unknown
 * printer (also one removed a moment ago), before any route is looked at; to a caller without a key
 * (`authenticated` false) what a known printer answers, so printer ids cannot be probed through the API
 * or the app's page.
 */
export function enterPrinterScope(ctx: Context, registry: PrinterRegistry, authenticated: () => boolean): void {
  const scoped = splitPrinterPath(ctx.path);
  if (!scoped) {
    ctx.state.printer = registry.first();
    ctx.state.basePath = '';
    return;
  }
  const scope = printerNamed(registry, scoped.id);
  if (!scope) {
    if (authenticated()) throw new HttpError(404, `no printer "${scoped.id.slice(0, 64)}"`);
    if (!PRINTER_ID_PATTERN.test(scoped.id) || !isAppShell(ctx.method, scoped.rest)) throw unknownToAnyone(scoped.rest);
    ctx.state.unknownPrinterPage = scoped.id;
    ctx.state.basePath = atListenPort.has(ctx.req) ? '' : `/printer/${scoped.id}`;
    ctx.path = scoped.rest;
    return;
  }
  ctx.state.printer = scope;
  ctx.state.basePath = atListenPort.has(ctx.req) ? '' : scope.basePath;
  ctx.path = scoped.rest;
}

/** The first segments of a printer's OctoPrint surface, as sloppy clients glue them to the printer's base. */
const SURFACE_ROOTS = ['api', 'sockjs', 'plugin', 'downloads', 'static'];

/**
 * A printer's base without its slash (`/printer/p2` + `sockjs/websocket` = `/printer/p2sockjs/websocket`)
 * gets the slash back when `<id><root>` is no printer but `<id>` is one.
 */
export function regluePrinterBase(path: string, isPrinter: (id: string) => boolean): string {
  const glued = /^\/printer\/([^/]+)(.*)$/.exec(path);
  if (!glued || isPrinter(glued[1]!)) return path;
  const segment = glued[1]!;
  for (const root of SURFACE_ROOTS) {
    const at = segment.length - root.length;
    if (at > 0 && segment.endsWith(root) && isPrinter(segment.slice(0, at))) return `/printer/${segment.slice(0, at)}/${root}${glued[2]}`;
  }
  return path;
}
