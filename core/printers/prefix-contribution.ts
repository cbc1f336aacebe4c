/**
 * The printer prefix as the server's request contribution: `/printer/<id>/…` is printer `<id>`'s
 * whole OctoPrint surface, any other path the first printer's (printer-prefix.ts). The prefix is
 * stripped before routing, so routes and their declared permissions see `/api/job` either way.
 */
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { AuthService } from '../http/http-server.js';
import type { RequestContribution } from '../http/request-contribution.js';
import { splitPrinterPath, enterPrinterScope, regluePrinterBase } from './printer-prefix.js';
import { PrinterRegistry } from './printer-registry.js';

@injectable()
export class PrinterPrefix implements RequestContribution {
  readonly owner = 'printers';

  constructor(
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
    @inject(AuthService) private readonly auth: AuthService,
  ) {}

  canonicalPath(path: string): string {
    return regluePrinterBase(path, (id) => this.printers.get(id) !== undefined);
  }

  readonly middleware: Koa.Middleware = async (ctx, next) => {
    const sent = ctx.originalUrl.split('?')[0]!;
    if (/^\/printer\/[^/]+$/.test(sent) && splitPrinterPath(sent) && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      // the printer's page: its relative links need the slash
      ctx.redirect(`${sent}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    const authenticated = () => this.auth.authenticateRequest(ctx.headers, ctx.query) !== null;
    enterPrinterScope(ctx, this.printers, authenticated);
    await next();
  };
}
