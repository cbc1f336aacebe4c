/**
 * SockJS column of the push benchmark: 1 000 push clients (in a child process) over SockJS's
 * websocket transport and, in the same run for comparison, over socket.io; `ZChange` events fired
 * on the bus at increasing rates. Prints deliveries/s and p99 fire-to-client latency per rate, and
 * the best deliveries/s whose p99 stayed under 100 ms. Last line: a JSON object with
 * `sockjs_deliveries_per_s_at_p99_under_100ms` next to the socket.io figure.
 *   node dist/scripts/bench/push-sockjs.js   (BENCH_CLIENTS, BENCH_SECONDS, BENCH_RATES=10,20,…)
 * `runPushColumn` is exported so that scripts/bench/push.ts can add the column to its own run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import { io as ioClient } from 'socket.io-client';
import { WebSocket } from 'ws';
import YAML from 'yaml';
import { EventBus } from '../../core/events/event-bus.js';
import { CuttleHost } from '../../core/host.js';
import { HttpServer } from '../../core/server/http-server.js';

type Transport = 'sockjs' | 'socket.io';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const RATES = (process.env['BENCH_RATES'] ?? '5,10,20,30,40,60,80').split(',').map(Number);
const KEY = 'BenchKey0123456789abcdefghijklmn';

const now = (): number => performance.timeOrigin + performance.now();

function p99(values: number[]): number {
  if (!values.length) return Infinity;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!;
}

// ---- child: the clients ------------------------------------------------------------------------

function runClients(transport: Transport, count: number, baseUrl: string, credential: string): void {
  let latencies: number[] = [];
  let ready = 0;
  const onEvent = (e: { type: string; payload: { new: number } }) => {
    if (e.type === 'ZChange') latencies.push(now() - e.payload.new);
  };
  const markReady = () => {
    if (++ready === count) process.send!({ ready: true });
  };
  for (let i = 0; i < count; i++) {
    if (transport === 'socket.io') {
      const s = ioClient(baseUrl, { auth: { apikey: credential }, transports: ['websocket'], forceNew: true });
      s.once('history', () => {
        s.emit('subscribe', { state: false, events: ['ZChange'], plugins: false });
        markReady();
      });
      s.on('event', onEvent);
    } else {
      const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sockjs/000/${i.toString(36)}x${process.pid}/websocket`, { perMessageDeflate: false });
      let isReady = false;
      ws.on('message', (data) => {
        const text = data.toString();
        if (text === 'o') return ws.send(JSON.stringify([JSON.stringify({ auth: credential })]));
        if (text[0] !== 'a') return;
        for (const message of JSON.parse(text.slice(1)) as Record<string, never>[]) {
          if (message['event']) onEvent(message['event']);
          else if (message['history'] && !isReady) {
            isReady = true;
            ws.send(JSON.stringify([JSON.stringify({ subscribe: { state: false, events: ['ZChange'], plugins: false } })]));
            markReady();
          }
        }
      });
    }
  }
  process.on('message', (m: { collect?: boolean }) => {
    if (!m.collect) return;
    process.send!({ count: latencies.length, p99: p99(latencies) });
    latencies = [];
  });
}

// ---- parent: the host and the pump -------------------------------------------------------------

function request<T>(child: ChildProcess, message: object, pick: (m: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (m: T) => {
      if (!pick(m)) return;
      child.off('message', listener);
      resolve(m);
    };
    child.on('message', listener);
    if (Object.keys(message).length) child.send(message);
  });
}

async function pump(bus: EventBus, rate: number, seconds: number): Promise<void> {
  const total = rate * seconds;
  const start = performance.now();
  let fired = 0;
  while (fired < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (fired < due) {
      bus.fire('ZChange', { new: now(), old: fired });
      fired++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

export interface ColumnResult {
  transport: Transport;
  steps: { rate: number; deliveriesPerS: number; p99Ms: number }[];
  bestUnder100: number;
}

/** Runs one transport's column against a started host. */
export async function runPushColumn(transport: Transport, bus: EventBus, baseUrl: string, credential: string, log = console.log): Promise<ColumnResult> {
  const child = fork(__filename, ['--clients', transport, String(CLIENTS), baseUrl, credential], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await request<{ ready?: boolean }>(child, {}, (m) => !!m.ready);
  // let the connection storm (each connect is a ClientOpened event for the earlier clients) drain
  await new Promise((r) => setTimeout(r, 3000));
  await request<{ count?: number }>(child, { collect: true }, (m) => m.count !== undefined);
  const steps: ColumnResult['steps'] = [];
  for (const rate of RATES) {
    await pump(bus, rate, SECONDS);
    await new Promise((r) => setTimeout(r, 700));
    const stats = await request<{ count?: number; p99: number }>(child, { collect: true }, (m) => m.count !== undefined);
    const step = { rate, deliveriesPerS: Math.round(stats.count! / SECONDS), p99Ms: Math.round(stats.p99 * 10) / 10 };
    steps.push(step);
    log(`${transport.padEnd(9)} ${String(rate).padStart(4)} events/s × ${CLIENTS} clients: ${String(step.deliveriesPerS).padStart(7)} deliveries/s, p99 ${step.p99Ms} ms`);
    if (stats.p99 > 1000) break;
  }
  child.kill();
  const ok = steps.filter((s) => s.p99Ms < 100 && s.deliveriesPerS >= s.rate * CLIENTS * 0.95);
  return { transport, steps, bestUnder100: ok.length ? Math.max(...ok.map((s) => s.deliveriesPerS)) : 0 };
}

async function main(): Promise<void> {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-'));
  writeFileSync(path.join(basedir, 'config.yaml'), YAML.stringify({ api: { key: KEY }, logging: { level: 'error' } }));
  const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {}, logStream: new Writable({ write: (_c, _e, cb) => cb() }) });
  await host.start();
  try {
    const baseUrl = host.get<HttpServer>(HttpServer).baseUrl();
    const bus = host.get<EventBus>(EventBus);
    const login = (await (await fetch(`${baseUrl}/api/login`, { method: 'POST', headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' }, body: '{"passive":true}' })).json()) as { name: string; session: string };
    const socketIo = await runPushColumn('socket.io', bus, baseUrl, KEY);
    const sockjs = await runPushColumn('sockjs', bus, baseUrl, `${login.name}:${login.session}`);
    const ratio = socketIo.bestUnder100 ? Math.round((sockjs.bestUnder100 / socketIo.bestUnder100) * 100) / 100 : null;
    console.log(`best deliveries/s with p99 < 100 ms: socket.io ${socketIo.bestUnder100}, SockJS ${sockjs.bestUnder100} (ratio ${ratio})`);
    console.log(JSON.stringify({ clients: CLIENTS, deliveries_per_s_at_p99_under_100ms: socketIo.bestUnder100, sockjs_deliveries_per_s_at_p99_under_100ms: sockjs.bestUnder100, sockjs_to_socketio: ratio }));
  } finally {
    await host.stop();
    rmSync(basedir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--clients') runClients(process.argv[3] as Transport, Number(process.argv[4]), process.argv[5]!, process.argv[6]!);
else if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
