/**
 * The koa application and node http.Server. Order of middleware: JSON errors (never a stack
 * trace), CORS when enabled, the request's printer (`/printer/<id>/…`), authentication (a principal
 * or 403), then the routers that services and plugins registered through HttpRoutes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { inject, injectable } from 'inversify';
import Koa from 'koa';
import { Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { HttpError } from '../http/http-error.js';
import { AuthService, type HttpRoutes, type HttpServer, type Principal, type RouteOptions } from '../http/http-server.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { canonicalRequestUrl, normaliseRequestPath, ROUTER_OPTIONS } from '../http/request-path.js';
import { enterPrinterScope } from '../printers/printer-prefix.js';
import { RouteContributionProvider } from '../http/routes.js';
import { serverSettings } from '../http/settings.js';

declare module 'koa' {
  interface DefaultState {
    principal?: Principal;
  }
}

interface Mounted {
  router: Router;
  options: RouteOptions;
}

@injectable()
export class KoaHttpServer implements HttpServer, HttpRoutes, LifecycleContribution {
  readonly lifecycleName = 'http';
  readonly app = new Koa();
  readonly server: http.Server;
  private readonly mounted: Mounted[] = [];
  private listeningPort = 0;
  private readonly contributed: Disposable[] = [];

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(AuthService) private readonly auth: AuthService,
    @inject(Logger) private readonly logger: Logger,
    @inject(RouteContributionProvider) private readonly contributions: RouteContributionProvider,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
  ) {
    this.app.proxy = false;
    this.app.use(this.errors);
    this.app.use(this.cors);
    this.app.use(this.dispatch);
    // errors koa could not answer (a client gone mid-request) and malformed HTTP go to the log, not stderr
    this.app.on('error', (err: unknown) => this.logger.debug(errorInfo(err), 'request ended with an error'));
    const handle = this.app.callback();
    const isPrinter = (id: string) => this.printers.get(id) !== undefined;
    // sloppily joined URLs are mapped onto the path meant before anything reads them (request-path.ts)
    this.server = http.createServer((req, res) => {
      req.url = canonicalRequestUrl(req.url ?? '/', isPrinter);
      void handle(req, res);
    });
    this.server.prependListener('upgrade', (req: http.IncomingMessage) => {
      req.url = canonicalRequestUrl(req.url ?? '/', isPrinter);
    });
    this.server.on('clientError', (err, socket) => {
      this.logger.debug(errorInfo(err), 'malformed HTTP request');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  get port(): number {
    return this.listeningPort;
  }

  baseUrl(): string {
    const host = this.settings.of(serverSettings).get().host;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${this.listeningPort}`;
  }

  register(install: (router: Router) => void, options: RouteOptions): Disposable {
    const router = new Router(ROUTER_OPTIONS);
    install(router);
    const entry = { router, options };
    this.mounted.push(entry);
    return Disposable.create(() => {
      const index = this.mounted.indexOf(entry);
      if (index >= 0) this.mounted.splice(index, 1);
    });
  }

  async start(): Promise<void> {
    for (const contribution of this.contributions()) {
      this.contributed.push(this.register((router) => contribution.registerRoutes(router), { owner: contribution.owner, public: contribution.public }));
    }
    const { host, port } = this.settings.of(serverSettings).get();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listeningPort = (this.server.address() as AddressInfo).port;
    this.logger.info({ url: this.baseUrl() }, 'listening');
  }

  async stop(): Promise<void> {
    for (const registration of this.contributed.splice(0)) registration.dispose();
    if (!this.server.listening) return;
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private readonly errors: Koa.Middleware = async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: 'Not found' };
      }
    } catch (err) {
      const status = statusOf(err);
      if (status >= 500) this.logger.error({ path: ctx.path, ...errorInfo(err) }, 'request failed');
      ctx.status = status;
      ctx.body = { error: status >= 500 ? 'Internal server error' : (err as Error).message };
    }
  };

  private readonly cors: Koa.Middleware = async (ctx, next) => {
    const origin = ctx.get('Origin');
    const { cors } = this.settings.of(serverSettings).get();
    if (origin && cors.enabled) {
      const allowed = cors.origins;
      if (allowed.length === 0 || allowed.includes(origin)) {
        ctx.set('Access-Control-Allow-Origin', origin);
        ctx.set('Vary', 'Origin');
        ctx.set('Access-Control-Allow-Headers', 'Content-Type, X-Api-Key, Authorization');
        ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
        if (ctx.method === 'OPTIONS') {
          ctx.status = 204;
          return;
        }
      }
    }
    await next();
  };

  /**
   * Normalises the path (request-path.ts), strips a `/printer/<id>` prefix (request-printer.ts), then
   * runs the first router with a matching route; authenticates unless it is public.
   */
  private readonly dispatch: Koa.Middleware = async (ctx, next) => {
    if (/^\/printer\/[^/]+$/.test(ctx.path) && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      // the printer's status page: its relative links need the slash
      ctx.redirect(`${ctx.path}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    const path = normaliseRequestPath(ctx.path);
    if (path !== ctx.path) ctx.path = path;
    enterPrinterScope(ctx, this.printers);
    for (const { router, options } of [...this.mounted]) {
      if (router.match(ctx.path, ctx.method).route === false) continue;
      if (!options.public) {
        const principal = this.auth.authenticateRequest(ctx.headers, ctx.query);
        if (!principal) throw new HttpError(403, 'A valid API key or session is required');
        ctx.state.principal = principal;
        this.auth.authorize(ctx.method, ctx.path, principal);
      }
      await (router.routes() as Koa.Middleware)(ctx, next);
      return;
    }
    if (ctx.path.startsWith('/api/') && !this.auth.authenticateRequest(ctx.headers, ctx.query)) {
      throw new HttpError(403, 'A valid API key or session is required');
    }
    await next();
  };
}

function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
