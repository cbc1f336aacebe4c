/**
 * `npm run bench:eventlog`: the durable event log (SQLite in WAL mode, written by its own thread).
 *  1. The bus fires at 10 000 events/s for 5 s to 19 healthy subscribers plus the event log: the
 *     healthy subscribers' fire-to-handler p99, and every event found in the database afterwards.
 *  2. Sustained append rate: 1 000 000 events fired as fast as the bus takes them; events per second
 *     from the first fire until the last one is committed. The database then holds over a million.
 *  3. `GET /api/events?since=SEQ&limit=100` over HTTP against a whole host opened on that database,
 *     at random positions: p99.
 *  4. kill -9 of a process firing at 10 000 events/s: events fired but not in the database, and
 *     the time they span (the batch window, `events.log.batchMs`, 100 ms by default).
 * The last line is a JSON object.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import { createContainer, loadSettings } from '../../core/container.js';
import { findRunningHost, type RunningHost } from '../../core/common/running-host.js';
import { HostDatabase, openDatabase } from '../../core/database/database.js';
import { SqliteEventLog } from '../../core/event-log/sqlite-event-log.js';
import { AsyncEventBus } from '../../core/events/bus-impl.js';
import { EventBus } from '../../core/events/event-bus.js';
import { createLogger } from '../../core/logging/logger.js';
import { fireAtRate } from './pace.js';

const RATE = 10_000;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const BURST = Number(process.env['BENCH_BURST'] ?? 1_000_000);
const QUERIES = 2000;
const KEY = 'BenchKey0123456789abcdefghijklmn';
const CLI = path.resolve(__dirname, '../../core/cli/main.js');

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A bus and an event log wired by the real container, on `basedir` (no HTTP, no plugins). */
function standalone(basedir: string) {
  const settings = loadSettings({ basedir, overrides: { 'events.subscriberQueueLimit': 5_000_000 }, env: {} });
  const container = createContainer(settings, createLogger({ level: 'warn', stream: silent }));
  const bus = container.get<EventBus>(EventBus);
  const log = container.get<SqliteEventLog>(SqliteEventLog);
  log.start();
  return { bus, log, database: container.get<HostDatabase>(HostDatabase) };
}

/** The same bus without the log: the baseline the log's cost is read against, on this machine now. */
async function busAlone(): Promise<number> {
  const bus = new AsyncEventBus(createLogger({ level: 'warn', stream: silent }), { historySize: 10_000, queueLimit: 5_000_000 });
  return (await healthyP99(bus)).p99;
}

async function busWithLog(basedir: string): Promise<{ p99: number; fired: number; lost: number }> {
  const { bus, log, database } = standalone(basedir);
  const first = bus.lastSeq + 1;
  const { p99, fired } = await healthyP99(bus);
  await log.flushed();
  const logged = (database.db.prepare('SELECT count(*) AS n FROM events WHERE seq >= ?').get(first) as { n: number }).n;
  await log.stop();
  database.db.close();
  return { p99, fired, lost: fired - logged };
}

/** 19 healthy subscribers on `bus`, events fired at RATE for SECONDS: their fire-to-handler p99. */
async function healthyP99(bus: EventBus): Promise<{ p99: number; fired: number }> {
  const total = RATE * SECONDS;
  const healthy = 19;
  const firedAt = new Float64Array(total + 1);
  const latencies = new Float64Array(total * healthy);
  let recorded = 0;
  const first = bus.lastSeq + 1;
  for (let i = 0; i < healthy; i++) {
    bus.on('ZChange', (_p, event) => {
      latencies[recorded++] = performance.now() - firedAt[event.seq - first + 1]!;
    }, { owner: `healthy-${i}` });
  }
  const fired = total;
  await fireAtRate(RATE, total, (n) => {
    firedAt[n] = performance.now();
    bus.fire('ZChange', { old: n - 1, new: n });
  });
  await bus.idle(10_000);
  const sorted = latencies.slice(0, recorded).sort();
  return { p99: percentile(sorted, 99), fired };
}

async function burst(basedir: string): Promise<{ perSecond: number; events: number }> {
  const { bus, log, database } = standalone(basedir);
  const start = performance.now();
  const CHUNK = 5000;
  for (let n = 0; n < BURST; n += CHUNK) {
    for (let i = 0; i < CHUNK; i++) bus.fire('Upload', { name: `part-${n + i}.gcode`, path: `folder/part-${n + i}.gcode`, target: 'local', file: `folder/part-${n + i}.gcode` });
    await new Promise<void>((r) => setImmediate(r));
  }
  await bus.idle(60_000);
  await log.flushed();
  const seconds = (performance.now() - start) / 1000;
  database.db.pragma('wal_checkpoint(TRUNCATE)');
  const events = (database.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  await log.stop();
  database.db.close();
  return { perSecond: BURST / seconds, events };
}

/** `cuttle serve` on `basedir`, its own process as users run it; resolves with its URL once it listens. */
async function serve(basedir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--basedir', basedir, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let running: RunningHost | undefined;
  while (!(running = findRunningHost(basedir)) || running.pid !== child.pid) {
    if (child.exitCode !== null) throw new Error(`cuttle serve exited with ${child.exitCode}`);
    await sleep(50);
  }
  return { url: running.url, stop: () => (child.kill('SIGTERM'), exited) };
}

/** One GET on a keep-alive connection, body read and parsed as a client does. */
function getJson(url: string, agent: http.Agent): Promise<{ status: number; body: { events: unknown[] } }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'X-Api-Key': KEY } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as { events: unknown[] } }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * The child of step 3, a client process of its own (the bench's process holds hundreds of MB left by
 * steps 1-2, whose collection would land in the timings): one request at a time at random positions,
 * each timed from the request to its parsed body; prints the times (ms) as JSON. It uses node:http on a
 * keep-alive connection; `fetch` (undici, Node 20) keeps garbage alive past its own scavenges, whose
 * 5-20 ms pauses would then be the figure, measuring the client library rather than the host.
 */
async function queryClient(url: string, lastSeq: number, via: 'http' | 'fetch'): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = new Float64Array(QUERIES);
  for (let i = -50; i < QUERIES; i++) {
    const page = `${url}/api/events?since=${Math.floor(Math.random() * (lastSeq - 100))}&limit=100`;
    const t0 = performance.now();
    let answer: { status: number; body: { events: unknown[] } };
    if (via === 'http') answer = await getJson(page, agent);
    else {
      const res = await fetch(page, { headers: { 'X-Api-Key': KEY } });
      answer = { status: res.status, body: (await res.json()) as { events: unknown[] } };
    }
    if (i >= 0) times[i] = performance.now() - t0; // the first 50 warm up
    if (answer.status !== 200 || answer.body.events.length !== 100) throw new Error(`query answered ${answer.status} with ${answer.body.events.length} events`);
  }
  agent.destroy();
  console.log(JSON.stringify(Array.from(times)));
}

/** Step 3: `cuttle serve` on the database of step 2, queried by a client process; the times, sorted. */
async function queries(basedir: string, lastSeq: number, via: 'http' | 'fetch'): Promise<Float64Array> {
  const host = await serve(basedir);
  try {
    const client = spawn(process.execPath, [__filename, 'query-client', host.url, String(lastSeq), via], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    client.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => client.once('exit', (c) => r(c)));
    if (code !== 0) throw new Error(`query client exited with ${code}`);
    return Float64Array.from(JSON.parse(out) as number[]).sort();
  } finally {
    await host.stop();
  }
}

/** The child of step 4: fires at RATE through a real bus and log, printing the last seq fired every 5 ms. */
async function killChild(basedir: string): Promise<void> {
  const { bus } = standalone(basedir);
  setInterval(() => process.stdout.write(`${bus.lastSeq}\n`), 5);
  await fireAtRate(RATE, Number.POSITIVE_INFINITY, (n) => bus.fire('ZChange', { old: n - 1, new: n }));
}

async function killNine(basedir: string): Promise<{ lost: number; ms: number }> {
  const child = spawn(process.execPath, [__filename, 'kill-child', basedir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let lastFired = 0;
  child.stdout!.on('data', (d: Buffer) => {
    const lines = d.toString().trim().split('\n');
    lastFired = Math.max(lastFired, Number(lines.at(-1)));
  });
  // 2 s of firing, counted from the child's first report (starting node may take a while on a busy machine)
  while (lastFired === 0) await sleep(10);
  await sleep(2000);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
  const db = openDatabase(path.join(basedir, 'data', 'cuttle.db'));
  const logged = (db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number }).seq;
  db.close();
  const lost = Math.max(0, lastFired - logged);
  return { lost, ms: (lost / RATE) * 1000 };
}

async function main(): Promise<void> {
  if (process.argv[2] === 'kill-child') return killChild(process.argv[3]!);
  if (process.argv[2] === 'query-client') return queryClient(process.argv[3]!, Number(process.argv[4]), process.argv[5] === 'fetch' ? 'fetch' : 'http');
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-eventlog-'));
  writeFileSync(path.join(basedir, 'config.yaml'), `api:\n  key: ${KEY}\nlogging:\n  level: warn\n`);
  try {
    const baseline = await busAlone();
    const live = await busWithLog(basedir);
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
    console.log(`bus at ${RATE}/s for ${SECONDS} s, 19 healthy subscribers: p99 ${baseline.toFixed(4)} ms without the log`);
    console.log(`bus at ${RATE}/s for ${SECONDS} s with the log: ${live.fired} fired, ${live.lost} missing from the database, healthy p99 ${live.p99.toFixed(4)} ms`);
    if (live.lost !== 0) throw new Error(`${live.lost} events lost`);
    const appended = await burst(basedir);
    const file = path.join(basedir, 'data', 'cuttle.db');
    const mb = statSync(file).size / 1024 / 1024;
    console.log(`burst: ${BURST} events committed at ${Math.round(appended.perSecond)} events/s; database ${mb.toFixed(1)} MB for ${appended.events} events`);
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} before the queries`);
    const times = await queries(basedir, appended.events, 'http');
    console.log(`GET /api/events?since=…&limit=100 over ${appended.events} events, node:http keep-alive: p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms`);
    const viaFetch = await queries(basedir, appended.events, 'fetch');
    console.log(`the same through fetch (undici): p50 ${percentile(viaFetch, 50).toFixed(3)} ms, p99 ${percentile(viaFetch, 99).toFixed(3)} ms`);
    const killDir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-kill-'));
    writeFileSync(path.join(killDir, 'config.yaml'), `api:\n  key: ${KEY}\n`);
    const kill = await killNine(killDir);
    rmSync(killDir, { recursive: true, force: true });
    console.log(JSON.stringify({ kill9_lost_events: kill.lost, kill9_lost_ms: Number(kill.ms.toFixed(1)), batch_ms: 100 }));
    console.log(
      JSON.stringify({
        append_events_per_s: Math.round(appended.perSecond),
        bus_p99_ms_with_log: Number(live.p99.toFixed(4)),
        query_p99_ms: Number(percentile(times, 99).toFixed(3)),
        db_mb_per_million_events: Number(((mb * 1_000_000) / appended.events).toFixed(1)),
      }),
    );
  } finally {
    rmSync(basedir, { recursive: true, force: true });
  }
  process.exit(0);
}

void main();
