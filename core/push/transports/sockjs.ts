/**
 * The SockJS transport (OctoPrint's push socket): SockJS at `/sockjs` and the plain websocket at
 * `/sockjs/websocket`, as an adapter over the push hub. Each connection is one printer's view
 * (view.ts): `/sockjs` the first printer's, `/printer/<id>/sockjs` (and `…/sockjs/websocket`)
 * printer `<id>`'s, an unknown id 404. The koa dispatcher strips `/printer/<id>` from the http
 * transports' requests (core/printers/printer-prefix.ts); websocket upgrades come to the node server directly, so
 * their prefix is read here. A connection gets `connected` at once and
 * nothing else until `{"auth": "name:session"}` (a session from `/api/login`) succeeds; a bad one
 * gets `reauthRequired`. Access is re-checked whenever auth says it may have changed (revoked key,
 * deleted user, expired session): the socket is then asked to re-authenticate and gets nothing more.
 * Each message is encoded once (JSON text, websocket frames built on first use) for all connections.
 */
import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { AuthManager, type AuthPrincipal } from '../../auth/api.js';
import { PERMISSIONS } from '../../auth/permissions.js';
import { hasPermissions } from '../../http/principal.js';
import { DisposableStore } from '../../common/disposable.js';
import { errorInfo, Logger } from '../../logging/logger.js';
import { UntrustedLog } from '../../logging/untrusted-log.js';
import { PrinterRegistry } from '../../printers/printer-registry.js';
import { HttpServer } from '../../http/http-server.js';
import { normaliseRequestPath } from '../../http/request-path.js';
import { printerNamed, splitPrinterPath } from '../../printers/printer-prefix.js';
import { SettingsService } from '../../settings/settings-service.js';
import type { PushEncoder, PushLink, PushMessage } from '../message.js';
import type { PushConnection, PushEndpoint, PushTransportContribution } from '../transport.js';
import { printerView } from '../view.js';
import { SockJsFrame, type SockJsConnection } from './sockjs-protocol.js';
import { useWireInternals } from './wire-internals.js';
import { DEFAULT_SOCKJS_OPTIONS, SockJsServer, type SockJsServerOptions, type SockJsTarget } from './sockjs-server.js';
import { HttpRoutes } from '../../http/routes.js';
import { serverSettings } from '../../http/settings.js';
import { pushSettings } from '../settings.js';
import { apiSettings } from '../../auth/settings.js';

class SockJsLink implements PushLink<SockJsFrame> {
  constructor(
    readonly encoder: PushEncoder<SockJsFrame>,
    private readonly connection: SockJsConnection,
  ) {}

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  write(frames: SockJsFrame[], flushed: () => void): void {
    this.connection.send(frames, flushed);
  }

  close(reason: string): void {
    this.connection.close(3000, reason);
  }
}

function md5(value: unknown): string {
  return createHash('md5').update(JSON.stringify(value)).digest('hex');
}

@injectable()
export class SockJsTransport implements PushTransportContribution, PushEncoder<SockJsFrame> {
  readonly id = 'sockjs';
  /** tunable before attach (tests shorten the heartbeat) */
  readonly options: Omit<SockJsServerOptions, 'cors'> = { ...DEFAULT_SOCKJS_OPTIONS };
  private server: SockJsServer | undefined;
  private readonly clients = new Set<PushConnection>();
  private readonly disposables = new DisposableStore();

  constructor(
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
  ) {
    this.untrusted = new UntrustedLog(logger);
  }

  /** lines about clients that have not authenticated (yet) */
  private readonly untrusted: UntrustedLog;

  encode(message: PushMessage): SockJsFrame {
    const data = message.type === 'connected' ? this.connectedData(message.data as Record<string, unknown>) : message.data;
    return new SockJsFrame(JSON.stringify({ [message.type]: data }));
  }

  attach(hub: PushEndpoint): void {
    // the same check the socket.io transport makes (idempotent): pre-encoded frames only when verified
    useWireInternals(this.settings.of(pushSettings).get().wireInternals);
    const server = new SockJsServer({ ...this.options, cors: () => this.settings.of(serverSettings).get().cors.enabled }, (conn, printer) => this.open(hub, conn, printer));
    this.server = server;
    const prefix = this.options.prefix;
    this.disposables.add(
      this.routes.register('push/sockjs', (routes) => {
        // SockJS authenticates in its own protocol (the `auth` message), as OctoPrint's does
        for (const path of [prefix, `${prefix}/info`, `${prefix}/:server/:session/:transport`]) {
          routes.all(path, 'public', (ctx) => {
            ctx.respond = false;
            // core/printers' prefix middleware has stripped `/printer/<id>` and set the printer (the first one for `/sockjs`)
            server.handleRequest(ctx.req, ctx.res, { path: ctx.path, scope: ctx.state.printer?.id ?? '' });
          });
        }
      }),
    );
    const onUpgrade = (req: Parameters<SockJsServer['handleUpgrade']>[0], socket: Parameters<SockJsServer['handleUpgrade']>[1], head: Buffer) => {
      const target = this.upgradeTarget(server, req.url ?? '');
      if (target === 'no printer') socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      else if (target) server.handleUpgrade(req, socket, head, target);
    };
    this.http.server.on('upgrade', onUpgrade);
    this.disposables.add({ dispose: () => this.http.server.off('upgrade', onUpgrade) });
    this.disposables.add(this.auth.onDidChangeAccess(() => this.recheckAccess()));
  }

  detach(): void {
    this.disposables.dispose();
    this.server?.close();
    this.server = undefined;
    this.clients.clear();
  }

  /**
   * Which endpoint and printer an upgrade is for: `/sockjs/…` the first printer's, `/printer/<id>/sockjs/…`
   * printer `<id>`'s; 'no printer' for an unknown id; undefined for paths that are not SockJS (socket.io's).
   */
  private upgradeTarget(server: SockJsServer, url: string): SockJsTarget | 'no printer' | undefined {
    const path = normaliseRequestPath(url.split('?')[0]!);
    const scoped = splitPrinterPath(path);
    if (!scoped) return server.owns(path) ? { path, scope: this.printers.first()?.id ?? '' } : undefined;
    if (!server.owns(scoped.rest)) return undefined;
    const printer = printerNamed(this.printers, scoped.id);
    return printer ? { path: scoped.rest, scope: printer.id } : 'no printer';
  }

  private open(hub: PushEndpoint, conn: SockJsConnection, printer: string): void {
    if (printer !== '' && !this.printers.get(printer)) {
      // removed between the request's routing and now
      conn.close(3000, 'printer removed');
      return;
    }
    const client = hub.connect(new SockJsLink(this, conn), printerView(printer));
    this.clients.add(client);
    conn.onClose(() => {
      this.clients.delete(client);
      client.closed();
    });
    conn.onGarbled((text) => this.clientNoise(client).warn({ client: client.info.id, frame: text }, 'ignored a garbled push frame'));
    conn.onMessage((text) => {
      try {
        this.onClientMessage(client, text);
      } catch (err) {
        this.logger.warn({ client: client.info.id, ...errorInfo(err) }, 'push client message failed');
      }
    });
  }

  /** One client message: `{"auth": …}`, `{"subscribe": …}`, `{"throttle": n}`; anything else is logged and ignored. */
  private onClientMessage(client: PushConnection, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.clientNoise(client).warn({ client: client.info.id, message: text }, 'ignored a push message that is not JSON');
      return;
    }
    if (!message || typeof message !== 'object' || Array.isArray(message)) {
      this.clientNoise(client).warn({ client: client.info.id, message: text }, 'ignored a push message that is not an object');
      return;
    }
    for (const [type, data] of Object.entries(message)) {
      if (type === 'auth') this.authenticate(client, data);
      else if (!client.authenticated) this.untrusted.debug({ client: client.info.id, type }, 'ignored a push message before auth');
      else client.receive(type, data);
    }
  }

  /** What a client sends before it has authenticated is the world's to write: logged capped in size and rate. */
  private clientNoise(client: PushConnection): Logger | UntrustedLog {
    return client.authenticated ? this.logger : this.untrusted;
  }

  private authenticate(client: PushConnection, data: unknown): void {
    const text = typeof data === 'string' ? data : '';
    const colon = text.indexOf(':');
    const principal = colon > 0 ? this.auth.authenticateSession(text.slice(0, colon), text.slice(colon + 1)) : null;
    if (!principal || !hasPermissions(principal, ['STATUS'])) {
      this.untrusted.info({ client: client.info.id, user: colon > 0 ? text.slice(0, colon) : undefined }, 'push socket auth refused');
      client.deauthenticate('stale');
      return;
    }
    // a connection that is already streaming only takes the new principal
    client.authenticate(principal);
  }

  private recheckAccess(): void {
    for (const client of this.clients) {
      const principal = client.principal as AuthPrincipal | null;
      if (principal && !this.auth.stillValid(principal)) client.deauthenticate('removed');
    }
  }

  /** OctoPrint's `connected` keys on top of the hub's: the permission catalogue and the hashes clients compare. */
  private connectedData(data: Record<string, unknown>): Record<string, unknown> {
    return {
      ...data,
      plugin_hash: md5(data['plugins'] ?? []),
      config_hash: md5([data['version'], this.settings.of(apiSettings).get().requireKey, this.settings.of(serverSettings).get().cors.enabled]),
      debug: data['debug'] ?? false,
      safe_mode: data['safe_mode'] ?? null,
      online: data['online'] ?? null,
      permissions: PERMISSIONS,
    };
  }
}
