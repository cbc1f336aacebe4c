/**
 * Helpers for the Moonraker tests: a host with simulated printers on their own listen ports, the
 * commands each in-process simulator executed (from the simulator itself, not from cuttle's log),
 * and a JSON-RPC websocket client that keeps every message it got.
 */
import { WebSocket } from 'ws';
import { VirtualTransportFactory } from '../../core/printer/simulator/transport-factory.js';
import type { InProcessTransport } from '../../core/printer/simulator/in-process.js';
import { fastSerial } from '../printer/helpers.js';
import { freePort } from '../support/free-port.js';
import { startFarmHost, type FarmHost } from '../farm-surface/support.js';
import { waitFor } from '../support/wait.js';

export interface MoonrakerHost extends FarmHost {
  /** each printer's listen port */
  ports: Record<string, number>;
  /** every command printer `id`'s simulator executed so far, in order (across reconnects) */
  executed(id: string): string[];
  /** pulls the cable of printer `id`'s current simulator */
  unplug(id: string): void;
}

/** `virtual`: the simulators' options over the defaults here (a firmware family, say) */
export async function startMoonrakerHost(ids: string[] = ['p1'], config: Record<string, unknown> = {}, virtual: Record<string, unknown> = {}): Promise<MoonrakerHost> {
  const ports: Record<string, number> = {};
  for (const id of ids) ports[id] = await freePort();
  // temperatures reported every second (M155), as a client shows them
  const serial = { ...(fastSerial({ motion: true, speedFactor: 20, ...virtual })['serial'] as object), temperatureInterval: 1 };
  const farm = await startFarmHost(ids.map((id) => ({ id, listen: ports[id]! })), { serial, ...config });
  // the simulator of each connection, to read what it executed
  const transports: { printer: string; transport: InProcessTransport }[] = [];
  const factory = farm.t.host.get(VirtualTransportFactory);
  const open = factory.open.bind(factory);
  factory.open = async (request) => {
    const transport = (await open(request)) as InProcessTransport;
    transports.push({ printer: request.printer, transport });
    return transport;
  };
  return {
    ...farm,
    ports,
    unplug: (id) => transports.filter((t) => t.printer === id).at(-1)!.transport.unplug(),
    executed: (id) => transports.filter((t) => t.printer === id).flatMap((t) => t.transport.printer.executed.map((c) => c.command)),
  };
}

export interface RpcMessage {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: any[];
  result?: any;
  error?: { code: number; message: string };
}

export class RpcClient {
  readonly messages: RpcMessage[] = [];
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = JSON.parse(String(data)) as RpcMessage | RpcMessage[];
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) this.messages.push(m);
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new RpcClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Sends raw text and waits for the answer with `id`. */
  async raw(text: string, id: number | string | null): Promise<RpcMessage> {
    const seen = this.messages.length;
    this.ws.send(text);
    return waitFor(() => this.messages.slice(seen).find((m) => m.id === id && (m.result !== undefined || m.error)), 5000, `answer ${id}`);
  }

  /** A call, resolved with its whole answer (result or error). */
  call(method: string, params?: unknown): Promise<RpcMessage> {
    const id = this.nextId++;
    return this.raw(JSON.stringify({ jsonrpc: '2.0', method, params, id }), id);
  }

  /** A call that must succeed: its result. */
  async result(method: string, params?: unknown): Promise<any> {
    const answer = await this.call(method, params);
    if (answer.error) throw new Error(`${method}: ${answer.error.code} ${answer.error.message}`);
    return answer.result;
  }

  notifications(method: string): RpcMessage[] {
    return this.messages.filter((m) => m.method === method);
  }

  close(): void {
    this.ws.close();
  }
}
