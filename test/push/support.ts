/** Push test helpers: a recording socket.io client, a polling wait, and a host with its simulated printer connected. */
import { io, type Socket } from 'socket.io-client';
import { PrinterService } from '../../core/printer/printer-service.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { startApiHost } from '../api/support.js';
import type { TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';

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

export function pushClient(
  baseUrl: string,
  auth: Record<string, unknown> | (() => Record<string, unknown>),
  options: { reconnection?: boolean; path?: string; transports?: ('websocket' | 'polling')[] } = {},
): RecordingClient {
  const socket = io(baseUrl, {
    transports: options.transports ?? ['websocket'],
    ...(options.path ? { path: options.path } : {}),
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

export function connectError(client: RecordingClient): Promise<Error> {
  return new Promise((resolve, reject) => {
    client.socket.once('connect_error', resolve);
    client.socket.once('connect', () => reject(new Error('connected, but should have been refused')));
  });
}

export interface ConnectedHost {
  t: TestHost;
  printer: PrinterService;
  stop(): Promise<void>;
}

/** An API host (config.yaml from `config`) whose printer is connected to the simulated one and Operational. */
export async function startConnectedHost(config: Record<string, unknown>): Promise<ConnectedHost> {
  const t = await startApiHost({ config });
  const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  await printer.connect({ port: 'virtual' });
  await waitFor(() => printer.state.id === 'OPERATIONAL', 10000, 'operational');
  return {
    t,
    printer,
    async stop() {
      await printer.disconnect().catch(() => undefined);
      await t.stop();
    },
  };
}
