/**
 * Moonraker's websocket: `/websocket` at the main port's root (the first printer), at
 * `/printer/<id>/websocket`, and so at the root of each printer's own port (which hands its upgrades
 * to the main server under that prefix). An upgrade without a key, session, one-shot token or trusted
 * address is taken, as Moonraker takes it, but signed out (rpc.ts NOT_SIGNED_IN): it may only sign in
 * (identify with `access_token`/`api_key`, `access.login`), gets 401 for anything else and no
 * notification, and is capped in number, message size and time. Each connection is one printer's: JSON-RPC calls, its subscription's
 * `notify_status_update`, console lines, klippy state and file list changes, and a
 * `notify_proc_stat_update` every 2 s (clients reconnect when 10 s pass without a message).
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { inject, injectable } from 'inversify';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthManager, type AuthPrincipal } from '../auth/api.js';
import { DisposableStore, type Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { HttpServer, type Principal } from '../http/http-server.js';
import { normaliseRequestPath } from '../http/request-path.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { printerNamed, splitPrinterPath } from '../printers/printer-prefix.js';
import { PrinterRegistry, type PrinterScope } from '../printers/printer-registry.js';
import { SettingsService } from '../settings/settings-service.js';
import { MoonrakerAccess } from './access.js';
import { RpcDispatcher } from './dispatcher.js';
import { pick, type PrinterFeed, type StatusChange } from './printer-feed.js';
import { MoonrakerPrinters } from './printers.js';
import { procStats } from './proc-stats.js';
import { NOT_SIGNED_IN, RpcMethodProvider, type RpcMethod, type RpcSession } from './rpc.js';
import { moonrakerSettings } from './settings.js';

const PROC_STAT_INTERVAL_MS = 2_000;
/** a message larger than this closes the socket (1009): a batch of 10 000 small requests still fits */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** messages a client may have running at once; past that its socket is not read until they end (TCP holds the rest) */
const MAX_PENDING = 64;
/** sockets open without a credential at once, host-wide (each is a login page waiting); more get 503 */
const MAX_SIGNED_OUT = 32;
/** a socket that has not signed in by then is closed (4001): a login page reconnects when it needs to */
const SIGN_IN_DEADLINE_MS = 60_000;
/** the largest message a signed-out socket may send (a login is a few hundred bytes); larger closes it (1009) */
const MAX_SIGNED_OUT_MESSAGE = 16 * 1024;
/**
 * what a client may leave unread before it is dropped: each answer and notification is kept until the
 * client reads it, so one that never reads (a batch of a thousand small calls fetches megabytes) grew
 * the host's memory without end. Far above what a reading client has in flight on a slow link.
 */
const MAX_UNREAD_BYTES = 16 * 1024 * 1024;
/** the same for a socket not signed in: a login exchange is a few kB, and 32 such sockets at 16 MiB each were half a gigabyte */
const MAX_SIGNED_OUT_UNREAD_BYTES = 256 * 1024;

export interface ClientInfo {
  client_name: string;
  version: string;
  type: string;
  url: string;
}

/** One websocket client. */
class MoonrakerClient implements RpcSession {
  identity: ClientInfo | null = null;
  private wanted = new Map<string, string[] | null>();
  /** the subscription as text: clients with the same one share each update's encoding */
  private signature = '';
  private watching: Disposable | undefined;
  private readonly subscriptions = new DisposableStore();
  private signInDeadline: NodeJS.Timeout | undefined;
  pending = 0;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly feed: PrinterFeed,
    public principal: Principal,
    readonly address: string,
  ) {
    if (!this.signedIn) {
      this.signInDeadline = setTimeout(() => this.ws.close(4001, 'Unauthorized: not signed in in time'), SIGN_IN_DEADLINE_MS);
      this.signInDeadline.unref();
    }
    this.subscriptions.add(feed.onStatusChanged((change) => this.statusChanged(change)));
    this.subscriptions.add(feed.onGcodeResponse((line) => this.notify('notify_gcode_response', [line])));
    this.subscriptions.add(
      feed.onKlippyState((state) => {
        this.notify(`notify_klippy_${state}`, []);
      }),
    );
  }

  identify(info: ClientInfo): void {
    this.identity = info;
  }

  authenticate(principal: Principal): void {
    this.principal = principal;
    clearTimeout(this.signInDeadline);
  }

  /** false until a socket opened without a credential signs in: it hears nothing of the printer */
  get signedIn(): boolean {
    return this.principal !== NOT_SIGNED_IN;
  }

  subscribe(objects: Record<string, string[] | null>): void {
    this.wanted = new Map(Object.entries(objects));
    this.signature = JSON.stringify([...this.wanted].sort(([a], [b]) => (a < b ? -1 : 1)));
    if (this.wanted.size > 0) this.watching ??= this.feed.watch();
    else {
      this.watching?.dispose();
      this.watching = undefined;
    }
  }

  private statusChanged({ changes, eventtime, encoded }: StatusChange): void {
    if (this.wanted.size === 0 || !this.signedIn) return;
    let text = encoded.get(this.signature);
    if (text === undefined) {
      const mine = pick(changes, this.wanted);
      text = Object.keys(mine).length > 0 ? JSON.stringify({ jsonrpc: '2.0', method: 'notify_status_update', params: [mine, eventtime] }) : null;
      encoded.set(this.signature, text);
    }
    if (text !== null) this.write(text);
  }

  /** A notification; one without parameters has no `params` at all, as Moonraker sends it (KlipperScreen reads `params[0]` whenever the key is there). */
  notify(method: string, params: unknown[]): void {
    if (!this.signedIn) return;
    this.send(params.length > 0 ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method });
  }

  send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.write(JSON.stringify(message));
  }

  /** every message out goes here: a client too far behind is dropped (it reconnects when it reads again) */
  private write(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > (this.signedIn ? MAX_UNREAD_BYTES : MAX_SIGNED_OUT_UNREAD_BYTES)) this.ws.terminate();
    else this.ws.send(text);
  }

  dispose(): void {
    clearTimeout(this.signInDeadline);
    this.watching?.dispose();
    this.subscriptions.dispose();
  }
}

@injectable()
export class MoonrakerWebsocket implements LifecycleContribution {
  readonly lifecycleName = 'moonraker-websocket';
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  private readonly clients = new Set<MoonrakerClient>();
  private readonly disposables = new DisposableStore();
  private dispatcher: RpcDispatcher | undefined;
  private nextId = 1;
  private procTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(PrinterRegistry) private readonly registry: PrinterRegistry,
    @inject(MoonrakerPrinters) private readonly printers: MoonrakerPrinters,
    @inject(MoonrakerAccess) private readonly access: MoonrakerAccess,
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(RpcMethodProvider) private readonly contributions: RpcMethodProvider,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ service: 'moonraker' });
  }

  /** runs methods for the HTTP forms (routes.ts); undefined before start */
  get methods(): RpcDispatcher | undefined {
    return this.dispatcher;
  }

  /** the open connections (server.info's websocket_count) */
  get connectionCount(): number {
    return this.clients.size;
  }

  start(): void {
    const methods = new Map<string, RpcMethod>();
    for (const contribution of this.contributions()) for (const [name, method] of Object.entries(contribution.methods())) methods.set(name, method);
    this.dispatcher = new RpcDispatcher(methods, (method, err) => this.log.error({ method, ...errorInfo(err) }, 'moonraker method failed'));
    const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);
    this.http.server.on('upgrade', onUpgrade);
    this.disposables.add({ dispose: () => this.http.server.off('upgrade', onUpgrade) });
    this.disposables.add(this.auth.onDidChangeAccess(() => this.recheckAccess()));
    this.disposables.add(this.registry.onDidRemove((scope) => this.closePrinter(scope.id)));
    this.procTimer = setInterval(() => this.sendProcStats(), PROC_STAT_INTERVAL_MS);
    this.procTimer.unref();
  }

  stop(): void {
    clearInterval(this.procTimer);
    this.disposables.dispose();
    for (const client of this.clients) client.ws.terminate();
    this.wss.close();
  }

  /** `/websocket` (the first printer) or `/printer/<id>/websocket`; other upgrades are not ours */
  private printerOf(url: string): PrinterScope | 'no printer' | undefined {
    const path = normaliseRequestPath(url.split('?')[0]!);
    if (path === '/websocket') return this.registry.first() ?? 'no printer';
    const scoped = splitPrinterPath(path);
    if (!scoped || scoped.rest !== '/websocket') return undefined;
    return printerNamed(this.registry, scoped.id) ?? 'no printer';
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    const printer = this.printerOf(url);
    if (printer === undefined) return;
    if (!this.settings.of(moonrakerSettings).get().enabled || printer === 'no printer') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    const principal = this.access.principalOf(req, query) ?? NOT_SIGNED_IN;
    if (principal === NOT_SIGNED_IN && this.signedOutCount() >= MAX_SIGNED_OUT) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nToo many connections waiting to sign in');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, printer, principal, this.access.clientAddress(req)));
  }

  private open(ws: WebSocket, scope: PrinterScope, principal: Principal, address: string): void {
    const feed = this.printers.feed(scope.id);
    if (!feed) {
      ws.close(1011, 'printer removed');
      return;
    }
    const client = new MoonrakerClient(this.nextId++, ws, feed, principal, address);
    this.clients.add(client);
    ws.on('close', () => {
      this.clients.delete(client);
      client.dispose();
    });
    ws.on('error', (err) => this.log.debug({ client: client.id, ...errorInfo(err) }, 'moonraker websocket error'));
    // read after a pause: the socket's already buffered messages, run in order as calls end
    const waiting: string[] = [];
    const run = (text: string) => {
      client.pending++;
      void this.dispatcher!.handle(text, { printer: scope, principal: client.principal, connectionId: client.id, address: client.address, session: client })
        .then((answer) => answer && client.send(answer))
        .catch((err: unknown) => this.log.error({ ...errorInfo(err) }, 'moonraker message failed'))
        .finally(() => {
          client.pending--;
          const next = waiting.shift();
          // in a later turn of the event loop, as a batch's calls are (dispatcher.ts)
          if (next !== undefined) setImmediate(run, next);
          else if (ws.isPaused) ws.resume();
        });
    };
    ws.on('message', (data, isBinary) => {
      if (!client.signedIn && (data as Buffer).length > MAX_SIGNED_OUT_MESSAGE) return ws.close(1009, 'Message too big before sign-in');
      if (isBinary) return client.send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: binary frame' } });
      if (client.pending < MAX_PENDING) return run(data.toString());
      // a client calling faster than its calls end is slowed, not refused: an error without its request's id left
      // that request unanswered for the client (Moonraker answers every one)
      ws.pause();
      waiting.push(data.toString());
    });
  }

  private signedOutCount(): number {
    let count = 0;
    for (const client of this.clients) if (!client.signedIn) count++;
    return count;
  }

  /** notify_proc_stat_update to everyone: the host's figures, and the heartbeat clients wait for */
  private sendProcStats(): void {
    if (this.clients.size === 0) return;
    const stats = procStats(this.clients.size);
    for (const client of this.clients) client.notify('notify_proc_stat_update', [stats]);
  }

  /** Tells every client of the printer that its file list changed (an upload, a move, a deletion). */
  broadcast(printer: string | null, method: string, params: unknown[]): void {
    for (const client of this.clients) if (printer === null || client.feed.scope.id === printer) client.notify(method, params);
  }

  private recheckAccess(): void {
    for (const client of this.clients) {
      const principal = client.principal as AuthPrincipal;
      if ((principal.via === 'apikey' || principal.via === 'session') && !this.auth.stillValid(principal)) client.ws.close(4001, 'access revoked');
    }
  }

  private closePrinter(id: string): void {
    for (const client of this.clients) if (client.feed.scope.id === id) client.ws.close(1001, 'printer removed');
  }
}

