/**
 * Which printer a request is for, as the routes of core/printer and the folders above it read it.
 * The printer prefix middleware of core/printers (`/printer/<id>/…`, or the first printer at the
 * root) sets `ctx.state.printer`; routes ask `requestPrinter(ctx)` instead of injecting one
 * PrinterService.
 */
import type { Context } from 'koa';
import { HttpError } from '../http/http-error.js';
import { isOperational } from './octoprint-views.js';
import type { ScopedPrinter } from './printer-list.js';
import type { PrinterService } from './printer-service.js';

declare module 'koa' {
  interface DefaultState {
    /** the printer this request is for (undefined when the host has none) */
    printer?: ScopedPrinter;
  }
}

/** The request's printer; 409 when the host has no printer at all. */
export function requestScope(ctx: Pick<Context, 'state'>): ScopedPrinter {
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
