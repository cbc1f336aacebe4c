/**
 * socket.io push clients as load for the streaming benchmarks: a child process opens them (25 at a
 * time), resolves once every one got its `history`, and counts what they receive by message type and
 * by the message's `printer` key, so a benchmark can show the clients did watch every printer.
 */
import { io as ioClient } from 'socket.io-client';
import { forkClientChild, openInBatches, reply } from './push-harness.js';

export interface PushCounts {
  /** messages over all clients, by type (`current`, `event`, …) */
  byType: Record<string, number>;
  /** `current` and `event` messages over all clients, by their `printer` key ("-" when it has none) */
  byPrinter: Record<string, number>;
}

export interface PushClients {
  readonly pid: number;
  /** the counts since the clients were ready */
  counts(): Promise<PushCounts>;
  stop(): void;
}

/** Forks the child and opens `count` clients on `baseUrl` with the API key; runs on `cpus` (taskset list) when given. */
export async function startPushClients(count: number, baseUrl: string, apiKey: string, cpus?: string): Promise<PushClients> {
  const { child, stop } = await forkClientChild(__filename, ['clients', String(count), baseUrl, apiKey], cpus);
  return {
    pid: child.pid!,
    counts: async () => (await reply(child, { collect: true }, (m: { counts?: PushCounts }) => !!m.counts)).counts!,
    stop,
  };
}

function runClients(count: number, baseUrl: string, apiKey: string): void {
  let ready = 0;
  const counts: PushCounts = { byType: {}, byPrinter: {} };
  process.on('message', (m: { collect?: boolean }) => m.collect && process.send!({ counts }));
  // none asked for (BENCH_PUSH_CLIENTS=0, to measure the host without push): ready at once
  if (count === 0) return void process.send!({ ready: true });
  openInBatches(count, () => {
    const socket = ioClient(baseUrl, { auth: { apikey: apiKey }, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('history', () => {
      if (++ready === count) process.send!({ ready: true });
    });
    socket.onAny((type: string, data: { printer?: unknown } | null) => {
      if (ready < count) return;
      counts.byType[type] = (counts.byType[type] ?? 0) + 1;
      if (type !== 'current' && type !== 'event') return;
      const printer = typeof data?.printer === 'string' ? data.printer : '-';
      counts.byPrinter[printer] = (counts.byPrinter[printer] ?? 0) + 1;
    });
    socket.on('connect_error', (err) => {
      console.error('push client refused:', err.message);
      process.exit(1);
    });
  });
}

if (require.main === module && process.argv[2] === 'clients') runClients(Number(process.argv[3]), process.argv[4]!, process.argv[5]!);
