/**
 * The printer registry over REST: `GET /api/printers` (every printer, STATUS) and
 * `GET /api/printers/{id}`; `POST /api/printers` (a config entry), `PATCH` and `DELETE
 * /api/printers/{id}` (ADMIN) change the farm while it runs. A refused change
 * (PrinterRegistryError) answers its status. `GET`/`PUT /api/printers/{id}/webcams`: a printer's
 * cameras (STATUS to read; SETTINGS to change, as Moonraker's server.webcams.post_item), a bad one
 * refused with 400 `{error, key}` naming the setting (`webcams[0].streamUrl`).
 */
import { inject, injectable } from 'inversify';
import type Koa from 'koa';
import { FileManager } from '../files/file-manager.js';
import { HttpError } from '../http/http-error.js';
import { HttpServer } from '../http/http-server.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { readJsonObject } from '../http/request-body.js';
import { refuseEntryConnection } from '../printer/transport/connection-request.js';
import { TransportProvider } from '../printer/transport/transport-factory.js';
import { printerJson } from './printer-json.js';
import { PrinterListeners } from './printer-listeners.js';
import { PrinterRegistry, PrinterRegistryError, type PrinterScope } from './printer-registry.js';

@injectable()
export class PrintersRoutes implements RouteContribution {
  readonly owner = 'printers';

  constructor(
    @inject(PrinterRegistry) private readonly registry: PrinterRegistry,
    @inject(FileManager) private readonly files: FileManager,
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(TransportProvider) private readonly transports: TransportProvider,
    @inject(PrinterListeners) private readonly listeners: PrinterListeners,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/printers', 'STATUS', async (ctx) => {
      ctx.body = { printers: await Promise.all(this.registry.list().map((scope) => this.json(ctx, scope))) };
    });
    routes.get('/api/printers/:id', 'STATUS', async (ctx) => {
      ctx.body = await this.json(ctx, this.required(ctx.params['id']!));
    });
    routes.post('/api/printers', 'ADMIN', async (ctx) => {
      const scope = await this.registry.add(await this.checked(await readJsonObject(ctx)));
      ctx.status = 201;
      ctx.set('Location', `${this.mainBaseUrl(ctx)}/api/printers/${scope.id}`);
      ctx.body = await this.json(ctx, scope);
    });
    routes.patch('/api/printers/:id', 'ADMIN', async (ctx) => {
      const id = this.required(ctx.params['id']!).id;
      ctx.body = await this.json(ctx, await this.registry.update(id, await this.checked(await readJsonObject(ctx))));
    });
    routes.get('/api/printers/:id/webcams', 'STATUS', (ctx) => {
      ctx.body = { webcams: this.required(ctx.params['id']!).entry.webcams ?? [] };
    });
    routes.put('/api/printers/:id/webcams', 'SETTINGS', async (ctx) => {
      const id = this.required(ctx.params['id']!).id;
      const { webcams = [] } = await readJsonObject(ctx);
      try {
        ctx.body = { webcams: (await this.registry.update(id, { webcams })).entry.webcams ?? [] };
      } catch (err) {
        if (!(err instanceof PrinterRegistryError) || err.status !== 400) throw err;
        ctx.status = 400;
        // webcams.ts names the setting first: `"webcams[0].streamUrl" must be …`
        ctx.body = { error: err.message, key: /^"([^"]+)"/.exec(err.message)?.[1] ?? 'webcams' };
      }
    });
    routes.delete('/api/printers/:id', 'ADMIN', async (ctx) => {
      await this.registry.remove(this.required(ctx.params['id']!).id);
      ctx.status = 204;
    });
  }

  /** The registry knows the configured main port; this is the one listened on (they differ with `--port 0`). */
  private checkedListen(body: Record<string, unknown>): Record<string, unknown> {
    if (body['listen'] === this.http.port) throw new PrinterRegistryError(409, `the listen port ${this.http.port} is the main port`);
    return body;
  }

  /** A connection's port and baud rate must pass the allow-list, as for /api/connection. */
  private async checked(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const problem = await refuseEntryConnection(this.transports, body['connection']);
    if (problem) throw new HttpError(400, problem);
    return this.checkedListen(body);
  }

  private required(id: string): PrinterScope {
    const scope = this.registry.get(id);
    if (!scope) throw new HttpError(404, `no printer "${id.slice(0, 64)}"`);
    return scope;
  }

  private json(ctx: Koa.Context, scope: PrinterScope) {
    const listenError = this.listeners.problems().find((problem) => problem.printer === scope.id)?.error ?? null;
    return printerJson(scope, this.mainBaseUrl(ctx), this.files, ctx.state.principal?.name ?? null, listenError);
  }

  /**
   * The main port's URL as this client reaches it (without the `/printer/<id>` it may have come
   * through), as the server decided it (core/http/base-url.ts).
   */
  private mainBaseUrl(ctx: Koa.Context): string {
    return ctx.state.mainOrigin ?? this.http.baseUrl();
  }
}
