/**
 * `npm run bench:events`: 20 subscribers on the bus, one of which awaits 100 ms per event; events
 * fired at 10 000/s for 5 s. Prints fire-to-handler latency of the 19 healthy subscribers and the
 * rate actually sustained; the last line is a JSON object.
 */
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { AsyncEventBus } from '../../core/events/bus-impl.js';
import { createLogger } from '../../core/logging/logger.js';
import { fireAtRate } from './pace.js';

const RATE = Number(process.env['BENCH_RATE'] ?? 10_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const SUBSCRIBERS = 20;

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const bus = new AsyncEventBus(createLogger({ level: 'warn', stream: silent }), { historySize: 10_000, queueLimit: 1_000_000 });

const total = RATE * SECONDS;
const firedAt = new Float64Array(total + 1);
const latencies = new Float64Array(total * (SUBSCRIBERS - 1));
let recorded = 0;

for (let i = 0; i < SUBSCRIBERS - 1; i++) {
  bus.on('ZChange', (_payload, event) => {
    latencies[recorded++] = performance.now() - firedAt[event.seq]!;
  }, { owner: `healthy-${i}` });
}
bus.on('ZChange', () => new Promise<void>((resolve) => setTimeout(resolve, 100)), { owner: 'slow' });

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const fired = total;
  const fireSeconds = await fireAtRate(RATE, total, (n) => {
    firedAt[n] = performance.now();
    bus.fire('ZChange', { old: n - 1, new: n });
  });
  // let the healthy subscribers catch up (the slow one never will: it is the point)
  const deadline = performance.now() + 2000;
  while (recorded < total * (SUBSCRIBERS - 1) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const sorted = latencies.slice(0, recorded).sort();
  const result = {
    healthy_p50_ms: Number(percentile(sorted, 50).toFixed(4)),
    healthy_p99_ms: Number(percentile(sorted, 99).toFixed(4)),
    events_per_s: Math.round(fired / fireSeconds),
  };
  console.log(`fired ${fired} events in ${fireSeconds.toFixed(2)} s to ${SUBSCRIBERS} subscribers (1 awaiting 100 ms per event)`);
  console.log(`healthy deliveries: ${recorded} of ${total * (SUBSCRIBERS - 1)}`);
  console.log(`healthy latency p50 ${result.healthy_p50_ms} ms, p99 ${result.healthy_p99_ms} ms, max ${sorted[sorted.length - 1]!.toFixed(3)} ms`);
  console.log(JSON.stringify(result));
  process.exit(0);
}

void main();
