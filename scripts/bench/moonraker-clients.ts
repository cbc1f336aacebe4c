/**
 * Moonraker websocket clients as load and as probes for `bench:moonraker`: a child process opens N
 * clients on one printer's `/websocket` (25 at a time), each identifies, lists the printer objects
 * and subscribes to all of them, as Mainsail does at start-up. It maps the host's `eventtime` clock
 * onto this machine's wall clock (the round trip of `printer.objects.query` with the smallest delay),
 * and records when each client received each `notify_status_update`, keyed by its eventtime, with the
 * print's file position it carried.
 */
import { WebSocket } from 'ws';
import { forkClientChild, now, openInBatches, reply } from './push-harness.js';

/** The host's eventtime clock (seconds) on the wall clock (ms since the epoch): wall = eventtime × 1000 + offsetMs ± rttMs / 2. */
export interface EventtimeClock {
  offsetMs: number;
  rttMs: number;
}

export interface StatusArrivals {
  clock: EventtimeClock;
  /** [eventtime, arrival of that update at each client that got it (ms since the epoch), the virtual_sdcard.file_position it carried or null] */
  updates: [number, number[], number | null][];
  /** objects each client subscribed to */
  objects: string[];
}

export interface MoonrakerClients {
  readonly pid: number;
  /** the arrivals since the clients were ready */
  arrivals(): Promise<StatusArrivals>;
  stop(): void;
}

/** Calls printer.objects.query this many times to find the eventtime clock's offset. */
const CLOCK_PROBES = 30;

/** Forks the child and opens `count` clients on `url` (ws://…/websocket) with the API key; runs on `cpus` (taskset list) when given. */
export async function startMoonrakerClients(count: number, url: string, apiKey: string, cpus?: string): Promise<MoonrakerClients> {
  const { child, stop } = await forkClientChild(__filename, ['clients', String(count), url, apiKey], cpus);
  return {
    pid: child.pid!,
    arrivals: async () => (await reply(child, { collect: true }, (m: { arrivals?: StatusArrivals }) => !!m.arrivals)).arrivals!,
    stop,
  };
}

interface Answer {
  id?: number;
  method?: string;
  params?: unknown[];
  result?: unknown;
  error?: { code: number; message: string };
}

/** One client: its calls answered by id, its status updates handed to `onStatus`. */
class Client {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: Answer) => void>();

  constructor(
    readonly ws: WebSocket,
    onStatus: (eventtime: number, at: number, filePosition: number | null) => void,
  ) {
    ws.on('message', (data) => {
      const at = now();
      const message = JSON.parse(String(data)) as Answer;
      if (message.method === 'notify_status_update') {
        const [status, eventtime] = message.params as [{ virtual_sdcard?: { file_position?: number } }, number];
        onStatus(eventtime, at, status.virtual_sdcard?.file_position ?? null);
      }
      else if (message.id !== undefined) this.waiting.get(message.id)?.(message);
    });
  }

  async call<T>(method: string, params?: object): Promise<T> {
    const id = this.nextId++;
    const answer = await new Promise<Answer>((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', method, params, id }));
    });
    this.waiting.delete(id);
    if (answer.error) throw new Error(`${method}: ${answer.error.code} ${answer.error.message}`);
    return answer.result as T;
  }
}

function fail(message: string): never {
  console.error(`moonraker client: ${message}`);
  process.exit(1);
}

/** The offset from the query with the smallest round trip (its eventtime taken at the midpoint). */
async function measureClock(client: Client): Promise<EventtimeClock> {
  let best: EventtimeClock = { offsetMs: NaN, rttMs: Infinity };
  for (let i = 0; i < CLOCK_PROBES; i++) {
    const sent = now();
    const { eventtime } = await client.call<{ eventtime: number }>('printer.objects.query', { objects: { webhooks: null } });
    const received = now();
    if (received - sent < best.rttMs) best = { offsetMs: (sent + received) / 2 - eventtime * 1000, rttMs: received - sent };
  }
  return best;
}

function runClients(count: number, url: string, apiKey: string): void {
  const updates = new Map<number, [number[], number | null]>();
  let recording = false;
  const onStatus = (eventtime: number, at: number, filePosition: number | null) => {
    if (!recording) return;
    let update = updates.get(eventtime);
    if (!update) updates.set(eventtime, (update = [[], filePosition]));
    update[0].push(at);
  };
  const clients: Client[] = [];
  let objects: string[] = [];
  let subscribed = 0;
  openInBatches(count, (index) => {
    const ws = new WebSocket(url, { headers: { 'X-Api-Key': apiKey }, perMessageDeflate: false });
    const client = new Client(ws, onStatus);
    clients.push(client);
    ws.once('unexpected-response', (_req, res) => fail(`upgrade refused with HTTP ${res.statusCode}`));
    ws.once('error', (err) => fail(err.message));
    ws.once('open', async () => {
      try {
        await client.call('server.connection.identify', { client_name: 'bench', version: '1', type: 'web', url: 'https://github.com/cuttle' });
        ({ objects } = await client.call<{ objects: string[] }>('printer.objects.list'));
        await client.call('printer.objects.subscribe', { objects: Object.fromEntries(objects.map((name) => [name, null])) });
      } catch (err) {
        fail(`client ${index}: ${(err as Error).message}`);
      }
      if (++subscribed < count) return;
      const clock = await measureClock(clients[0]!);
      recording = true;
      process.send!({ ready: true });
      process.on('message', (m: { collect?: boolean }) => m.collect && process.send!({ arrivals: { clock, updates: [...updates].map(([eventtime, [at, filePosition]]) => [eventtime, at, filePosition]), objects } satisfies StatusArrivals }));
    });
  });
}

if (require.main === module && process.argv[2] === 'clients') runClients(Number(process.argv[3]), process.argv[4]!, process.argv[5]!);
