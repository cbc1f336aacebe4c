/**
 * The koa application and node http.Server, at the top of the import graph: it mounts what the
 * services contribute and knows none of them. Order of middleware: JSON errors (never a stack
 * trace), CORS when enabled, path normalisation, the request contributions (core/printers' printer
 * prefix), then the route the table matches, behind the access it declares (core/http/route-table.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject, injectable } from 'inversify';
import Koa from 'koa';
import { Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import { errorStatus, HttpError } from '../http/http-error.js';
import { AuthService, type HttpServer, type TlsFiles } from '../http/http-server.js';
import '../http/principal.js';
import { RouteTable } from '../http/route-table.js';
import { chainMiddleware, RequestContributionProvider, type RequestContribution } from '../http/request-contribution.js';
import { ConnectionGate, ConnectionGateToken, GatedHttpServer, GatedHttpsServer } from '../http/connection-gate.js';
import { tlsOptions } from './tls-options.js';
import { canonicalRequestUrl, normaliseRequestPath } from '../http/request-path.js';
import { RouteContributionProvider, type DeclaredRoute, type HttpRoutes, type Routes } from '../http/routes.js';
import { serverSettings } from '../http/settings.js';
import { ownOrigin } from '../http/base-url.js';

@injectable()
export class KoaHttpServer implements HttpServer, HttpRoutes, LifecycleContribution {
  readonly lifecycleName = 'http';
  readonly app = new Koa();
  readonly server: http.Server;
  private readonly logger: Logger;
  private readonly routes: RouteTable;
  /** resolved at start, when every module is loaded */
  private requests: RequestContribution[] = [];
  private requestMiddleware: Koa.Middleware = (_ctx, next) => next();
  private listeningPort = 0;
  /** set when server.tls names a certificate: the server is an https one */
  readonly tls: TlsFiles | undefined;
  private readonly contributed: Disposable[] = [];

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(AuthService) private readonly auth: AuthService,
    @inject(Logger) logger: Logger,
    @inject(RouteContributionProvider) private readonly contributions: RouteContributionProvider,
    @inject(RequestContributionProvider) private readonly requestContributions: RequestContributionProvider,
    @inject(ConnectionGateToken) gate: ConnectionGate,
  ) {
    this.logger = logger.child({ service: 'http' });
    this.routes = new RouteTable(auth);
    this.app.proxy = false;
    this.app.use(this.errors);
    this.app.use(this.cors);
    this.app.use(this.dispatch);
    // errors koa could not answer (a client gone mid-request) and malformed HTTP go to the log, not stderr
    this.app.on('error', (err: unknown) => this.logger.debug(errorInfo(err), 'request ended with an error'));
    const handle = this.app.callback();
    // sloppily joined URLs are mapped onto the path meant before anything reads them (request-path.ts)
    const canonical = (path: string) => this.requests.reduce((p, c) => c.canonicalPath?.(p) ?? p, path);
    const listener: http.RequestListener = (req, res) => {
      req.url = canonicalRequestUrl(req.url ?? '/', canonical);
      void handle(req, res);
    };
    this.tls = tlsOptions(settings);
    this.server = this.tls ? new GatedHttpsServer(gate, this.tls, listener) : new GatedHttpServer(gate, listener);
    this.server.prependListener('upgrade', (req: http.IncomingMessage) => {
      req.url = canonicalRequestUrl(req.url ?? '/', canonical);
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
    return ownOrigin(this.settings.of(serverSettings).get().host, this.listeningPort, this.tls ? 'https' : 'http');
  }

  register(owner: string, install: (routes: Routes) => void): Disposable {
    return this.routes.add(owner, install);
  }

  table(): readonly DeclaredRoute[] {
    return this.routes.table();
  }

  match(method: string, path: string): DeclaredRoute | undefined {
    return this.routes.match(method, path);
  }

  async start(): Promise<void> {
    this.requests = this.requestContributions();
    this.requestMiddleware = chainMiddleware(this.requests.flatMap((c) => (c.middleware ? [c.middleware] : [])));
    for (const contribution of this.contributions()) {
      this.contributed.push(this.register(contribution.owner, (routes) => contribution.registerRoutes(routes)));
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
    const started = performance.now();
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
      ctx.body = status >= 500 ? { error: 'Internal server error' } : { ...(err instanceof HttpError ? err.fields : {}), error: (err as Error).message };
    }
    // an access log for finding out what a client or proxy sends (logging.levels: {http: debug})
    this.logger.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
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
   * Normalises the path (request-path.ts), runs the request contributions (core/printers strips a
   * `/printer/<id>` prefix), then the route the table matches, after the access it declares is
   * checked (route-table.ts).
   */
  private readonly dispatch: Koa.Middleware = async (ctx, next) => {
    const path = normaliseRequestPath(ctx.path);
    if (path !== ctx.path) ctx.path = path;
    await this.requestMiddleware(ctx, () => this.route(ctx, next));
  };

  private readonly route = async (ctx: Koa.Context, next: Koa.Next): Promise<void> => {
    await this.routes.middleware(ctx, async () => {
      // no route: the API does not tell who is not authenticated which paths exist
      if (ctx.path.startsWith('/api/') && !this.auth.authenticateRequest(ctx.headers, ctx.query)) {
        throw new HttpError(403, 'A valid API key or session is required');
      }
      await next();
    });
  };
}

function statusOf(err: unknown): number {
  return errorStatus(err) ?? 500;
}
