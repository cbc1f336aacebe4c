/**
 * The socket.io transport: a socket.io server on the shared HttpServer. Authentication happens in
 * the handshake (`auth: { apikey, lastSeq?, printers? }`), so a refused client gets `connect_error` and no data.
 * A client at the root (`/socket.io/`) has the farm view (view.ts): every printer's messages, keyed by
 * `printer`; one under a printer's prefix (`/printer/<id>/socket.io/`, as at that printer's own port)
 * has that printer's view, as its SockJS has.
 * Each message is encoded once per broadcast (socket.io packet string plus the websocket frame
 * precomputed, as socket.io's own broadcast does) and written to each connection's engine.io socket.
 * Client messages: `subscribe` and `throttle` events. The key must carry the STATUS permission; when
 * auth says access changed (revoked key, deleted user, expired session) sockets that lost it are
 * disconnected (their reconnect is then refused). With `push.redis.url` it also joins the cluster
 * (cluster.ts).
 */
import { inject, injectable, optional } from 'inversify';
import { AuthManager, type AuthPrincipal } from '../../auth/api.js';
import { hasPermissions } from '../../http/principal.js';
import { DisposableStore } from '../../common/disposable.js';
import { Server, type Socket } from 'socket.io';
import { errorInfo, Logger } from '../../logging/logger.js';
import { AuthService, HttpServer, type Principal } from '../../http/http-server.js';
import { SettingsService } from '../../settings/settings-service.js';
import { joinCluster, type Cluster } from './cluster.js';
import type { PushEncoder, PushLink, PushMessage } from '../message.js';
import type { PushEndpoint, PushTransportContribution } from '../transport.js';
import { FARM_BATCHED_VIEW, FARM_VIEW, printerView } from '../view.js';
import type http from 'node:http';
import { printerNamed } from '../../printers/printer-prefix.js';
import { PrinterRegistry } from '../../printers/printer-registry.js';
import { rawSocketOf, textFrame, useWireInternals, wireInternalsEnabled } from './wire-internals.js';
import { pushSettings } from '../settings.js';

/**
 * One message encoded for socket.io. With the wire internals on it is kept as bytes only: a frame
 * is cached with its message for a tick, and a `current` packet as a string (logs and all) outlived
 * scavenges and was copied with the rest of the young generation.
 */
export class SocketIoFrame {
  /** the same as a complete websocket text frame (header and payload buffers), when the wire internals are on */
  readonly wsFrame: Buffer[] | undefined;
  private text: string | undefined;
  private readonly payload: Buffer | undefined;

  constructor(packet: string) {
    // "4" is engine.io's message type; the frame is what ws would build, built once
    const payload = wireInternalsEnabled() ? Buffer.from('4' + packet) : undefined;
    this.wsFrame = payload && textFrame(payload);
    if (this.wsFrame) this.payload = payload;
    else this.text = packet;
  }

  /** the socket.io packet (engine.io message payload) */
  get packet(): string {
    return (this.text ??= this.payload!.toString('utf8', 1));
  }
}

/** Largest client message accepted; a bigger one closes only that socket. */
const MAX_CLIENT_MESSAGE = 64 * 1024;

const ANONYMOUS: Principal = { name: 'anonymous', admin: false, groups: ['guests'], permissions: ['STATUS'], via: 'anonymous' };

export function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

const EMPTY = Buffer.alloc(0);
/** `/printer/<id>/socket.io/<rest>` (slashes doubled by a sloppy client allowed) */
const SCOPED_SOCKET_IO = /^\/+printer\/([^/?]+)\/+socket\.io\/(.*)$/;


class SocketIoLink implements PushLink<SocketIoFrame> {
  constructor(
    readonly encoder: PushEncoder<SocketIoFrame>,
    private readonly socket: Socket,
  ) {}

  get remoteAddress(): string {
    return plainAddress(this.socket.handshake.address);
  }

  write(frames: SocketIoFrame[], flushed: () => void): void {
    const conn = this.socket.conn;
    const raw = frames[0]?.wsFrame ? rawSocketOf(conn) : undefined;
    if (raw) {
      // all frames in one writev, no per-frame engine.io bookkeeping; whole frames keep engine.io's
      // own writes (pings) intact between them
      raw.cork();
      for (const frame of frames) for (const part of frame.wsFrame!) raw.write(part);
      raw.write(EMPTY, () => flushed());
      raw.uncork();
      return;
    }
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) {
      const frame = frames[i]!;
      const options = frame.wsFrame ? ({ wsPreEncodedFrame: frame.wsFrame } as { compress?: boolean }) : {};
      conn.write(frame.packet, options, i === last ? flushed : undefined);
    }
  }

  close(): void {
    this.socket.disconnect(true);
  }
}

@injectable()
export class SocketIoTransport implements PushTransportContribution, PushEncoder<SocketIoFrame> {
  readonly id = 'socket.io';
  private io: Server | undefined;
  private cluster: Cluster | undefined;
  private readonly disposables = new DisposableStore();
  /** handshake requests that came under a printer's prefix, and its id */
  private readonly printerOfRequest = new WeakMap<http.IncomingMessage, string>();

  constructor(
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(AuthService) private readonly auth: AuthService,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
    @inject(AuthManager) @optional() private readonly accounts?: AuthManager,
    @inject(PrinterRegistry) @optional() private readonly printers?: PrinterRegistry,
  ) {}

  encode(message: PushMessage): SocketIoFrame {
    // socket.io-parser's encoding of an EVENT packet (type 2) on the main namespace, no ack id
    return new SocketIoFrame('2' + JSON.stringify([message.type, message.data]));
  }

  async attach(hub: PushEndpoint): Promise<void> {
    const internalsOff = useWireInternals(this.settings.of(pushSettings).get().wireInternals);
    if (internalsOff) this.logger.info({ reason: internalsOff }, 'push: frames go through the public socket.io/ws API');
    const io = new Server(this.http.server, { serveClient: true, maxHttpBufferSize: MAX_CLIENT_MESSAGE, perMessageDeflate: false });
    this.io = io;
    // after socket.io's own listeners are in place (it replaces the server's `request` listeners), and ahead of them
    const scoped = (req: http.IncomingMessage) => this.enterPrinterPath(req);
    this.http.server.prependListener('request', scoped);
    this.http.server.prependListener('upgrade', scoped);
    this.disposables.add({ dispose: () => (this.http.server.off('request', scoped), this.http.server.off('upgrade', scoped)) });
    io.use((socket, next) => {
      const principal = this.authenticate(socket.handshake.auth as Record<string, unknown>);
      if (!principal) {
        const refused = new Error('Forbidden') as Error & { data: object };
        refused.data = { status: 403, error: 'A valid API key or session is required' };
        next(refused);
        return;
      }
      socket.data.principal = principal;
      next();
    });
    io.on('connection', (socket) => this.open(hub, socket));
    if (this.accounts) {
      const accounts = this.accounts;
      this.disposables.add(
        accounts.onDidChangeAccess(() => {
          for (const socket of io.of('/').sockets.values()) {
            const principal = socket.data.principal as AuthPrincipal;
            if (principal.via !== 'anonymous' && !accounts.stillValid(principal)) socket.disconnect(true);
          }
        }),
      );
    }
    const url = this.settings.of(pushSettings).get().redis.url;
    if (url) this.cluster = await joinCluster(io, hub, url, this.logger);
  }

  async detach(): Promise<void> {
    const io = this.io;
    this.io = undefined;
    if (!io) return;
    this.disposables.dispose();
    io.disconnectSockets(true);
    // not io.close(): that would close the shared HTTP server, which the server service owns
    io.engine.close();
    await this.cluster?.leave();
  }

  /**
   * `/printer/<id>/socket.io/…` is socket.io at printer `<id>`'s base: the URL is made `/socket.io/…`
   * (socket.io serves one path) and the request remembered as that printer's. An unknown printer's
   * is left as it is: the server answers it 404.
   */
  private enterPrinterPath(req: http.IncomingMessage): void {
    const match = SCOPED_SOCKET_IO.exec(req.url ?? '');
    if (!match || !this.printers || !printerNamed(this.printers, match[1]!)) return;
    this.printerOfRequest.set(req, match[1]!);
    req.url = `/socket.io/${match[2]}`;
  }

  private open(hub: PushEndpoint, socket: Socket): void {
    const printer = this.printerOfRequest.get(socket.request);
    if (printer !== undefined && !this.printers?.get(printer)) {
      // removed between the handshake and now
      socket.disconnect(true);
      return;
    }
    const batched = (socket.handshake.auth as Record<string, unknown>)['batch'] === true;
    const client = hub.connect(new SocketIoLink(this, socket), printer !== undefined ? printerView(printer) : batched ? FARM_BATCHED_VIEW : FARM_VIEW);
    socket.on('disconnect', () => client.closed());
    socket.onAny((type: string, data: unknown) => {
      try {
        client.receive(type, data);
      } catch (err) {
        this.logger.warn({ client: client.info.id, ...errorInfo(err) }, 'push client message failed');
      }
    });
    const auth = socket.handshake.auth as Record<string, unknown>;
    // `printers` in the handshake narrows the view from the start, so a resume replays only those printers' events
    if (auth['printers'] !== undefined) client.receive('subscribe', { state: true, events: true, plugins: true, printers: auth['printers'] });
    const lastSeq = Number(auth['lastSeq']);
    client.authenticate(socket.data.principal as Principal, Number.isInteger(lastSeq) && lastSeq >= 0 ? lastSeq : undefined);
  }

  private authenticate(auth: Record<string, unknown>): Principal | null {
    const key = typeof auth['apikey'] === 'string' ? auth['apikey'] : typeof auth['session'] === 'string' ? auth['session'] : '';
    const principal = key ? this.auth.authenticateKey(key) : null;
    if (principal) return hasPermissions(principal, ['STATUS']) ? principal : null;
    return this.auth.open && !key ? ANONYMOUS : null;
  }
}
