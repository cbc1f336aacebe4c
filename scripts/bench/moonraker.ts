/**
 * `npm run bench:moonraker`: N Moonraker websocket clients on one printer while a print streams to it.
 *
 * Two runs, each with a fresh host and simulator: the print alone (no clients), then the same print
 * with N clients (BENCH_CLIENTS, 100) on the printer's own `listen` port (`ws://…/websocket`, API
 * key in `X-Api-Key`), each having identified, listed the printer objects and subscribed to all of
 * them. The host (`cuttle serve`) runs on CPU 0 (BENCH_HOST_CPUS); the simulator (one TCP printer, as
 * behind ser2net, BENCH_BAUD 250 000 baud 8N1 paced, ADVANCED_OK off: one command in flight) and the
 * clients' process on CPU 1 (BENCH_OTHER_CPUS; empty: unpinned). BENCH_LINES (10 000) lines are printed.
 *
 * Measured, over the print's window (its first to its last line arriving at the simulator, `--wire-log`):
 * - status_update_p99_ms: the p99, over every (update, client) pair, of the delay from the host's
 *   `eventtime` of a `notify_status_update` (when its feed computed the change, on the host's clock) to
 *   the client process reading it. The host's clock is mapped onto the wall clock by the
 *   `printer.objects.query` round trip with the smallest delay before the print (offset ± rtt/2,
 *   reported as `eventtime_clock_rtt_ms`). It covers serialising and sending to every subscriber and
 *   the clients' own parsing; it does not cover the feed's 250 ms tick (a change waits up to one
 *   tick before it has an eventtime, by design, as in Klipper);
 * - status_change_to_client_p99_ms: the same delay, measured on the printer's side of the wire
 *   rather than on the host's clock: each update's `virtual_sdcard.file_position` names the file's line
 *   ending there, which the host took to send at that moment. The change happened after the "ok" before
 *   that line left the simulator (`--ok-gaps`) and before the line reached it (`--wire-log`): the
 *   delay from the line's arrival to each client reading the update is the lower bound (the figure;
 *   it is short of the truth by the simulator's own scheduling, on the clients' busy core), from the
 *   "ok" the upper bound (`…_upper`). The position moves with every line, so an update carries the
 *   one just taken; a value that changes once and stays waits up to one 250 ms tick more before the
 *   feed sees it (by design, as Klipper's);
 * - status_update_spread_p99_ms: the p99 over updates of the time between the first and the last
 *   client receiving the same update (how long the host's fan-out to N clients takes);
 * - lines_per_s_pct_of_limit: the print's lines a second as the simulator received them, in % of what
 *   the wire carries with one command in flight (wire.ts), with the clients; `…_no_clients` beside it;
 * - host_cpu_pct: the host's CPU (utime+stime from /proc) over the print's window in % of its core,
 *   with the clients and (`host_cpu_pct_no_clients`) without.
 *
 * taskset pins, it does not reserve: on a shared machine the figures are only as quiet as the machine.
 * The last line is
 * {"clients":…,"status_update_p99_ms":…,"host_cpu_pct":…,"host_cpu_pct_no_clients":…,"lines_per_s_pct_of_limit":…}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { freePort } from '../../test/support/free-port.js';
import { waitFor } from '../../test/support/wait.js';
import { startHostProcess, type HostProcess } from './host-process.js';
import { startMoonrakerClients, type StatusArrivals } from './moonraker-clients.js';
import { now } from './push-harness.js';
import { startTcpSimulatorProcess } from './simulator-process.js';
import { printOnWire, quantile, readJson, typicalFile, unframed, wireLimits, type OkGap, type PrintOnWire, type WireSample } from './wire.js';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 100);
const LINES = Number(process.env['BENCH_LINES'] ?? 10_000);
const BAUD = Number(process.env['BENCH_BAUD'] ?? 250_000);
const HOST_CPUS = process.env['BENCH_HOST_CPUS'] ?? '0';
const OTHER_CPUS = process.env['BENCH_OTHER_CPUS'] ?? '1';
const KEY = 'BenchMoonrakerKey0123456789abcdef';
const FILE = 'moonraker.gcode';
const PRINTER = 'p1';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function request(host: HostProcess, method: string, url: string, body?: FormData | object): Promise<unknown> {
  const headers: Record<string, string> = { 'X-Api-Key': KEY };
  const init: RequestInit = { method, headers };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(host.baseUrl + url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

interface PrinterState {
  state: { text: string; flags: Record<'operational' | 'printing' | 'error' | 'closedOrError', boolean> };
  progress: { completion: number | null };
}

async function printerState(host: HostProcess): Promise<PrinterState> {
  const { printers } = (await request(host, 'GET', '/api/printers')) as { printers: PrinterState[] };
  return printers[0]!;
}

interface Run {
  print: PrintOnWire;
  /** when each of the file's commands reached the simulator (its first arrival), ms since the epoch */
  lineArrivals: Map<string, number>;
  /** the simulator's "ok"s and the arrival of the line each one let in, in arrival order */
  okGaps: OkGap[];
  pctOfLimit: number;
  hostCpuPct: number;
  arrivals?: StatusArrivals;
}

/** One print on a fresh simulator and host, watched by `clients` Moonraker clients (0: none). */
async function run(clients: number, gcode: string, fileLines: Set<string>): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cuttle-bench-moonraker-${clients}-`));
  const wire = path.join(dir, 'wire.json');
  const gaps = path.join(dir, 'ok-gaps.json');
  const sim = await startTcpSimulatorProcess(dir, BAUD, 1, await freePort(), ['--no-advanced-ok', '--wire-log', wire, '--ok-gaps', gaps], OTHER_CPUS || undefined);
  let host: HostProcess | undefined;
  try {
    const basedir = path.join(dir, 'host');
    fs.mkdirSync(basedir);
    const listen = await freePort();
    const config = {
      api: { key: KEY },
      printers: [{ id: PRINTER, name: 'Bench', listen, connection: { port: sim.addresses[0]!, baudrate: BAUD, autoconnect: true } }],
    };
    fs.writeFileSync(path.join(basedir, 'config.yaml'), YAML.stringify(config));
    host = await startHostProcess({ basedir, cpus: HOST_CPUS || undefined });
    const started = host;
    await waitFor(async () => (await printerState(started)).state.flags.operational, { timeoutMs: 60_000, intervalMs: 200, what: 'the printer Operational' });
    const form = new FormData();
    form.append('file', new Blob([gcode]), FILE);
    await request(host, 'POST', '/api/files/local', form);
    const watchers = clients > 0 ? await startMoonrakerClients(clients, `ws://127.0.0.1:${listen}/websocket`, KEY, OTHER_CPUS || undefined) : undefined;
    let arrivals: StatusArrivals | undefined;
    try {
      await request(host, 'POST', `/api/files/local/${FILE}`, { command: 'select', print: true });
      let seen = false;
      // one poll a second, as a dashboard does
      await waitFor(
        async () => {
          const p = await printerState(started);
          if (p.state.flags.error || p.state.flags.closedOrError) throw new Error(`printer: ${p.state.text}`);
          seen ||= p.state.flags.printing;
          return p.state.flags.operational && !p.state.flags.printing && (seen || p.progress.completion === 100);
        },
        { timeoutMs: (LINES / 5) * 1000 + 60_000, intervalMs: 1000, what: 'the print to end' },
      );
      arrivals = await watchers?.arrivals();
    } finally {
      watchers?.stop();
    }
    await host.stop();
    await sim.stop(); // the simulator writes its wire log on the way out
    const log = readJson<WireSample[]>(wire);
    const print = printOnWire(log, (command) => fileLines.has(command));
    const okGaps = readJson<OkGap[]>(gaps);
    const lineArrivals = new Map<string, number>();
    for (const sample of log) if (!lineArrivals.has(unframed(sample))) lineArrivals.set(unframed(sample), sample.at);
    const cpu = host.cpuMsBetween(...print.window);
    const seconds = (print.window[1] - print.window[0]) / 1000;
    const limit = wireLimits(BAUD, print.sentPerLine, print.receivedPerLine).halfDuplex;
    fs.rmSync(dir, { recursive: true, force: true });
    return { print, lineArrivals, okGaps, pctOfLimit: (print.linesPerSecond / limit) * 100, hostCpuPct: ((cpu.user + cpu.system) / (seconds * 1000)) * 100, ...(arrivals ? { arrivals } : {}) };
  } catch (err) {
    await host?.stop();
    await sim.stop();
    console.error(`the run with ${clients} clients failed; the simulator's record and the host's log are in ${dir}`);
    throw err;
  }
}

interface Delays {
  /** eventtime → each client's arrival */
  delays: number[];
  /** the line's arrival at the simulator → each client's arrival */
  fromChange: number[];
  /** the "ok" that let the line in leaving the simulator → each client's arrival */
  fromOk: number[];
  spreads: number[];
  updates: number;
  incomplete: number;
}

/** Delays of the updates whose eventtime fell inside the print's window, from eventtime and from the state change, and their fan-out spread. */
function delays(arrivals: StatusArrivals, watched: Run, lines: string[]): Delays {
  // the byte offset just after each line of the file (as the host's file position counts) → that line
  const lineEndingAt = new Map<number, string>();
  let offset = 0;
  for (const line of lines) lineEndingAt.set((offset += Buffer.byteLength(line) + 1), line);
  const d: Delays = { delays: [], fromChange: [], fromOk: [], spreads: [], updates: 0, incomplete: 0 };
  /** the "ok" recorded with the arrival at `at` (the simulator takes both readings of its clock as the line arrives) */
  const okBefore = (at: number): number | undefined => {
    let [lo, hi] = [0, watched.okGaps.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (watched.okGaps[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    const gap = watched.okGaps[lo];
    return gap && gap.at - at < 1 ? gap.ok : undefined;
  };
  const window = watched.print.window;
  for (const [eventtime, at, filePosition] of arrivals.updates) {
    const sent = eventtime * 1000 + arrivals.clock.offsetMs;
    if (sent < window[0] || sent > window[1]) continue;
    d.updates++;
    if (at.length < CLIENTS) d.incomplete++;
    for (const a of at) d.delays.push(a - sent);
    d.spreads.push(Math.max(...at) - Math.min(...at));
    const line = filePosition === null ? undefined : lineEndingAt.get(filePosition);
    const changed = line === undefined ? undefined : watched.lineArrivals.get(line);
    if (changed === undefined) continue;
    for (const a of at) d.fromChange.push(a - changed);
    const ok = okBefore(changed);
    if (ok !== undefined) for (const a of at) d.fromOk.push(a - ok);
  }
  return d;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-moonraker-file-'));
  const { file, lines } = typicalFile(dir, LINES, FILE);
  const gcode = fs.readFileSync(file, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const fileLines = new Set(lines);
  console.log(
    `${LINES} lines, ${BAUD} baud 8N1, one command in flight; ${CLIENTS} Moonraker clients subscribed to every object; host on CPU ${HOST_CPUS || 'any'}, simulator and clients on CPU ${OTHER_CPUS || 'any'}; started ${new Date(now()).toISOString()}, load ${os.loadavg().map((l) => round(l, 2)).join(' ')}`,
  );
  const alone = await run(0, gcode, fileLines);
  console.log(`no clients: ${round(alone.print.linesPerSecond)} lines/s (${round(alone.pctOfLimit)} % of the limit), host ${round(alone.hostCpuPct)} % of its core`);
  const watched = await run(CLIENTS, gcode, fileLines);
  const d = delays(watched.arrivals!, watched, lines);
  if (d.updates === 0) throw new Error('no notify_status_update arrived during the print');
  const figures = {
    clients: CLIENTS,
    status_update_p99_ms: round(quantile(d.delays, 0.99), 2),
    host_cpu_pct: round(watched.hostCpuPct),
    host_cpu_pct_no_clients: round(alone.hostCpuPct),
    lines_per_s_pct_of_limit: round(watched.pctOfLimit),
  };
  console.log(
    JSON.stringify({
      ...figures,
      lines_per_s_pct_of_limit_no_clients: round(alone.pctOfLimit),
      status_update_p50_ms: round(quantile(d.delays, 0.5), 2),
      status_update_max_ms: round(Math.max(...d.delays), 2),
      status_change_to_client_p50_ms: round(quantile(d.fromChange, 0.5), 2),
      status_change_to_client_p99_ms: round(quantile(d.fromChange, 0.99), 2),
      status_change_to_client_p99_ms_upper: round(quantile(d.fromOk, 0.99), 2),
      status_change_samples: d.fromChange.length,
      status_update_spread_p99_ms: round(quantile(d.spreads, 0.99), 2),
      eventtime_clock_rtt_ms: round(watched.arrivals!.clock.rttMs, 2),
      updates: d.updates,
      updates_missing_a_client: d.incomplete,
      objects: watched.arrivals!.objects.length,
      lines_per_s: round(watched.print.linesPerSecond),
      lines: LINES,
      baudrate: BAUD,
      loadavg: os.loadavg().map((l) => round(l, 2)),
    }),
  );
  console.log(JSON.stringify(figures));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
