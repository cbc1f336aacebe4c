/**
 * Which printer a request is for. `/printer/<id>/…` is printer `<id>`'s whole OctoPrint surface (the
 * server strips the prefix once, at its entry, before routing and the permission table); any other
 * path is the first printer's, so a single-printer install sees nothing change. Routes ask
 * `requestPrinter(ctx)` instead of injecting one PrinterService.
 */
import type http from 'node:http';
import type { Context } from 'koa';
import { isOperational } from '../printer/octoprint-views.js';
import type { PrinterService } from '../printer/printer-service.js';
import { PRINTER_ID_PATTERN } from '../common/printer-id.js';
import type { PrinterRegistry, PrinterScope } from '../printers/printer-registry.js';
import { HttpError } from './http-error.js';

declare module 'koa' {
  interface DefaultState {
    /** the printer this request is for (undefined when the host has none) */
    printer?: PrinterScope;
    /**
     * The path the client's base URL has on this connection: `/printer/<id>` when it came through the
     * prefix, '' at the root of the main port or of a printer's own `listen` port. URLs in answers
     * (refs, Location, downloads) are built on it, so they lead back the way the client came.
     */
    basePath?: string;
  }
}

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
  if (!match) return null;
  return { id: match[1]!, rest: match[2] ?? '/' };
}

/** The printer a path names, undefined for an unknown id or one that cannot be an id. */
export function printerNamed(registry: Pick<PrinterRegistry, 'get'>, id: string): PrinterScope | undefined {
  return PRINTER_ID_PATTERN.test(id) ? registry.get(id) : undefined;
}

/**
 * Resolves the request's printer and strips its prefix from `ctx.path`. Throws 404 for an unknown
 * printer (also one removed a moment ago), before any route or key is looked at.
 */
export function enterPrinterScope(ctx: Context, registry: PrinterRegistry): void {
  const scoped = splitPrinterPath(ctx.path);
  if (!scoped) {
    ctx.state.printer = registry.first();
    ctx.state.basePath = '';
    return;
  }
  const scope = printerNamed(registry, scoped.id);
  if (!scope) throw new HttpError(404, `no printer "${scoped.id.slice(0, 64)}"`);
  ctx.state.printer = scope;
  ctx.state.basePath = atListenPort.has(ctx.req) ? '' : scope.basePath;
  ctx.path = scoped.rest;
}

/** The request's printer scope; 409 when the host has no printer at all. */
export function requestScope(ctx: Pick<Context, 'state'>): PrinterScope {
  const scope = ctx.state.printer;
  if (!scope) throw new HttpError(409, 'the host has no printer; add one with POST /api/printers');
  return scope;
}

/** The request's PrinterService. */
export function requestPrinter(ctx: Pick<Context, 'state'>): PrinterService {
  return requestScope(ctx).printer;
}

/** The request's PrinterService when it is operational; 409 "Printer is not operational" (OctoPrint's answer) otherwise. */
export function operationalPrinter(ctx: Pick<Context, 'state'>): PrinterService {
  const printer = ctx.state.printer?.printer;
  if (!printer || !isOperational(printer.snapshot().state.id)) throw new HttpError(409, 'Printer is not operational');
  return printer;
}
