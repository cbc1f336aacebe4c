/**
 * A printer's own port (`listen: 5002` in its `printers:` entry): an http.Server on that port (and
 * `server.host`) that serves the printer's whole OctoPrint surface at its root, for clients that
 * cannot take a path prefix. It runs no second application: each request and websocket upgrade is
 * handed to the main http.Server with its URL rewritten to `/printer/<id>` + url, so REST, SockJS,
 * downloads, app keys and the status page answer exactly as under the prefix. Ports follow the
 * registry (added, changed, removed printers); a port that cannot be listened on is logged with the
 * printer's id and reported by `problems()`, and the host goes on. With `server.tls` the port serves
 * HTTPS with the same certificate, and its answers' URLs follow the same rules as the main port's
 * (core/http/base-url.ts requestOrigin: trusted proxies' headers, server.publicUrl, allowedHosts).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { inject, injectable } from 'inversify';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { PrinterRegistry, type PrinterScope } from './printer-registry.js';
import { SettingsService } from '../settings/settings-service.js';
import { HttpServer, type TlsFiles } from '../http/http-server.js';
import { markListenPortRequest } from './printer-prefix.js';
import { serverSettings } from '../http/settings.js';
import { ownOrigin } from '../http/base-url.js';


/** A printer whose `listen` port is not served, and why. */
export interface ListenProblem {
  printer: string;
  port: number;
  error: string;
}

/** One printer's port. */
class PrinterPort {
  private readonly server: http.Server | https.Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly printer: string,
    readonly port: number,
    main: http.Server,
    tls: TlsFiles | undefined,
  ) {
    const path = `/printer/${printer}`;
    const rewrite = (req: http.IncomingMessage) => {
      markListenPortRequest(req);
      req.url = `${path}/${(req.url ?? '').replace(/^\/+/, '')}`;
    };
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
      rewrite(req);
      main.emit('request', req, res);
    };
    this.server = tls ? https.createServer(tls, handle) : http.createServer(handle);
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      rewrite(req);
      if (main.listenerCount('upgrade') === 0) socket.destroy();
      else main.emit('upgrade', req, socket, head);
    });
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    // upgraded sockets (websockets) are no longer the http.Server's: tracked here so that close ends them too
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** the port actually bound (differs from `port` only for 0) */
  get boundPort(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }

  listen(host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops listening and ends every connection, websockets included. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/** The printers' own ports, as they are served now. */
export interface PrinterListeners {
  /** The port a printer's surface is served at, when it is. */
  portOf(id: string): number | undefined;
  /** The printers whose `listen` port could not be listened on, and why. */
  problems(): ListenProblem[];
}
export const PrinterListeners = Symbol.for('cuttle.PrinterListeners');

@injectable()
export class DefaultPrinterListeners implements PrinterListeners, LifecycleContribution {
  readonly lifecycleName = 'printer-listeners';
  private readonly ports = new Map<string, PrinterPort>();
  private readonly failed = new Map<string, ListenProblem>();
  private readonly subscriptions = new DisposableStore();
  /** changes run one at a time: a printer changed twice quickly ends on its last port */
  private queue: Promise<unknown> = Promise.resolve();
  private running = false;
  private tls: TlsFiles | undefined;
  private readonly log: Logger;

  constructor(
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ service: 'printer-listeners' });
  }

  portOf(id: string): number | undefined {
    return this.ports.get(id)?.boundPort;
  }

  problems(): ListenProblem[] {
    return [...this.failed.values()];
  }

  async start(): Promise<void> {
    // the main port's certificate (read and checked once, at its start)
    this.tls = this.http.tls;
    this.running = true;
    this.subscriptions.add(this.printers.onDidAdd((scope) => this.sync(scope)));
    this.subscriptions.add(this.printers.onDidChange((scope) => this.sync(scope)));
    this.subscriptions.add(this.printers.onDidRemove((scope) => this.enqueue(() => this.close(scope.id))));
    await Promise.all(this.printers.list().map((scope) => this.sync(scope)));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.subscriptions.dispose();
    await this.enqueue(() => Promise.all([...this.ports.keys()].map((id) => this.close(id))));
    this.failed.clear();
  }

  /** Brings a printer's port in line with its entry (opened, moved, closed). */
  private sync(scope: PrinterScope): Promise<void> {
    return this.enqueue(async () => {
      const wanted = this.running && this.printers.get(scope.id) === scope ? scope.entry.listen : undefined;
      const current = this.ports.get(scope.id);
      if (current && current.port === wanted) return;
      await this.close(scope.id);
      if (wanted === undefined) return;
      await this.open(scope.id, wanted);
    });
  }

  private async open(id: string, port: number): Promise<void> {
    const listener = new PrinterPort(id, port, this.http.server, this.tls);
    const host = this.settings.of(serverSettings).get().host;
    try {
      await listener.listen(host);
    } catch (err) {
      const error = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${port} is already in use` : (err as Error).message;
      this.failed.set(id, { printer: id, port, error });
      this.log.error({ printer: id, port, host, ...errorInfo(err) }, `printer "${id}" is not served at its own port ${port}: ${error}`);
      return;
    }
    this.ports.set(id, listener);
    this.log.info({ printer: id, url: `${ownOrigin(host, listener.boundPort!, this.tls ? 'https' : 'http')}/` }, 'printer served at its own port');
  }

  private async close(id: string): Promise<void> {
    this.failed.delete(id);
    const listener = this.ports.get(id);
    if (!listener) return;
    this.ports.delete(id);
    await listener.close();
    this.log.info({ printer: id, port: listener.port }, 'printer no longer served at its own port');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<void> {
    const next = this.queue.then(task).then(
      () => undefined,
      (err: unknown) => this.log.error({ ...errorInfo(err) }, 'printer port change failed'),
    );
    this.queue = next;
    return next;
  }
}
