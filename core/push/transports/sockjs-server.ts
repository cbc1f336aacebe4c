/**
 * The SockJS endpoint at a prefix (OctoPrint: `/sockjs`): `info`, the websocket and http transports
 * of SockJS sessions, and the plain websocket at `<prefix>/websocket`. Knows nothing of the push hub:
 * it hands each new connection to `onConnection`, with the opaque `scope` its caller gave the request
 * (the push transport's: which printer; `/printer/<id>/sockjs` is the same endpoint in another scope,
 * and an http session belongs to the scope it was opened in).
 */
import { randomInt } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HttpSession, WebSocketConnection, type HttpReceiverKind, type SockJsConnection, type SockJsTimings } from './sockjs-protocol.js';

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

function urlPath(req: http.IncomingMessage): string {
  return (req.url ?? '').split('?')[0]!;
}

const SESSION_PATH = /^\/([^/.]+)\/([^/.]+)\/(websocket|xhr_streaming|xhr|xhr_send|eventsource|htmlfile|jsonp|jsonp_send)$/;
const CALLBACK = /^[a-zA-Z0-9_.]+$/;

const RECEIVERS: Record<string, { kind: HttpReceiverKind; method: string; callback: boolean }> = {
  xhr_streaming: { kind: 'xhr-streaming', method: 'POST', callback: false },
  xhr: { kind: 'xhr-polling', method: 'POST', callback: false },
  eventsource: { kind: 'eventsource', method: 'GET', callback: false },
  htmlfile: { kind: 'htmlfile', method: 'GET', callback: true },
  jsonp: { kind: 'jsonp-polling', method: 'GET', callback: true },
};

/** Where a request is in the endpoint when the caller has already read its path (e.g. stripped a prefix). */
export interface SockJsTarget {
  /** the path, starting with the prefix */
  path: string;
  scope: string;
}

export function remoteAddressOf(req: http.IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class SockJsServer {
  private readonly sessions = new Map<string, HttpSession>();
  private readonly wss: WebSocketServer;

  constructor(
    private readonly options: SockJsServerOptions,
    private readonly onConnection: (connection: SockJsConnection, scope: string) => void,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  }

  /** true when the path is under the prefix (the caller routes it here) */
  owns(url: string | undefined): boolean {
    const path = (url ?? '').split('?')[0]!;
    return path === this.options.prefix || path.startsWith(`${this.options.prefix}/`);
  }

  /** Answers an HTTP request under the prefix (info, http transports); `at`: its path and scope when not the URL's. */
  handleRequest(req: http.IncomingMessage, res: http.ServerResponse, at: SockJsTarget = { path: urlPath(req), scope: '' }): void {
    const path = at.path.slice(this.options.prefix.length) || '/';
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
    const key = `${at.scope}/${server}/${sessionId}`;
    if (transport === 'websocket') return this.text(res, 400, 'Can "Upgrade" only to "WebSocket".');
    if (transport === 'xhr_send' || transport === 'jsonp_send') {
      if (req.method !== 'POST') return this.text(res, 405, '');
      return this.receiveSend(req, res, this.sessions.get(key), transport === 'jsonp_send');
    }
    const receiver = RECEIVERS[transport]!;
    if (req.method !== receiver.method) return this.text(res, 405, '');
    const callback = new URL(req.url ?? '', 'http://x').searchParams.get('c') ?? '';
    if (receiver.callback && !callback) return this.text(res, 500, '"callback" parameter required');
    if (receiver.callback && !CALLBACK.test(callback)) return this.text(res, 500, 'invalid "callback" parameter');
    let session = this.sessions.get(key);
    if (!session) {
      session = new HttpSession(remoteAddressOf(req), this.options, () => this.sessions.delete(key));
      this.sessions.set(key, session);
      this.onConnection(session, at.scope);
    }
    session.attach(res, receiver.kind, callback);
  }

  /** Takes over an upgrade under the prefix; returns false for other paths. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, at: SockJsTarget = { path: urlPath(req), scope: '' }): boolean {
    if (!this.owns(at.path)) return false;
    const path = at.path.slice(this.options.prefix.length);
    const match = SESSION_PATH.exec(path);
    const framed = !!match && match[3] === 'websocket';
    if (!framed && path !== '/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.onConnection(new WebSocketConnection(ws, remoteAddressOf(req), framed, this.options.heartbeatMs), at.scope);
    });
    return true;
  }

  close(): void {
    for (const session of [...this.sessions.values()]) session.close(1001, 'Server shutting down');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  /** xhr_send (JSON body, 204) and jsonp_send (form field `d` or raw body, 200 "ok"). */
  private receiveSend(req: http.IncomingMessage, res: http.ServerResponse, session: HttpSession | undefined, jsonp: boolean): void {
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
      let body = Buffer.concat(chunks).toString('utf8');
      if (jsonp && /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) body = new URLSearchParams(body).get('d') ?? '';
      if (!body) return this.text(res, 500, 'Payload expected.');
      session.receive(body);
      if (jsonp) return this.text(res, 200, 'ok');
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
