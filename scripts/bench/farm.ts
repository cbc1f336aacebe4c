/**
 * `npm run bench:farm`: one host streaming to N printers at once while push clients watch, over
 * TCP (one simulator process with N printers, as behind ser2net) and over ptys, each beside its
 * floor: the same streaming with no host logic at all, on the same transport, in the same run.
 *
 * Runs: TCP with N = 1, 4, 8, 16, 32, 64 (BENCH_TCP_PRINTERS), and ptys with N = 16
 * (BENCH_PTY_PRINTERS: N `cuttle virtual-printer` processes, each on its socat pty, `--sleep-pacing`).
 * Every printer at 250 000 baud (bytes paced, 8N1), ADVANCED_OK off so the host keeps one command
 * in flight. The host (`cuttle serve`, plugins on) is pinned to CPU 0 with `taskset`; simulators and
 * push clients to CPU 1 (BENCH_HOST_CPUS, BENCH_OTHER_CPUS). One file is uploaded once and started on
 * every printer at once through `/printer/<id>/api/files/local/<file>`, after a warm-up print of other
 * lines on every printer (unmeasured; the floor streams it first too): a host that has been up a while
 * has its code compiled, and a fresh one spends its first seconds in V8's compiler (a third of its CPU
 * in the first 3 000 lines at one printer, perf). The push counts include the warm-up.
 *
 * Measured, per run:
 * - each printer's line rate on its own side of the wire (the simulator's `--wire-log`), as a % of the
 *   wire limit for one command in flight; the minimum over printers is reported;
 * - the host's CPU (utime+stime from /proc, sampled every 100 ms) over the streaming window, per
 *   1 000 lines over all printers, and as a share of its core;
 * - the p99.9 of the gaps between an "ok" leaving a printer and the next line arriving (`--ok-gaps`);
 * - the host's peak RSS (VmHWM);
 * - the simulators' share of their core: near 100 % means the simulators, not the host, set the pace,
 *   and the row says `"simulator_saturated": true` (that run is not a result);
 * - the floor: fresh simulators, and `bare-stream.js` (pinned where the host was) streaming the same
 *   file to the same N printers with no host logic; `host_over_floor` is the host's CPU per 1 000
 *   lines over the floor's, and `floor_min_pct_of_limit` (with the floor's gaps) what the bare loop
 *   reached on the wire, measured as the host's run is: no host can beat it on this machine.
 *
 * taskset pins, it does not reserve: on a shared machine other processes run on CPU 0 too. Each row
 * carries the load average before it.
 *
 * One line per run as it ends; the last line is
 * {"rows":[{"transport":"tcp","printers":16,"min_pct_of_limit":…,"p999_gap_ms":…,"cpu_ms_per_1000_lines":…,
 *   "host_over_floor":…,"host_cpu_pct":…,"rss_mb":…,"simulator_cpu_pct":…},…],"largest_n_at_95_pct":…}.
 * Env: BENCH_TCP_PRINTERS, BENCH_PTY_PRINTERS, BENCH_LINES (3000), BENCH_WARMUP_LINES (2000; 0: none), BENCH_BAUD (250000),
 * BENCH_PUSH_CLIENTS (100), BENCH_HOST_CPUS (0), BENCH_OTHER_CPUS (1; empty: unpinned),
 * BENCH_CPU_PROF (1: profile the host with --cpu-prof and print its top functions per run),
 * BENCH_HOST_NODE_ARGS (extra node flags for the host, space-separated), BENCH_KEEP (1: keep the run's folder, host.log included).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { profileClock, timeByArea, topFunctions } from './cpu-profile.js';
import { startHostProcess, treeCpuMs, type HostProcess } from './host-process.js';
import { now } from './push-harness.js';
import { startPushClients, type PushCounts } from './push-clients.js';
import { startSimulatorProcess, startTcpSimulatorProcess } from './simulator-process.js';
import { gapsInside, printOnWire, quantile, readJson, typicalFile, wireLimits, type OkGap, type PrintOnWire, type WireSample } from './wire.js';

const counts = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').filter(Boolean).map(Number);
type Transport = 'tcp' | 'pty';
const RUNS: { transport: Transport; printers: number }[] = [
  ...counts('BENCH_TCP_PRINTERS', '1,4,8,16,32,64').map((printers) => ({ transport: 'tcp' as const, printers })),
  ...counts('BENCH_PTY_PRINTERS', '16').map((printers) => ({ transport: 'pty' as const, printers })),
];
const LINES = Number(process.env['BENCH_LINES'] ?? 3000);
/** lines of the unmeasured print that comes first on every printer (and on the floor): the host's code is compiled and its caches filled, as in a host that has been up for a while */
const WARMUP_LINES = Number(process.env['BENCH_WARMUP_LINES'] ?? 2000);
const BAUD = Number(process.env['BENCH_BAUD'] ?? 250_000);
const PUSH_CLIENTS = Number(process.env['BENCH_PUSH_CLIENTS'] ?? 100);
/** a simulator process above this share of its core set the pace itself */
const SATURATED_PCT = 90;
const HOST_CPUS = process.env['BENCH_HOST_CPUS'] ?? '0';
const OTHER_CPUS = process.env['BENCH_OTHER_CPUS'] ?? '1';
const CPU_PROF = process.env['BENCH_CPU_PROF'] === '1';
/** extra node flags for the host, to compare runtime settings (e.g. "--single-threaded-gc") */
const HOST_NODE_ARGS = (process.env['BENCH_HOST_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const KEY = 'BenchFarmKey0123456789abcdefghij';
const FILE = 'farm.gcode';
const WARMUP_FILE = 'warmup.gcode';

/** The simulated printers of one run: their ports, their record files, and the processes that run them. */
interface Printers {
  ports: string[];
  gaps: string[];
  wires: string[];
  pids: number[];
  stop(): Promise<void>;
}

interface Farm {
  dir: string;
  ids: string[];
  printers: Printers;
  host?: HostProcess;
}

/** `count` consecutive free TCP ports on loopback, from a random base. */
async function freePortRange(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

/** Simulated printers on `transport`, with their records (`record: false` for the floor's, which needs none). */
async function startPrinters(transport: Transport, count: number, dir: string, record: boolean): Promise<Printers> {
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  if (transport === 'tcp') {
    const gaps = path.join(dir, 'ok-gaps.json');
    const wire = path.join(dir, 'wire.json');
    const numbered = (file: string, n: number) => (count === 1 ? file : file.replace(/\.json$/, `-${n}.json`));
    const args = ['--no-advanced-ok', ...(record ? ['--ok-gaps', gaps, '--wire-log', wire] : [])];
    const sim = await startTcpSimulatorProcess(dir, BAUD, count, await freePortRange(count), args, OTHER_CPUS || undefined);
    return { ports: sim.addresses, gaps: ids.map((n) => numbered(gaps, n)), wires: ids.map((n) => numbered(wire, n)), pids: [sim.pid], stop: () => sim.stop() };
  }
  const sims = await Promise.all(
    ids.map(async (n) => {
      const simDir = path.join(dir, `p${n}`);
      fs.mkdirSync(simDir, { recursive: true });
      const gaps = path.join(simDir, 'ok-gaps.json');
      const wire = path.join(simDir, 'wire.json');
      const args = ['--no-advanced-ok', '--sleep-pacing', ...(record ? ['--ok-gaps', gaps, '--wire-log', wire] : [])];
      return { ...(await startSimulatorProcess(simDir, BAUD, args, OTHER_CPUS || undefined)), gaps, wire };
    }),
  );
  return {
    ports: sims.map((s) => s.link),
    gaps: sims.map((s) => s.gaps),
    wires: sims.map((s) => s.wire),
    pids: sims.map((s) => s.pid),
    stop: async () => void (await Promise.all(sims.map((s) => s.stop()))),
  };
}

async function request(host: HostProcess, method: string, url: string, body?: unknown): Promise<unknown> {
  const init: RequestInit = { method, headers: { 'X-Api-Key': KEY } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const res = await fetch(host.baseUrl + url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function until(what: string, timeoutMs: number, everyMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What GET /api/printers tells about each printer (OctoPrint's state flags and progress). */
interface FarmPrinter {
  id: string;
  state: { text: string; flags: Record<'operational' | 'printing' | 'error' | 'closedOrError', boolean> };
  job: { file: { name: string | null } };
  progress: { completion: number | null };
}

async function startFarm(transport: Transport, count: number, gcode: string, warmup: string): Promise<Farm> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cuttle-bench-farm-${transport}-${count}-`));
  const ids = Array.from({ length: count }, (_, i) => `p${i + 1}`);
  const farm: Farm = { dir, ids, printers: await startPrinters(transport, count, dir, true) };
  const basedir = path.join(dir, 'host');
  fs.mkdirSync(basedir);
  const config = {
    api: { key: KEY },
    printers: ids.map((id, i) => ({ id, name: `Farm ${id}`, connection: { port: farm.printers.ports[i]!, baudrate: BAUD, autoconnect: true } })),
  };
  fs.writeFileSync(path.join(basedir, 'config.yaml'), YAML.stringify(config));
  const nodeArgs = [...HOST_NODE_ARGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, 'prof')}`] : [])];
  farm.host = await startHostProcess({ basedir, cpus: HOST_CPUS || undefined, nodeArgs });
  const host = farm.host;
  await until('every printer Operational', 60_000, 200, async () => {
    const { printers } = (await request(host, 'GET', '/api/printers')) as { printers: FarmPrinter[] };
    return printers.length === count && printers.every((p) => p.state.flags.operational);
  });
  for (const [name, text] of [[FILE, gcode], [WARMUP_FILE, warmup]] as const) {
    if (!text) continue;
    const form = new FormData();
    form.append('file', new Blob([text]), name);
    await request(host, 'POST', '/api/files/local', form);
  }
  return farm;
}

/** What the floor reached on the wire, measured as the host's run is: the bare loop's own share of the limit and its gaps. */
interface FloorWire {
  minPct: number;
  p50GapMs: number;
  p999GapMs: number;
}

/**
 * The floor: fresh printers on the same transport, streamed to by bare-stream.js where the host ran.
 * Its CPU per line, and what it reached on the wire: no host can do better than a loop without
 * logic, so the host's % of the limit and its gaps read against the floor's.
 */
async function runFloor(transport: Transport, count: number, dir: string, linesFile: string, warmupFile: string | undefined, fileLines: Set<string>): Promise<{ cpuMsPer1000: number; simulatorPct: number; wire: FloorWire }> {
  const floorDir = path.join(dir, 'floor');
  fs.mkdirSync(floorDir, { recursive: true });
  const printers = await startPrinters(transport, count, floorDir, true);
  let stopped = false;
  try {
    const script = path.join(__dirname, 'bare-stream.js');
    const args = [script, ...(warmupFile ? ['--warmup', warmupFile] : []), linesFile, String(BAUD), ...printers.ports];
    const started = [now(), printers.pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0)];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(HOST_CPUS ? 'taskset' : process.execPath, HOST_CPUS ? ['-c', HOST_CPUS, process.execPath, ...args] : args, { maxBuffer: 1 << 20 }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    const simulatorPct = ((printers.pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0) - started[1]!) / (now() - started[0]!)) * 100;
    const floor = JSON.parse(stdout.trim().split('\n').at(-1)!) as { lines: number; cpu_ms: number };
    await printers.stop(); // the simulators write their records on the way out
    stopped = true;
    const prints = printers.wires.map((wire) => printOnWire(readJson<WireSample[]>(wire), (command) => fileLines.has(command)));
    const gaps = printers.gaps.flatMap((file, i) => gapsInside(readJson<OkGap[]>(file), prints[i]!.window));
    const minPct = Math.min(...prints.map((p) => (p.linesPerSecond / wireLimits(BAUD, p.sentPerLine, p.receivedPerLine).halfDuplex) * 100));
    return { cpuMsPer1000: floor.cpu_ms / (floor.lines / 1000), simulatorPct, wire: { minPct, p50GapMs: quantile(gaps, 0.5), p999GapMs: quantile(gaps, 0.999) } };
  } finally {
    if (!stopped) await printers.stop();
  }
}

async function stopFarm(farm: Farm): Promise<void> {
  await farm.host?.stop();
  await farm.printers.stop();
}

interface Figures {
  transport: Transport;
  printers: number;
  min_pct_of_limit: number;
  /** what the floor (bare-stream.js, no host logic) reached on the same transport: the best any host could */
  floor_min_pct_of_limit: number;
  p999_gap_ms: number;
  floor_p50_gap_ms: number;
  floor_p999_gap_ms: number;
  cpu_ms_per_1000_lines: number;
  /** the same streaming with no host logic (bare-stream.js), on the same transport, CPU-ms per 1 000 lines */
  floor_cpu_ms_per_1000_lines: number;
  host_over_floor: number;
  /** the simulator process(es), in % of their core, while the prints ran */
  simulator_cpu_pct: number;
  simulator_saturated: boolean;
  rss_mb: number;
  rss_sampled_max_mb: number;
  host_cpu_pct: number;
  /** the part of the host's CPU spent in the kernel (pty and socket writes; over loopback a socket write also runs the receiver's TCP path) */
  host_system_cpu_share_pct: number;
  /** simulators (with their socat) and push clients, in % of one CPU, while the prints ran */
  others_cpu_pct: number;
  min_lines_per_s: number;
  max_lines_per_s: number;
  total_lines_per_s: number;
  min_pct_of_full_duplex_limit: number;
  bytes_sent_per_line: number;
  bytes_received_per_line: number;
  resent_lines: number;
  p50_gap_ms: number;
  p99_gap_ms: number;
  max_gap_ms: number;
  gaps: number;
  push_clients: number;
  push_messages: Record<string, number>;
  push_by_printer: Record<string, number>;
  lines: number;
  warmup_lines: number;
  baudrate: number;
  host_cpus: string;
  other_cpus: string;
  /** the machine's load average (1, 5, 15 min) before this N and after it: the figures mean little on a busy machine */
  loadavg_before: number[];
  loadavg: number[];
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Prints `file` on every printer at once; resolves when every one has printed it. */
async function printEverywhere(host: HostProcess, ids: string[], file: string, lines: number): Promise<void> {
  await Promise.all(ids.map((id) => request(host, 'POST', `/printer/${id}/api/files/local/${file}`, { command: 'select', print: true })));
  // one farm-wide poll a second, as a farm dashboard does (the bench's own requests are host load too)
  const seen = new Set<string>();
  await until(`every print of ${file} to end`, (lines / 5) * 1000 + 60_000, 1000, async () => {
    const { printers } = (await request(host, 'GET', '/api/printers')) as { printers: FarmPrinter[] };
    for (const p of printers) {
      if (p.state.flags.printing) seen.add(p.id);
      if (p.state.flags.error || p.state.flags.closedOrError) throw new Error(`printer ${p.id}: ${p.state.text}`);
    }
    return printers.every((p) => p.state.flags.operational && !p.state.flags.printing && (seen.has(p.id) || (p.job.file.name === file && p.progress.completion === 100)));
  });
}

async function runFarm(transport: Transport, count: number, gcode: string, warmup: { gcode: string; file?: string }, fileLines: Set<string>, linesFile: string): Promise<Figures> {
  const warmupFile = warmup.file;
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  const farm = await startFarm(transport, count, gcode, warmup.gcode);
  let counts: PushCounts;
  let cpu: { user: number; system: number };
  let memory: { hwmMb: number; maxSampledRssMb: number };
  let prints: PrintOnWire[];
  let streaming: [number, number];
  let othersCpuPct: number;
  let simulatorCpuPct: number;
  const host = farm.host!;
  try {
    const clients = await startPushClients(PUSH_CLIENTS, host.baseUrl, KEY, OTHER_CPUS || undefined);
    // what the other side (simulators with their socat, push clients) used while the prints ran
    const simulators = () => farm.printers.pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
    const others = () => treeCpuMs(clients.pid) + simulators();
    try {
      // the warm-up print, unmeasured: the wire windows below hold the measured file's lines only
      if (warmupFile) await printEverywhere(host, farm.ids, WARMUP_FILE, WARMUP_LINES);
      const othersFrom: [number, number] = [now(), others()];
      const simulatorsFrom = simulators();
      await printEverywhere(host, farm.ids, FILE, LINES);
      othersCpuPct = ((others() - othersFrom[1]) / (now() - othersFrom[0])) * 100;
      simulatorCpuPct = ((simulators() - simulatorsFrom) / (now() - othersFrom[0])) * 100;
      counts = await clients.counts();
    } finally {
      clients.stop();
    }
    memory = host.memory();
    await stopFarm(farm); // the simulators write their records on the way out
    prints = farm.printers.wires.map((wire) => printOnWire(readJson<WireSample[]>(wire), (command) => fileLines.has(command)));
    streaming = [Math.min(...prints.map((p) => p.window[0])), Math.max(...prints.map((p) => p.window[1]))];
    cpu = host.cpuMsBetween(...streaming);
  } catch (err) {
    await stopFarm(farm);
    console.error(`${count} printers over ${transport} failed; its simulators' records and the host's log are in ${farm.dir}`);
    throw err;
  }
  const gaps = farm.printers.gaps.flatMap((file, i) => gapsInside(readJson<OkGap[]>(file), prints[i]!.window));
  const floor = await runFloor(transport, count, farm.dir, linesFile, warmupFile, fileLines);
  const pcts = prints.map((p) => {
    const limits = wireLimits(BAUD, p.sentPerLine, p.receivedPerLine);
    return { oneInFlight: (p.linesPerSecond / limits.halfDuplex) * 100, fullDuplex: (p.linesPerSecond / limits.fullDuplex) * 100 };
  });
  const cpuMs = cpu.user + cpu.system;
  const totalLines = prints.reduce((sum, p) => sum + p.lines, 0);
  const seconds = (streaming[1] - streaming[0]) / 1000;
  const minPct = Math.min(...pcts.map((p) => p.oneInFlight));
  const profile = CPU_PROF ? fs.readdirSync(path.join(farm.dir, 'prof')).map((f) => path.join(farm.dir, 'prof', f))[0] : undefined;
  const hostPer1000 = cpuMs / (totalLines / 1000);
  const figures: Figures = {
    transport,
    printers: count,
    min_pct_of_limit: round(minPct),
    floor_min_pct_of_limit: round(floor.wire.minPct),
    p999_gap_ms: round(quantile(gaps, 0.999), 2),
    floor_p50_gap_ms: round(floor.wire.p50GapMs, 2),
    floor_p999_gap_ms: round(floor.wire.p999GapMs, 2),
    cpu_ms_per_1000_lines: round(hostPer1000, 2),
    floor_cpu_ms_per_1000_lines: round(floor.cpuMsPer1000, 2),
    host_over_floor: round(hostPer1000 / floor.cpuMsPer1000, 2),
    simulator_cpu_pct: round(simulatorCpuPct!),
    simulator_saturated: simulatorCpuPct! > SATURATED_PCT || floor.simulatorPct > SATURATED_PCT,
    rss_mb: round(memory.hwmMb),
    rss_sampled_max_mb: round(memory.maxSampledRssMb),
    host_cpu_pct: round((cpuMs / (seconds * 1000)) * 100),
    host_system_cpu_share_pct: round((cpu.system / cpuMs) * 100),
    others_cpu_pct: round(othersCpuPct),
    min_lines_per_s: Math.round(Math.min(...prints.map((p) => p.linesPerSecond))),
    max_lines_per_s: Math.round(Math.max(...prints.map((p) => p.linesPerSecond))),
    total_lines_per_s: Math.round(totalLines / seconds),
    min_pct_of_full_duplex_limit: round(Math.min(...pcts.map((p) => p.fullDuplex))),
    bytes_sent_per_line: round(prints[0]!.sentPerLine),
    bytes_received_per_line: round(prints[0]!.receivedPerLine),
    resent_lines: prints.reduce((sum, p) => sum + p.lines - LINES, 0),
    p50_gap_ms: round(quantile(gaps, 0.5), 2),
    p99_gap_ms: round(quantile(gaps, 0.99), 2),
    max_gap_ms: round(gaps.reduce((max, g) => (g > max ? g : max), 0), 2),
    gaps: gaps.length,
    push_clients: PUSH_CLIENTS,
    push_messages: counts.byType,
    push_by_printer: counts.byPrinter,
    lines: LINES,
    warmup_lines: WARMUP_LINES,
    baudrate: BAUD,
    host_cpus: HOST_CPUS,
    other_cpus: OTHER_CPUS,
    loadavg_before: loadBefore,
    loadavg: os.loadavg().map((l) => round(l, 2)),
  };
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `${transport} × ${count}: ${fmt(figures.min_lines_per_s)}–${fmt(figures.max_lines_per_s)} lines/s each (${fmt(figures.total_lines_per_s)} in all, ${fmt(seconds, 1)} s), ` +
      `min ${fmt(minPct, 1)} % of the one-in-flight limit (${fmt(figures.min_pct_of_full_duplex_limit, 1)} % of full duplex); ` +
      `host ${fmt(hostPer1000, 1)} CPU-ms per 1 000 lines, ${fmt(figures.host_over_floor, 2)}× the floor's ${fmt(floor.cpuMsPer1000, 1)} (${fmt(figures.host_cpu_pct)} % of a core, ${fmt(figures.host_system_cpu_share_pct)} % of it in the kernel; simulators ${fmt(simulatorCpuPct!)} %${figures.simulator_saturated ? ' SATURATED: not a result' : ''}, with clients ${fmt(othersCpuPct)} %), RSS peak ${fmt(memory.hwmMb)} MB; ` +
      `ok→next line p50 ${fmt(figures.p50_gap_ms, 2)} / p99 ${fmt(figures.p99_gap_ms, 2)} / p99.9 ${fmt(figures.p999_gap_ms, 2)} / max ${fmt(figures.max_gap_ms, 2)} ms; ` +
      `the floor reached ${fmt(figures.floor_min_pct_of_limit, 1)} % of the limit, ok→next line p50 ${fmt(figures.floor_p50_gap_ms, 2)} / p99.9 ${fmt(figures.floor_p999_gap_ms, 2)} ms; load ${os.loadavg().map((l) => fmt(l, 2)).join(' ')}`,
  );
  if (profile) {
    const wall = now();
    const window: [number, number] = [profileClock(streaming[0], wall), profileClock(streaming[1], wall)];
    console.log(`  host main thread over the streaming window (${profile}), by area (innermost project frame):`);
    console.log(`    ${timeByArea(profile, window).slice(0, 14).map((a) => `${a.area} ${fmt(a.ms)} ms`).join(', ')}`);
    console.log('  top self time:');
    for (const f of topFunctions(profile, 20, window)) console.log(`    ${fmt(f.pct, 1).padStart(5)} %  ${fmt(f.selfMs).padStart(6)} ms  ${f.name}  ${f.where}`);
  }
  if (CPU_PROF || process.env['BENCH_KEEP'] === '1') console.log(`  kept ${farm.dir}`);
  else fs.rmSync(farm.dir, { recursive: true, force: true });
  return figures;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-farm-file-'));
  const { file, lines } = typicalFile(dir, LINES, FILE);
  const gcode = fs.readFileSync(file, 'utf8');
  const warmup = WARMUP_LINES > 0 ? typicalFile(dir, WARMUP_LINES, WARMUP_FILE, { x: 10, y: 5 }).file : undefined;
  console.log(
    `${LINES} lines a printer after ${WARMUP_LINES} of warm-up, ${BAUD} baud 8N1, one command in flight (ADVANCED_OK off); host on CPU ${HOST_CPUS || 'any'}, simulators and ${PUSH_CLIENTS} push clients on CPU ${OTHER_CPUS || 'any'}; started ${new Date(now()).toISOString()}`,
  );
  const results: Figures[] = [];
  try {
    for (const { transport, printers } of RUNS) {
      const figures = await runFarm(transport, printers, gcode, { gcode: warmup ? fs.readFileSync(warmup, 'utf8') : '', file: warmup }, new Set(lines), file);
      results.push(figures);
      console.log(JSON.stringify(figures));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const holding = results.filter((r) => r.transport === 'tcp' && r.min_pct_of_limit >= 95 && !r.simulator_saturated).map((r) => r.printers);
  console.log(
    JSON.stringify({
      rows: results.map((r) => ({
        transport: r.transport,
        printers: r.printers,
        min_pct_of_limit: r.min_pct_of_limit,
        floor_min_pct_of_limit: r.floor_min_pct_of_limit,
        p999_gap_ms: r.p999_gap_ms,
        cpu_ms_per_1000_lines: r.cpu_ms_per_1000_lines,
        host_over_floor: r.host_over_floor,
        host_cpu_pct: r.host_cpu_pct,
        rss_mb: r.rss_mb,
        simulator_cpu_pct: r.simulator_cpu_pct,
        simulator_saturated: r.simulator_saturated,
      })),
      largest_n_at_95_pct: holding.length ? Math.max(...holding) : null,
      loadavg: os.loadavg().map((l) => round(l, 2)),
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
