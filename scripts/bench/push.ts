/**
 * `npm run bench:push`: 1 000 socket.io push clients (in two child processes) on this machine,
 * `ZChange` events fired on the bus at increasing rates. For each rate: deliveries/s and p50/p99
 * fire-to-client latency; it stops once delivery falls behind (saturation). It also counts how
 * many times the socket.io transport encoded an `event` message: once per broadcast is the goal.
 * Then the SockJS column (scripts/bench/push-sockjs.ts) when that transport is installed.
 * Last line: JSON with deliveries_per_s_at_p99_under_100ms and saturation_deliveries_per_s.
 *   BENCH_CLIENTS=1000 BENCH_SECONDS=3 BENCH_RATES=5,10,20,… BENCH_SOCKJS=0 to skip the SockJS column
 *   BENCH_WIRE_INTERNALS=0: push.wireInternals false, every frame through the public socket.io/ws API
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import { io as ioClient } from 'socket.io-client';
import YAML from 'yaml';
import { EventBus } from '../../core/events/event-bus.js';
import { CuttleHost } from '../../core/host.js';
import type { PushMessage } from '../../core/push/message.js';
import { SocketIoTransport } from '../../core/push/transports/socket-io.js';
import { wireInternalsEnabled } from '../../core/push/transports/wire-internals.js';
import { HttpServer } from '../../core/http/http-server.js';
import { latencyRecorder, now, openInBatches, pump, reply } from './push-harness.js';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const RATES = (process.env['BENCH_RATES'] ?? '5,10,20,30,40,60,80,100,140,200,280').split(',').map(Number);
const CHILDREN = 2;
const WIRE_INTERNALS = process.env['BENCH_WIRE_INTERNALS'] !== '0';
const KEY = 'BenchKey0123456789abcdefghijklmn';


// ---- child: a share of the clients ---------------------------------------------------------------

function runClients(count: number, baseUrl: string): void {
  const record = latencyRecorder();
  let ready = 0;
  openInBatches(count, () => {
    const s = ioClient(baseUrl, { auth: { apikey: KEY }, transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('history', () => {
      s.emit('subscribe', { state: false, events: true, plugins: false });
      if (++ready % 100 === 0 && process.env['BENCH_DEBUG']) console.error(`${process.pid}: ${ready} ready at ${Math.round(performance.now())} ms`);
      if (ready === count) process.send!({ ready: true });
    });
    s.on('event', (e: { type: string; payload: { new: number } }) => {
      if (e.type === 'ZChange') record(now() - e.payload.new);
    });
    s.on('connect_error', (err) => {
      console.error('client refused:', err.message);
      process.exit(1);
    });
  });
}

// ---- parent -----------------------------------------------------------------------------------



function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Infinity;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

interface Step {
  rate: number;
  offered: number;
  deliveriesPerS: number;
  p50Ms: number;
  p99Ms: number;
  delivered: number;
  expected: number;
  /** CPU the server process used, in % of one core */
  serverCpu: number;
  /** the server's event-loop delay p99 during the step */
  loopP99Ms: number;
}

async function socketIoColumn(bus: EventBus, baseUrl: string): Promise<Step[]> {
  const share = Math.ceil(CLIENTS / CHILDREN);
  const children = Array.from({ length: CHILDREN }, (_, i) =>
    fork(__filename, ['--clients', String(Math.min(share, CLIENTS - i * share)), baseUrl], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  await Promise.all(children.map((c) => reply<{ ready?: boolean }>(c, null, (m) => !!m.ready)));
  const steps: Step[] = [];
  try {
    // warm-up (JIT, socket buffers), not counted
    await pump(bus, 10, 1);
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all(children.map((c) => reply<{ latencies?: number[] }>(c, { collect: true }, (m) => Array.isArray(m.latencies))));
    for (const rate of RATES) {
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const fired = await pump(bus, rate, SECONDS);
      const used = process.cpuUsage(cpu);
      const serverCpu = Math.round(((used.user + used.system) / 1000 / (performance.now() - started)) * 100);
      loop.disable();
      // let late deliveries arrive (they count, with their latency), then collect
      await new Promise((r) => setTimeout(r, 1500));
      const parts = await Promise.all(children.map((c) => reply<{ latencies?: number[] }>(c, { collect: true }, (m) => Array.isArray(m.latencies))));
      const all = Float64Array.from(parts.flatMap((p) => p.latencies!)).sort();
      const step: Step = {
        rate,
        offered: rate * CLIENTS,
        deliveriesPerS: Math.round(all.length / SECONDS),
        p50Ms: Math.round(percentile(all, 0.5) * 10) / 10,
        p99Ms: Math.round(percentile(all, 0.99) * 10) / 10,
        delivered: all.length,
        expected: fired * CLIENTS,
        serverCpu,
        loopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
      };
      steps.push(step);
      console.log(
        `socket.io ${String(rate).padStart(4)} events/s × ${CLIENTS} clients: offered ${String(step.offered).padStart(7)}/s, ` +
          `delivered ${String(step.deliveriesPerS).padStart(7)}/s (${step.delivered}/${step.expected}), p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms; server CPU ${step.serverCpu} %, event-loop delay p99 ${step.loopP99Ms} ms`,
      );
      if (step.delivered < step.expected * 0.98 || step.p99Ms > 1000) break;
    }
  } finally {
    for (const c of children) c.kill();
  }
  return steps;
}

async function main(): Promise<void> {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-'));
  writeFileSync(path.join(basedir, 'config.yaml'), YAML.stringify({
      api: { key: KEY },
      logging: { level: 'error' },
      push: { clientQueueLimit: 100000, wireInternals: WIRE_INTERNALS },
      // ClientOpened per connect would broadcast n² messages while the 1 000 clients connect
      plugins: { disabled: ['server-events'] },
    }));
  const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {}, logStream: new Writable({ write: (_c, _e, cb) => cb() }) });
  // count encodings of `event` messages: the hub should encode each broadcast once, not once per client
  let eventEncodes = 0;
  const encode = SocketIoTransport.prototype.encode;
  SocketIoTransport.prototype.encode = function (this: SocketIoTransport, message: PushMessage) {
    if (message.type === 'event') eventEncodes++;
    return encode.call(this, message);
  };
  await host.start();
  try {
    const baseUrl = host.get<HttpServer>(HttpServer).baseUrl();
    const bus = host.get<EventBus>(EventBus);
    const seqBefore = bus.lastSeq;
    const steps = await socketIoColumn(bus, baseUrl);
    const events = bus.lastSeq - seqBefore;
    const keepsUp = (s: Step) => s.delivered >= s.expected * 0.98;
    const under100 = steps.filter((s) => s.p99Ms < 100 && keepsUp(s));
    const best = under100.length ? Math.max(...under100.map((s) => s.deliveriesPerS)) : 0;
    // saturation: the highest rate still delivered in full with p99 under a second; the next step broke down
    const sustained = steps.filter((s) => keepsUp(s) && s.p99Ms < 1000);
    const saturation = sustained.length ? Math.max(...sustained.map((s) => s.deliveriesPerS)) : 0;
    const last = steps.at(-1)!;
    const saturated = !keepsUp(last) || last.p99Ms >= 1000;
    console.log(
      `socket.io: ${best} deliveries/s with p99 < 100 ms; ${saturation} deliveries/s sustained` +
        (saturated ? `, saturated at ${last.offered} offered (${last.rate} events/s): p99 ${last.p99Ms} ms, ${last.delivered}/${last.expected} delivered` : ' (not saturated by the rates tried)'),
    );
    console.log(`encodings of event messages: ${eventEncodes} for ${events} events fired (${(eventEncodes / Math.max(1, events)).toFixed(3)} per broadcast, ${CLIENTS} clients)`);

    let sockjs: number | null = null;
    if (process.env['BENCH_SOCKJS'] !== '0') {
      try {
        const { runPushColumn } = await import('./push-sockjs.js');
        const login = (await (
          await fetch(`${baseUrl}/api/login`, { method: 'POST', headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' }, body: '{"passive":true}' })
        ).json()) as { name: string; session: string };
        sockjs = (await runPushColumn('sockjs', bus, baseUrl, `${login.name}:${login.session}`)).bestUnder100;
      } catch (err) {
        console.log(`SockJS column skipped: ${(err as Error).message}`);
      }
    }
    console.log(
      JSON.stringify({
        clients: CLIENTS,
        wire_internals: wireInternalsEnabled(),
        deliveries_per_s_at_p99_under_100ms: best,
        saturation_deliveries_per_s: saturation,
        saturated_at_offered_per_s: saturated ? last.offered : null,
        event_encodes_per_broadcast: Math.round((eventEncodes / Math.max(1, events)) * 1000) / 1000,
        ...(sockjs !== null ? { sockjs_deliveries_per_s_at_p99_under_100ms: sockjs } : {}),
        load_average: os.loadavg().map((l) => Math.round(l * 10) / 10),
        steps: steps.map((s) => ({ rate: s.rate, deliveries_per_s: s.deliveriesPerS, p99_ms: s.p99Ms, server_cpu_pct: s.serverCpu })),
      }),
    );
  } finally {
    await host.stop();
    rmSync(basedir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--clients') runClients(Number(process.argv[3]), process.argv[4]!);
else if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
