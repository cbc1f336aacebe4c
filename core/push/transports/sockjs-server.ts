/**
 * The SockJS endpoint at a prefix (OctoPrint: `/sockjs`): `info`, the websocket and http transports
 * of SockJS sessions, and the plain websocket at `<prefix>/websocket`. Knows nothing of the push hub:
 * it hands each new connection to `onConnection`.
 */
import { randomInt } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HttpSession, WebSocketConnection, type SockJsConnection, type SockJsTimings } from './sockjs-protocol.js';

export interface SockJsServerOptions extends SockJsTimings {
  prefix: string;
  /** largest client message (websocket frame or xhr_send body); bigger closes only that connection */
  maxMessageBytes: number;
  /** allow cross-origin http transports (config server.cors.enabled) */
  cors: () => boolean;
}

export const DEFAULT_SOCKJS_OPTIONS: Omit<SockJsServerOptions, 'cors'> = {
  prefix: '/sockjs',
  heartbeatMs: 25_000,
  disconnectDelayMs: 5_000,
  responseLimit: 128 * 1024,
  maxMessageBytes: 64 * 1024,
};

const SESSION_PATH = /^\/([^/.]+)\/([^/.]+)\/(websocket|xhr_streaming|xhr|xhr_send|eventsource)$/;

export function remoteAddressOf(req: http.IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class SockJsServer {
  private readonly sessions = new Map<string, HttpSession>();
  private readonly wss: WebSocketServer;

  constructor(
    private readonly options: SockJsServerOptions,
    private readonly onConnection: (connection: SockJsConnection) => void,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  }

  /** true when the path is under the prefix (the caller routes it here) */
  owns(url: string | undefined): boolean {
    const path = (url ?? '').split('?')[0]!;
    return path === this.options.prefix || path.startsWith(`${this.options.prefix}/`);
  }

  /** Answers an HTTP request under the prefix (info, http transports). */
  handleRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!.slice(this.options.prefix.length) || '/';
    this.corsHeaders(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'OPTIONS, GET, POST', 'Cache-Control': 'public, max-age=31536000' });
      res.end();
      return;
    }
    if (path === '/' && req.method === 'GET') return this.text(res, 200, 'Welcome to SockJS!\n');
    if (path === '/info' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'no-store, no-cache, no-transform, must-revalidate, max-age=0' });
      res.end(JSON.stringify({ websocket: true, origins: ['*:*'], cookie_needed: false, entropy: randomInt(2 ** 32 - 1) }));
      return;
    }
    const match = SESSION_PATH.exec(path);
    if (!match) return this.text(res, 404, 'Not found');
    const [, server, sessionId, transport] = match as unknown as [string, string, string, string];
    const key = `${server}/${sessionId}`;
    if (transport === 'websocket') return this.text(res, 400, 'Can "Upgrade" only to "WebSocket".');
    if (transport === 'xhr_send') {
      if (req.method !== 'POST') return this.text(res, 405, '');
      return this.xhrSend(req, res, this.sessions.get(key));
    }
    const kind = transport === 'xhr_streaming' ? 'xhr-streaming' : transport === 'xhr' ? 'xhr-polling' : 'eventsource';
    if ((kind === 'eventsource') !== (req.method === 'GET')) return this.text(res, 405, '');
    let session = this.sessions.get(key);
    if (!session) {
      session = new HttpSession(remoteAddressOf(req), this.options, () => this.sessions.delete(key));
      this.sessions.set(key, session);
      this.onConnection(session);
    }
    session.attach(res, kind);
  }

  /** Takes over an upgrade under the prefix; returns false for other paths. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!this.owns(req.url)) return false;
    const path = (req.url ?? '').split('?')[0]!.slice(this.options.prefix.length);
    const match = SESSION_PATH.exec(path);
    const framed = !!match && match[3] === 'websocket';
    if (!framed && path !== '/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.onConnection(new WebSocketConnection(ws, remoteAddressOf(req), framed, this.options.heartbeatMs));
    });
    return true;
  }

  close(): void {
    for (const session of [...this.sessions.values()]) session.close(1001, 'Server shutting down');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private xhrSend(req: http.IncomingMessage, res: http.ServerResponse, session: HttpSession | undefined): void {
    if (!session) return this.text(res, 404, 'Not found');
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > this.options.maxMessageBytes) {
        refused = true;
        this.text(res, 413, 'Message too big.');
        session.close(1009, 'Message too big');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks).toString('utf8');
      if (!body) return this.text(res, 500, 'Payload expected.');
      session.receive(body);
      res.writeHead(204, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end();
    });
  }

  private corsHeaders(req: http.IncomingMessage, res: http.ServerResponse): void {
    const origin = req.headers.origin;
    if (!origin || !this.options.cors()) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
    const headers = req.headers['access-control-request-headers'];
    if (headers) res.setHeader('Access-Control-Allow-Headers', headers);
  }

  private text(res: http.ServerResponse, status: number, body: string): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8' });
    res.end(body);
  }
}
