/**
 * `npm run bench:farm`: one host streaming to N printers at once while 200 push clients watch.
 *
 * For each N (1, 4, 8, 16): N `cuttle virtual-printer` processes, each on its own socat pty at
 * 250 000 baud (bytes paced, 8N1; `--sleep-pacing`: a simulator sleeps, not spins, through the last
 * millisecond of a byte's wire time, or 16 of them would need more cores than the machine has),
 * ADVANCED_OK off so the host keeps one command in flight; one
 * `cuttle serve` process (a real host, plugins on) pinned to CPU 0 with `taskset`, whose config.yaml
 * lists the N ptys under `printers:` (autoconnect); 200 socket.io clients at the root of its port
 * (which carries every printer's `current` and events). Simulators and clients run on the other
 * CPUs (BENCH_OTHER_CPUS, default 1), so they do not take the host's core. One file is uploaded
 * once and started on every printer at once through `/printer/<id>/api/files/local/<file>`.
 *
 * Measured, per N:
 * - each printer's line rate and bytes per line on its own side of the wire (the simulator's
 *   `--wire-log`: every line's arrival with the byte counts of both directions), from the arrival
 *   of the print's first line to that of its last; as a percentage of the wire limit for one
 *   command in flight (line and "ok" cannot overlap: (baud/10) / (bytes sent + received per line));
 *   the minimum over printers is reported, the full-duplex view is shown beside it;
 * - the host's CPU (utime+stime from /proc/<pid>/stat, sampled every 100 ms) over the streaming
 *   window (first printer's first line to last printer's last line), per 1 000 lines over all printers;
 * - the p99.9 of the gaps between an "ok" leaving a printer and the next line arriving (the
 *   simulator's `--ok-gaps`), over all printers' prints;
 * - the host's peak RSS (VmHWM from /proc/<pid>/status; the largest 100 ms VmRSS sample beside it).
 *
 * taskset pins, it does not reserve: on a shared machine other processes run on CPU 0 too. Each N's
 * JSON carries the load average before and after, the host's share of a core (host_cpu_pct) and the
 * other side's (others_cpu_pct): a host far below 100 % of its core while the gaps are long means
 * the machine, not the host, set the pace; others_cpu_pct near 100 means the simulators did.
 *
 * One JSON line per N; the last line is the largest N's:
 * {"printers":16,"min_pct_of_limit":…,"p999_gap_ms":…,"cpu_ms_per_1000_lines":…,"rss_mb":…, …}.
 * Env: BENCH_PRINTERS (1,4,8,16), BENCH_LINES (5000), BENCH_BAUD (250000), BENCH_PUSH_CLIENTS (200),
 * BENCH_HOST_CPUS (0), BENCH_OTHER_CPUS (1; empty: unpinned), BENCH_CPU_PROF (1: profile the host
 * with --cpu-prof and print its top functions per N).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { profileClock, timeByArea, topFunctions } from './cpu-profile.js';
import { startHostProcess, treeCpuMs, type HostProcess } from './host-process.js';
import { now } from './push-harness.js';
import { startPushClients, type PushCounts } from './push-clients.js';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.js';
import { gapsInside, printOnWire, quantile, readJson, typicalFile, wireLimits, type OkGap, type PrintOnWire, type WireSample } from './wire.js';

const PRINTERS = (process.env['BENCH_PRINTERS'] ?? '1,4,8,16').split(',').map(Number);
const LINES = Number(process.env['BENCH_LINES'] ?? 5000);
const BAUD = Number(process.env['BENCH_BAUD'] ?? 250_000);
const PUSH_CLIENTS = Number(process.env['BENCH_PUSH_CLIENTS'] ?? 200);
const HOST_CPUS = process.env['BENCH_HOST_CPUS'] ?? '0';
const OTHER_CPUS = process.env['BENCH_OTHER_CPUS'] ?? '1';
const CPU_PROF = process.env['BENCH_CPU_PROF'] === '1';
const KEY = 'BenchFarmKey0123456789abcdefghij';
const FILE = 'farm.gcode';

interface Farm {
  dir: string;
  ids: string[];
  simulators: (SimulatorProcess & { gaps: string; wire: string })[];
  host?: HostProcess;
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
  progress: { completion: number | null };
}

async function startFarm(count: number, gcode: string): Promise<Farm> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cuttle-bench-farm-${count}-`));
  const ids = Array.from({ length: count }, (_, i) => `p${i + 1}`);
  const farm: Farm = { dir, ids, simulators: [] };
  farm.simulators = await Promise.all(
    ids.map(async (id) => {
      const simDir = path.join(dir, id);
      fs.mkdirSync(simDir);
      const gaps = path.join(simDir, 'ok-gaps.json');
      const wire = path.join(simDir, 'wire.json');
      const sim = await startSimulatorProcess(simDir, BAUD, ['--no-advanced-ok', '--sleep-pacing', '--ok-gaps', gaps, '--wire-log', wire], OTHER_CPUS || undefined);
      return { ...sim, gaps, wire };
    }),
  );
  const basedir = path.join(dir, 'host');
  fs.mkdirSync(basedir);
  const config = {
    api: { key: KEY },
    printers: ids.map((id, i) => ({ id, name: `Farm ${id}`, connection: { port: farm.simulators[i]!.link, baudrate: BAUD, autoconnect: true } })),
  };
  fs.writeFileSync(path.join(basedir, 'config.yaml'), YAML.stringify(config));
  const nodeArgs = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, 'prof')}`] : [];
  farm.host = await startHostProcess({ basedir, cpus: HOST_CPUS || undefined, nodeArgs });
  const host = farm.host;
  await until('every printer Operational', 60_000, 200, async () => {
    const { printers } = (await request(host, 'GET', '/api/printers')) as { printers: FarmPrinter[] };
    return printers.length === count && printers.every((p) => p.state.flags.operational);
  });
  const form = new FormData();
  form.append('file', new Blob([gcode]), FILE);
  await request(host, 'POST', '/api/files/local', form);
  return farm;
}

async function stopFarm(farm: Farm): Promise<void> {
  await farm.host?.stop();
  await Promise.all(farm.simulators.map((s) => s.stop()));
}

interface Figures {
  printers: number;
  min_pct_of_limit: number;
  p999_gap_ms: number;
  cpu_ms_per_1000_lines: number;
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
  baudrate: number;
  host_cpus: string;
  other_cpus: string;
  /** the machine's load average (1, 5, 15 min) before this N and after it: the figures mean little on a busy machine */
  loadavg_before: number[];
  loadavg: number[];
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function runFarm(count: number, gcode: string, fileLines: Set<string>): Promise<Figures> {
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  const farm = await startFarm(count, gcode);
  let counts: PushCounts;
  let cpu: { user: number; system: number };
  let memory: { hwmMb: number; maxSampledRssMb: number };
  let prints: PrintOnWire[];
  let streaming: [number, number];
  let othersCpuPct: number;
  const host = farm.host!;
  try {
    const clients = await startPushClients(PUSH_CLIENTS, host.baseUrl, KEY, OTHER_CPUS || undefined);
    // what the other side (simulators with their socat, push clients) used while the prints ran
    const others = () => [clients.pid, ...farm.simulators.map((s) => s.pid)].reduce((sum, pid) => sum + treeCpuMs(pid), 0);
    try {
      const othersFrom: [number, number] = [now(), others()];
      await Promise.all(farm.ids.map((id) => request(host, 'POST', `/printer/${id}/api/files/local/${FILE}`, { command: 'select', print: true })));
      // one farm-wide poll a second, as a farm dashboard does (the bench's own requests are host load too)
      const seen = new Set<string>();
      await until('every print to end', (LINES / 5) * 1000 + 60_000, 1000, async () => {
        const { printers } = (await request(host, 'GET', '/api/printers')) as { printers: FarmPrinter[] };
        for (const p of printers) {
          if (p.state.flags.printing) seen.add(p.id);
          if (p.state.flags.error || p.state.flags.closedOrError) throw new Error(`printer ${p.id}: ${p.state.text}`);
        }
        return printers.every((p) => p.state.flags.operational && !p.state.flags.printing && (seen.has(p.id) || p.progress.completion === 100));
      });
      othersCpuPct = ((others() - othersFrom[1]) / (now() - othersFrom[0])) * 100;
      counts = await clients.counts();
    } finally {
      clients.stop();
    }
    memory = host.memory();
    await stopFarm(farm); // the simulators write their records on the way out
    prints = farm.simulators.map((s) => printOnWire(readJson<WireSample[]>(s.wire), (command) => fileLines.has(command)));
    streaming = [Math.min(...prints.map((p) => p.window[0])), Math.max(...prints.map((p) => p.window[1]))];
    cpu = host.cpuMsBetween(...streaming);
  } catch (err) {
    await stopFarm(farm);
    console.error(`${count} printers failed; its simulators' records and the host's log are in ${farm.dir}`);
    throw err;
  }
  const gaps = farm.simulators.flatMap((s, i) => gapsInside(readJson<OkGap[]>(s.gaps), prints[i]!.window));
  const pcts = prints.map((p) => {
    const limits = wireLimits(BAUD, p.sentPerLine, p.receivedPerLine);
    return { oneInFlight: (p.linesPerSecond / limits.halfDuplex) * 100, fullDuplex: (p.linesPerSecond / limits.fullDuplex) * 100 };
  });
  const cpuMs = cpu.user + cpu.system;
  const totalLines = prints.reduce((sum, p) => sum + p.lines, 0);
  const seconds = (streaming[1] - streaming[0]) / 1000;
  const minPct = Math.min(...pcts.map((p) => p.oneInFlight));
  const profile = CPU_PROF ? fs.readdirSync(path.join(farm.dir, 'prof')).map((f) => path.join(farm.dir, 'prof', f))[0] : undefined;
  const figures: Figures = {
    printers: count,
    min_pct_of_limit: round(minPct),
    p999_gap_ms: round(quantile(gaps, 0.999), 2),
    cpu_ms_per_1000_lines: round(cpuMs / (totalLines / 1000), 2),
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
    max_gap_ms: round(Math.max(...gaps), 2),
    gaps: gaps.length,
    push_clients: PUSH_CLIENTS,
    push_messages: counts.byType,
    push_by_printer: counts.byPrinter,
    lines: LINES,
    baudrate: BAUD,
    host_cpus: HOST_CPUS,
    other_cpus: OTHER_CPUS,
    loadavg_before: loadBefore,
    loadavg: os.loadavg().map((l) => round(l, 2)),
  };
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `${count} printer(s): ${fmt(figures.min_lines_per_s)}–${fmt(figures.max_lines_per_s)} lines/s each (${fmt(figures.total_lines_per_s)} in all, ${fmt(seconds, 1)} s), ` +
      `min ${fmt(minPct, 1)} % of the one-in-flight limit (${fmt(figures.min_pct_of_full_duplex_limit, 1)} % of full duplex); ` +
      `host ${fmt(cpuMs / (totalLines / 1000), 1)} CPU-ms per 1 000 lines (${fmt(figures.host_cpu_pct)} % of a core, ${fmt(figures.host_system_cpu_share_pct)} % of it in the kernel; simulators and clients ${fmt(othersCpuPct)} %), RSS peak ${fmt(memory.hwmMb)} MB; ` +
      `ok→next line p50 ${fmt(figures.p50_gap_ms, 2)} / p99 ${fmt(figures.p99_gap_ms, 2)} / p99.9 ${fmt(figures.p999_gap_ms, 2)} / max ${fmt(figures.max_gap_ms, 2)} ms; load ${os.loadavg().map((l) => fmt(l, 2)).join(' ')}`,
  );
  if (profile) {
    const wall = now();
    const window: [number, number] = [profileClock(streaming[0], wall), profileClock(streaming[1], wall)];
    console.log(`  host main thread over the streaming window (${profile}), by area (innermost project frame):`);
    console.log(`    ${timeByArea(profile, window).slice(0, 14).map((a) => `${a.area} ${fmt(a.ms)} ms`).join(', ')}`);
    console.log('  top self time:');
    for (const f of topFunctions(profile, 20, window)) console.log(`    ${fmt(f.pct, 1).padStart(5)} %  ${fmt(f.selfMs).padStart(6)} ms  ${f.name}  ${f.where}`);
  }
  if (!CPU_PROF) fs.rmSync(farm.dir, { recursive: true, force: true });
  return figures;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-farm-file-'));
  const { file, lines } = typicalFile(dir, LINES, FILE);
  const gcode = fs.readFileSync(file, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    `${LINES} lines a printer, ${BAUD} baud 8N1, one command in flight (ADVANCED_OK off); host on CPU ${HOST_CPUS || 'any'}, simulators and ${PUSH_CLIENTS} push clients on CPU ${OTHER_CPUS || 'any'}; started ${new Date(now()).toISOString()}`,
  );
  const results: Figures[] = [];
  for (const count of PRINTERS) {
    const figures = await runFarm(count, gcode, new Set(lines));
    results.push(figures);
    console.log(JSON.stringify(figures));
  }
  const last = results[results.length - 1]!;
  console.log(
    JSON.stringify({
      printers: last.printers,
      min_pct_of_limit: last.min_pct_of_limit,
      p999_gap_ms: last.p999_gap_ms,
      cpu_ms_per_1000_lines: last.cpu_ms_per_1000_lines,
      rss_mb: last.rss_mb,
      host_cpu_pct: last.host_cpu_pct,
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
