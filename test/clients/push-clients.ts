/**
 * Push clients for the tests, each collecting `{type, data}` messages in arrival order: the real
 * `sockjs-client` (websocket, xhr-streaming, xhr-polling or eventsource transport), a plain `ws` client on
 * `/sockjs/websocket`, and a bare `ws` speaking SockJS framing (cheap enough to open hundreds).
 */
import { WebSocket } from 'ws';
import { waitFor } from '../support/wait.js';

// sockjs-client has no bundled types; this is the part the tests use
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SockJS = require('sockjs-client') as new (url: string, _reserved: null, options: { transports: string[] }) => {
  onopen: () => void;
  onmessage: (e: { data: unknown }) => void;
  onclose: (e: { code: number; reason: string }) => void;
  send(text: string): void;
  close(): void;
  transport: string;
};

export interface PushMessageSeen {
  type: string;
  data: any;
}

export type PushClientKind = 'sockjs-websocket' | 'sockjs-xhr-streaming' | 'sockjs-xhr-polling' | 'sockjs-eventsource' | 'raw' | 'framed-ws';

export interface TestPushClient {
  messages: PushMessageSeen[];
  /** raw payloads as received (to check that SockJS carries objects, not strings) */
  dataTypes: string[];
  closed: boolean;
  send(message: unknown): void;
  sendText(text: string): void;
  close(): void;
  /** resolves with the first message of `type` at or after index `from` */
  next(type: string, from?: number, timeoutMs?: number): Promise<PushMessageSeen>;
}

function collector(): Pick<TestPushClient, 'messages' | 'dataTypes' | 'next'> & { add(data: unknown): void } {
  const messages: PushMessageSeen[] = [];
  const dataTypes: string[] = [];
  return {
    messages,
    dataTypes,
    add(data: unknown) {
      dataTypes.push(typeof data);
      const obj = (typeof data === 'string' ? JSON.parse(data) : data) as Record<string, unknown>;
      for (const [type, value] of Object.entries(obj)) messages.push({ type, data: value });
    },
    next(type: string, from = 0, timeoutMs = 5000) {
      return waitFor(() => messages.slice(from).find((m) => m.type === type), timeoutMs, `"${type}"`).catch((err: Error) => {
        throw new Error(`${err.message}; got ${messages.map((m) => m.type).join(', ')}`);
      });
    },
  };
}

export async function openPushClient(baseUrl: string, kind: PushClientKind): Promise<TestPushClient> {
  const c = collector();
  if (kind === 'raw' || kind === 'framed-ws') {
    const url = `${baseUrl.replace(/^http/, 'ws')}/sockjs/${kind === 'raw' ? 'websocket' : `000/${Math.random().toString(36).slice(2, 10)}/websocket`}`;
    const ws = new WebSocket(url);
    const client: TestPushClient = {
      ...c,
      closed: false,
      send: (m) => client.sendText(kind === 'raw' ? JSON.stringify(m) : JSON.stringify([JSON.stringify(m)])),
      sendText: (text) => ws.send(text),
      close: () => ws.close(),
    };
    ws.on('message', (data) => {
      const text = data.toString();
      if (kind === 'raw') return c.add(text);
      if (text.startsWith('a')) for (const item of JSON.parse(text.slice(1)) as unknown[]) c.add(item);
    });
    ws.on('close', () => (client.closed = true));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }
  const transport = kind.slice('sockjs-'.length);
  const sock = new SockJS(`${baseUrl}/sockjs`, null, { transports: [transport] });
  const client: TestPushClient = {
    ...c,
    closed: false,
    send: (m) => sock.send(JSON.stringify(m)),
    sendText: (text) => sock.send(text),
    close: () => sock.close(),
  };
  sock.onmessage = (e) => c.add(e.data);
  sock.onclose = () => (client.closed = true);
  await new Promise<void>((resolve, reject) => {
    sock.onopen = () => resolve();
    setTimeout(() => reject(new Error(`sockjs ${transport} did not open`)), 5000).unref();
  });
  if (sock.transport !== transport) throw new Error(`sockjs-client chose ${sock.transport}, not ${transport}`);
  return client;
}
