/**
 * The SockJS column of `npm run bench:push` (scripts/bench/push.ts calls `runPushColumn`): the same
 * number of push clients, speaking SockJS over its websocket transport (`/sockjs/<server>/<session>/
 * websocket`, `a[...]` frames), in two child processes, authenticated with a passive-login session;
 * `ZChange` events fired at the same increasing rates; deliveries/s and p99 fire-to-client latency
 * per rate, measured as the socket.io column is, so the two figures compare.
 */
import { fork } from 'node:child_process';
import { WebSocket } from 'ws';
import type { EventBus } from '../../core/events/event-bus.js';
import type { PushMessage } from '../../core/push/message.js';
import { SockJsTransport } from '../../core/push/transports/sockjs.js';
import { latencyRecorder, now, openInBatches, pump, reply } from './push-harness.js';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const RATES = (process.env['BENCH_RATES'] ?? '5,10,20,30,40,60,80,100,140,200,280').split(',').map(Number);
const CHILDREN = 2;


// ---- child: a share of the clients ---------------------------------------------------------------

function runClients(count: number, firstId: number, baseUrl: string, credential: string): void {
  const record = latencyRecorder();
  let ready = 0;
  const send = (ws: WebSocket, message: object) => ws.send(JSON.stringify([JSON.stringify(message)]));
  // small batches, as the socket.io column connects
  openInBatches(count, (index) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sockjs/000/b${firstId + index}/websocket`, { perMessageDeflate: false });
    let started = false;
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === 'o') return send(ws, { auth: credential });
      if (text[0] !== 'a') return;
      for (const message of JSON.parse(text.slice(1)) as { event?: { type: string; payload: { new: number } }; history?: object }[]) {
        if (message.event?.type === 'ZChange') record(now() - message.event.payload.new);
        else if (message.history && !started) {
          started = true;
          send(ws, { subscribe: { state: false, events: true, plugins: false } });
          if (++ready === count) process.send!({ ready: true });
        }
      }
    });
    ws.on('error', (err) => {
      console.error('client failed:', err.message);
      process.exit(1);
    });
  });
}

// ---- parent -----------------------------------------------------------------------------------



export interface SockJsStep {
  rate: number;
  deliveriesPerS: number;
  p99Ms: number;
  delivered: number;
  expected: number;
}

/** Runs the SockJS column against a started host; `credential` is `name:session` from a passive login. */
export async function runPushColumn(
  _transport: 'sockjs',
  bus: EventBus,
  baseUrl: string,
  credential: string,
  log: (line: string) => void = console.log,
): Promise<{ steps: SockJsStep[]; bestUnder100: number; encodesPerBroadcast: number }> {
  // count encodings of `event` messages: once per broadcast for all SockJS clients is the goal
  let encodes = 0;
  let fired = 0;
  const encode = SockJsTransport.prototype.encode;
  SockJsTransport.prototype.encode = function (this: SockJsTransport, message: PushMessage) {
    if (message.type === 'event') encodes++;
    return encode.call(this, message);
  };
  const share = Math.ceil(CLIENTS / CHILDREN);
  const children = Array.from({ length: CHILDREN }, (_, i) =>
    fork(__filename, ['--clients', String(Math.min(share, CLIENTS - i * share)), String(i * share), baseUrl, credential], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const steps: SockJsStep[] = [];
  try {
    await Promise.all(children.map((c) => reply<{ ready?: boolean }>(c, null, (m) => !!m.ready)));
    for (const rate of RATES) {
      const firedNow = await pump(bus, rate, SECONDS);
      fired += firedNow;
      await new Promise((r) => setTimeout(r, 1500));
      const parts = await Promise.all(children.map((c) => reply<{ latencies?: number[] }>(c, { collect: true }, (m) => Array.isArray(m.latencies))));
      const all = Float64Array.from(parts.flatMap((p) => p.latencies!)).sort();
      const p99 = all.length ? all[Math.min(all.length - 1, Math.floor(0.99 * all.length))]! : Infinity;
      const step = { rate, deliveriesPerS: Math.round(all.length / SECONDS), p99Ms: Math.round(p99 * 10) / 10, delivered: all.length, expected: firedNow * CLIENTS };
      steps.push(step);
      log(`sockjs    ${String(rate).padStart(4)} events/s × ${CLIENTS} clients: delivered ${String(step.deliveriesPerS).padStart(7)}/s (${step.delivered}/${step.expected}), p99 ${step.p99Ms} ms`);
      if (step.delivered < step.expected * 0.98 || step.p99Ms > 1000) break;
    }
  } finally {
    for (const c of children) c.kill();
    SockJsTransport.prototype.encode = encode;
  }
  const encodesPerBroadcast = Math.round((encodes / Math.max(1, fired)) * 1000) / 1000;
  log(`sockjs: ${encodes} encodings of event messages for ${fired} events fired (${encodesPerBroadcast} per broadcast, ${CLIENTS} clients)`);
  const ok = steps.filter((s) => s.p99Ms < 100 && s.delivered >= s.expected * 0.98);
  const bestUnder100 = ok.length ? Math.max(...ok.map((s) => s.deliveriesPerS)) : 0;
  log(`sockjs: ${bestUnder100} deliveries/s with p99 < 100 ms`);
  return { steps, bestUnder100, encodesPerBroadcast };
}

if (process.argv[2] === '--clients') runClients(Number(process.argv[3]), Number(process.argv[4]), process.argv[5]!, process.argv[6]!);
