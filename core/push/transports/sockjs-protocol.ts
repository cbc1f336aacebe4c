/**
 * SockJS protocol (version 0.3, what sockjs-client 1.x and OctoPrint's server speak), transport-
 * independent of the push hub: frames (`o`, `h`, `a[...]`, `c[code,"reason"]`), the websocket,
 * xhr-streaming, xhr-polling, eventsource, htmlfile and jsonp receivers, xhr_send and jsonp_send,
 * and a plain websocket that carries one JSON message per frame. A message is given once as JSON text (`SockJsFrame`) and written into
 * `a[...]` as an object, not as a JSON string (stock `sockjs` does the latter, which OctoPrint's client
 * cannot read).
 */
import type http from 'node:http';
import { WebSocket } from 'ws';
import { Emitter, type Event } from '../../common/event.js';
import { frameSenderOf, textFrame, type FrameSender } from './wire-internals.js';

/** One outgoing message, encoded once and shared by every connection. */
export class SockJsFrame {
  private wsFramed: Buffer[] | undefined;
  private wsRaw: Buffer[] | undefined;

  constructor(readonly json: string) {}

  /** the complete websocket frame of `a[json]` (built on first use) */
  get framedWs(): Buffer[] {
    return (this.wsFramed ??= wsTextFrame(`a[${this.json}]`));
  }

  /** the complete websocket frame of `json` alone, for the plain websocket */
  get rawWs(): Buffer[] {
    return (this.wsRaw ??= wsTextFrame(this.json));
  }
}

/** Only asked for when a frame sender exists, i.e. the wire internals are on (wire-internals.ts). */
function wsTextFrame(text: string): Buffer[] {
  const frame = textFrame(text);
  if (!frame) throw new Error('pre-encoded websocket frames need the wire internals');
  return frame;
}

export function closeFrame(code: number, reason: string): string {
  return `c${JSON.stringify([code, reason])}`;
}

export function messagesFrame(frames: readonly SockJsFrame[]): string {
  return `a[${frames.map((f) => f.json).join(',')}]`;
}

export type SockJsProtocol = 'websocket' | 'xhr-streaming' | 'xhr-polling' | 'eventsource' | 'htmlfile' | 'jsonp-polling' | 'raw-websocket';

/** One client connection of any SockJS transport, as the push adapter drives it. */
export interface SockJsConnection {
  readonly protocol: SockJsProtocol;
  readonly remoteAddress: string;
  /** Writes messages in order; `flushed` once they left for the network. */
  send(frames: readonly SockJsFrame[], flushed?: () => void): void;
  close(code?: number, reason?: string): void;
  /** each text message the client sent (SockJS: one element of its array frame) */
  readonly onMessage: Event<string>;
  /** a frame that is not SockJS (garbled JSON): reported, ignored, the connection stays */
  readonly onGarbled: Event<string>;
  readonly onClose: Event<void>;
}

export interface SockJsTimings {
  heartbeatMs: number;
  /** how long an http session waits for the client's next receiving request */
  disconnectDelayMs: number;
  /** bytes after which an xhr-streaming/eventsource response is ended (the client reopens it) */
  responseLimit: number;
}

abstract class BaseConnection implements SockJsConnection {
  abstract readonly protocol: SockJsProtocol;
  protected readonly message = new Emitter<string>();
  protected readonly garbled = new Emitter<string>();
  protected readonly closed = new Emitter<void>();
  readonly onMessage = this.message.event;
  readonly onGarbled = this.garbled.event;
  readonly onClose = this.closed.event;
  protected isClosed = false;

  constructor(readonly remoteAddress: string) {}

  abstract send(frames: readonly SockJsFrame[], flushed?: () => void): void;
  abstract close(code?: number, reason?: string): void;

  /** A SockJS client frame: a JSON array of strings (or one JSON string). */
  protected receiveSockJs(text: string): void {
    if (!text) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.garbled.fire(text.slice(0, 200));
      return;
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    for (const item of list) {
      if (typeof item === 'string') this.message.fire(item);
      else this.garbled.fire(JSON.stringify(item).slice(0, 200));
    }
  }

  protected ended(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closed.fire();
    this.message.dispose();
    this.garbled.dispose();
    this.closed.dispose();
  }
}

/** SockJS over a websocket (`framed`), or the plain websocket (one JSON message per frame). */
export class WebSocketConnection extends BaseConnection {
  readonly protocol: SockJsProtocol;
  private readonly heartbeat: NodeJS.Timeout;
  private frameSender: FrameSender | null | undefined;

  constructor(
    private readonly ws: WebSocket,
    remoteAddress: string,
    private readonly framed: boolean,
    heartbeatMs: number,
  ) {
    super(remoteAddress);
    this.protocol = framed ? 'websocket' : 'raw-websocket';
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (framed) this.receiveSockJs(text);
      else if (text) this.message.fire(text);
    });
    ws.on('close', () => this.ended());
    ws.on('error', () => ws.terminate());
    this.heartbeat = setInterval(() => (framed ? this.sendText('h') : ws.ping()), heartbeatMs);
    this.heartbeat.unref();
    if (framed) this.sendText('o');
  }

  send(frames: readonly SockJsFrame[], flushed?: () => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      flushed?.();
      return;
    }
    if (frames.length === 0) {
      flushed?.();
      return;
    }
    const sender = this.sender;
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) {
      const frame = frames[i]!;
      const done = i === last ? flushed : undefined;
      if (sender) sender.sendFrame(this.framed ? frame.framedWs : frame.rawWs, done);
      else this.ws.send(this.framed ? `a[${frame.json}]` : frame.json, done);
    }
  }

  close(code = 3000, reason = 'Go away!'): void {
    if (this.framed && this.ws.readyState === WebSocket.OPEN) this.sendText(closeFrame(code, reason));
    this.ws.close(this.framed ? 1000 : code >= 3000 && code < 5000 ? code : 1000, reason);
  }

  protected override ended(): void {
    clearInterval(this.heartbeat);
    super.ended();
  }

  private sendText(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /** ws's frame sender when frames can go out pre-encoded (no per-message compression), as engine.io does. */
  private get sender(): FrameSender | undefined {
    if (this.frameSender === undefined) this.frameSender = frameSenderOf(this.ws) ?? null;
    return this.frameSender ?? undefined;
  }
}

export type HttpReceiverKind = 'xhr-streaming' | 'xhr-polling' | 'eventsource' | 'htmlfile' | 'jsonp-polling';

/** How one kind of receiving request carries frames. */
interface ReceiverFormat {
  contentType: string;
  prelude: string;
  wrap(frame: string): string;
  /** ends its response after one frame */
  polling: boolean;
}

/** The htmlfile page (an iframe of the client's page) hands frames to `parent[callback]`; padded so browsers start rendering. */
function htmlfilePrelude(callback: string): string {
  const page = `<!doctype html>\n<html><head>\n  <meta http-equiv="X-UA-Compatible" content="IE=edge" />\n  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n</head><body><h2>Don't panic!</h2>\n  <script>\n    document.domain = document.domain;\n    var c = parent.${callback};\n    c.start();\n    function p(d) {c.message(d);};\n    window.onload = function() {c.stop();};\n  </script>`;
  return `${page}${' '.repeat(Math.max(0, 1024 - page.length))}\r\n\r\n`;
}

/** `callback` is checked by the server (letters, digits, `_` and `.`) before it gets here. */
export function receiverFormat(kind: HttpReceiverKind, callback = ''): ReceiverFormat {
  switch (kind) {
    case 'xhr-streaming':
      return { contentType: 'application/javascript; charset=UTF-8', prelude: `${'h'.repeat(2048)}\n`, wrap: (f) => `${f}\n`, polling: false };
    case 'xhr-polling':
      return { contentType: 'application/javascript; charset=UTF-8', prelude: '', wrap: (f) => `${f}\n`, polling: true };
    case 'eventsource':
      return { contentType: 'text/event-stream', prelude: '\r\n', wrap: (f) => `data: ${f}\r\n\r\n`, polling: false };
    case 'htmlfile':
      return { contentType: 'text/html; charset=UTF-8', prelude: htmlfilePrelude(callback), wrap: (f) => `<script>\np(${JSON.stringify(f)});\n</script>\r\n`, polling: false };
    case 'jsonp-polling':
      return { contentType: 'application/javascript; charset=UTF-8', prelude: '', wrap: (f) => `/**/${callback}(${JSON.stringify(f)});\r\n`, polling: true };
  }
}

interface Receiver {
  res: http.ServerResponse;
  format: ReceiverFormat;
  written: number;
}

/**
 * A SockJS session over HTTP: messages wait in a queue until a receiving request (streaming or
 * polling) takes them; xhr_send requests deliver the client's messages.
 */
export class HttpSession extends BaseConnection {
  protocol: SockJsProtocol = 'xhr-streaming';
  private queue: SockJsFrame[] = [];
  private waiting: (() => void)[] = [];
  private receiver: Receiver | undefined;
  private opened = false;
  private closeReason: string | undefined;
  private disconnectTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    remoteAddress: string,
    private readonly timings: SockJsTimings,
    private readonly forget: () => void,
  ) {
    super(remoteAddress);
    this.heartbeat = setInterval(() => this.writeFrame('h'), timings.heartbeatMs);
    this.heartbeat.unref();
  }

  /** A receiving request arrived for this session. */
  attach(res: http.ServerResponse, kind: HttpReceiverKind, callback?: string): void {
    this.protocol = kind;
    const format = receiverFormat(kind, callback);
    res.writeHead(200, { 'Content-Type': format.contentType, 'Cache-Control': 'no-store, no-cache, no-transform, must-revalidate, max-age=0' });
    if (this.closeReason !== undefined) {
      res.end(format.prelude + format.wrap(this.closeReason));
      return;
    }
    if (this.receiver) {
      res.end(format.prelude + format.wrap(closeFrame(2010, 'Another connection still open')));
      return;
    }
    clearTimeout(this.disconnectTimer);
    if (format.prelude) res.write(format.prelude);
    const receiver: Receiver = { res, format, written: 0 };
    this.receiver = receiver;
    res.on('close', () => {
      if (this.receiver === receiver) this.detach();
    });
    if (!this.opened) {
      this.opened = true;
      this.writeFrame('o');
    }
    // polling ended its response with the open frame; the queue waits for its next request
    if (this.receiver) this.flushQueue();
  }

  /** The body of an xhr_send request. */
  receive(body: string): void {
    this.receiveSockJs(body);
  }

  send(frames: readonly SockJsFrame[], flushed?: () => void): void {
    if (this.closeReason !== undefined) {
      flushed?.();
      return;
    }
    this.queue.push(...frames);
    if (flushed) this.waiting.push(flushed);
    if (this.receiver) this.flushQueue();
  }

  close(code = 3000, reason = 'Go away!'): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = closeFrame(code, reason);
    this.writeFrame(this.closeReason);
    this.receiver?.res.end();
    this.finish();
  }

  private flushQueue(): void {
    if (!this.queue.length) return;
    const frames = this.queue;
    const done = this.waiting;
    this.queue = [];
    this.waiting = [];
    this.writeFrame(messagesFrame(frames), () => done.forEach((f) => f()));
  }

  /** Writes one frame to the current receiver; polling and full streams end their response after it. */
  private writeFrame(frame: string, written?: () => void): void {
    const receiver = this.receiver;
    if (!receiver) return;
    const text = receiver.format.wrap(frame);
    receiver.written += text.length;
    receiver.res.write(text, () => written?.());
    if (receiver.format.polling || receiver.written >= this.timings.responseLimit) {
      receiver.res.end();
      this.detach();
    }
  }

  private detach(): void {
    this.receiver = undefined;
    if (this.closeReason !== undefined) return;
    clearTimeout(this.disconnectTimer);
    this.disconnectTimer = setTimeout(() => this.finish(), this.timings.disconnectDelayMs);
    this.disconnectTimer.unref();
  }

  private finish(): void {
    this.closeReason ??= closeFrame(3000, 'Go away!');
    clearInterval(this.heartbeat);
    clearTimeout(this.disconnectTimer);
    for (const f of this.waiting.splice(0)) f();
    this.queue = [];
    // keep answering the session's id with the close frame for a while, as SockJS servers do
    setTimeout(this.forget, this.timings.disconnectDelayMs).unref();
    this.ended();
  }
}
