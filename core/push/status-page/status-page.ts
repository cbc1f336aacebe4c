/**
 * The farm page at `GET /`: one small HTML document (no framework) served without a key; the page
 * itself asks for the key (or takes `?apikey=`), connects to the push channel with it, and uses it
 * for the REST calls (upload and print). So the HTML is public, the data is not.
 *
 * The same route answers `/printer/<id>/` (the server strips the prefix) and the root of a printer's
 * own listen port: there the document is marked as that printer's page. Each variant is built once
 * and kept (one per printer, dropped with the printer), so a request costs a lookup, no more.
 */
import type { Context } from 'koa';
import { inject, injectable } from 'inversify';
import type { Disposable } from '../../common/disposable.js';
import type { LifecycleContribution } from '../../common/lifecycle.js';
import { PrinterRegistry } from '../../printers/printer-registry.js';
import { HttpRoutes, HttpServer } from '../../server/http-server.js';
import { splitPrinterPath } from '../../server/request-printer.js';
import { PRINTER_ID_PATTERN } from '../../settings/schema/printers.js';
import { statusPageHtml, type PageView } from './page.js';

const CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:";

@injectable()
export class StatusPage implements LifecycleContribution {
  readonly lifecycleName = 'status-page';
  private subscriptions: Disposable[] = [];
  private readonly farm = statusPageHtml({ kind: 'farm' });
  private readonly printerPages = new Map<string, string>();

  constructor(
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
  ) {}

  start(): void {
    this.subscriptions.push(
      this.printers.onDidRemove((scope) => this.printerPages.delete(scope.id)),
      this.routes.register(
        (router) => {
          router.get('/', (ctx) => {
            ctx.type = 'text/html; charset=utf-8';
            ctx.set('Cache-Control', 'no-cache');
            ctx.set('Content-Security-Policy', CSP);
            ctx.body = this.pageFor(ctx);
          });
        },
        { owner: 'push', public: true },
      ),
    );
  }

  stop(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.printerPages.clear();
  }

  /** The farm at the main port's own root; a printer's page under `/printer/<id>/` or on another port (a printer's listen port). */
  private pageFor(ctx: Context): string {
    const scope = ctx.state.printer;
    const prefixed = splitPrinterPath(ctx.originalUrl.split('?')[0]!) !== null;
    const otherPort = ctx.req.socket.localPort !== undefined && this.http.port !== 0 && ctx.req.socket.localPort !== this.http.port;
    if (!scope || (!prefixed && !otherPort) || !PRINTER_ID_PATTERN.test(scope.id)) return this.farm;
    return this.printerPage({ kind: 'printer', id: scope.id });
  }

  private printerPage(view: Extract<PageView, { kind: 'printer' }>): string {
    let html = this.printerPages.get(view.id);
    if (html === undefined) {
      html = statusPageHtml(view);
      // ids come from the registry; a removed one is dropped above
      this.printerPages.set(view.id, html);
    }
    return html;
  }
}
