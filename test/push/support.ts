/** Push test helpers: a recording socket.io client and a polling wait. */
import { io, type Socket } from 'socket.io-client';

export interface Received {
  type: string;
  data: Record<string, unknown>;
}

export interface RecordingClient {
  socket: Socket;
  received: Received[];
  of(type: string): Record<string, unknown>[];
  /** seqs of the `event` messages received, in order */
  seqs(): number[];
  close(): void;
}

export function pushClient(baseUrl: string, auth: Record<string, unknown> | (() => Record<string, unknown>), options: { reconnection?: boolean } = {}): RecordingClient {
  const socket = io(baseUrl, {
    transports: ['websocket'],
    auth: typeof auth === 'function' ? (cb) => cb(auth()) : auth,
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
  const received: Received[] = [];
  socket.onAny((type: string, data: Record<string, unknown>) => received.push({ type, data }));
  return {
    socket,
    received,
    of: (type) => received.filter((m) => m.type === type).map((m) => m.data),
    seqs: () => received.filter((m) => m.type === 'event').map((m) => m.data['seq'] as number),
    close: () => socket.close(),
  };
}

export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function connectError(client: RecordingClient): Promise<Error> {
  return new Promise((resolve, reject) => {
    client.socket.once('connect_error', resolve);
    client.socket.once('connect', () => reject(new Error('connected, but should have been refused')));
  });
}
