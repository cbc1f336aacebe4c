/**
 * `npm run bench:faults`: does the host print exactly on firmwares it did not write, how fast does it
 * recover from their faults, and what does a printed line cost it.
 *
 * 1. The fault matrix (core/printer/simulator/fault-matrix.ts): every firmware family × every
 *    injectable fault, a 2 000-line print over a pty each, judged exact or clean failure as the
 *    matrix test judges it. Recovery is the longest wait between two job lines sent: where the
 *    firmware sends "wait" (Repetier) it must stay under 1.5 s, elsewhere under the configured
 *    communication timeout (plus one check period). The case where only "wait" can recover (a
 *    timeout of a minute) gives the "with wait" figure; every other exact case the "without".
 * 2. CPU per line: `cuttle virtual-printer` in its own process on a socat pty, bytes paced at
 *    250 000 baud, no ADVANCED_OK (one command in flight), motion off; this process is the host
 *    (a whole CuttleHost, plugins and events on) and prints 20 000 lines. Its CPU time
 *    (process.cpuUsage(), all threads) over the print, per 1 000 lines.
 *    In the same run, against the same simulator and taking turns with the host, the floor: a bare loop on the same transport
 *    that writes each framed line and waits for its "ok", nothing else. Per line, the printer
 *    and the host each sleep and wake once; on a virtual machine that switch, not the host's
 *    code, is most of the cost, so the ratio host/floor is what the host's code adds.
 *
 * Last line: {"runs","exact_runs","clean_failures","worst_recovery_ms","cpu_ms_per_1000_lines","lines_per_s", …}.
 * Env: BENCH_LINES (20000), BENCH_MATRIX_LINES (2000; the faults strike between lines 300 and 1 500).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { EventBus } from '../../core/events/event-bus.js';
import { CuttleHost } from '../../core/host.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { frame } from '../../core/printer/protocol/gcode.js';
import { judge, MATRIX_SERIAL, runFaultMatrix, type MatrixHost } from '../../core/printer/simulator/fault-matrix.js';
import { SerialTransport } from '../../core/printer/transport/serial-transport.js';
import { startSimulatorProcess } from './simulator-process.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 20_000);
const MATRIX_LINES = Number(process.env['BENCH_MATRIX_LINES'] ?? 2000);
const BAUD = 250_000;
const silent = () => new Writable({ write: (_c, _e, cb) => cb() });

function moves(count: number): string[] {
  let e = 100;
  return Array.from({ length: count }, (_, i) => {
    e += 0.031273;
    return `G1 X${(80 + ((i * 7) % 61) * 1.137).toFixed(3)} Y${(75 + ((i * 11) % 53) * 1.291).toFixed(3)} E${e.toFixed(5)}`;
  });
}

async function startHost(basedir: string, overrides: Record<string, unknown>): Promise<CuttleHost> {
  fs.mkdirSync(basedir, { recursive: true });
  const host = CuttleHost.create({
    basedir,
    overrides: { 'server.port': 0, 'server.host': '127.0.0.1', ...overrides },
    env: {},
    logStream: silent(),
  });
  await host.start();
  return host;
}

async function matrix(dir: string) {
  let hosts = 0;
  const startMatrixHost = async (serial: typeof MATRIX_SERIAL): Promise<MatrixHost> => {
    const host = await startHost(path.join(dir, `host-${hosts++}`), {
      'serial.temperatureInterval': serial.temperatureInterval,
      'serial.historySize': serial.historySize,
      'serial.timeout.connection': serial.timeout.connection,
      'serial.timeout.hello': serial.timeout.hello,
      'serial.timeout.communication': serial.timeout.communication,
      'serial.timeout.maxNudges': serial.timeout.maxNudges,
    });
    const names: string[] = [];
    const errors: string[] = [];
    host.get<EventBus>(EventBus).onAny((event) => {
      names.push(event.name);
      if (event.name === 'Error') errors.push((event.payload as { error: string }).error);
    });
    const printer = host.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    return {
      printer,
      names: () => names,
      errors: () => errors,
      settled: async () => void (await host.get<EventBus>(EventBus).idle(5000)),
      stop: async () => {
        await printer.disconnect().catch(() => undefined);
        await host.stop();
      },
    };
  };
  return runFaultMatrix(dir, moves(MATRIX_LINES), startMatrixHost);
}

/** The floor: each framed line written on the bare transport, the next one when its "ok" came. CPU µs. */
async function floorCpu(link: string, lines: readonly string[]): Promise<number> {
  const transport = await SerialTransport.open(link, BAUD);
  let sent = 0;
  let cpu0 = process.cpuUsage();
  const done = new Promise<void>((resolve) => {
    transport.onLine((line) => {
      if (!line.startsWith('ok')) return;
      if (sent === 0) cpu0 = process.cpuUsage();
      if (sent === lines.length) return resolve();
      transport.write(`${frame(sent + 1, lines[sent]!)}\n`);
      sent++;
    });
  });
  transport.write(`${frame(0, 'M110 N0')}\n`);
  await done;
  const cpu = process.cpuUsage(cpu0);
  await transport.close();
  return cpu.user + cpu.system;
}

/** One print of `file` by the connected host: CPU µs (user, system) and seconds. */
async function hostCpu(printer: PrinterService, file: string): Promise<{ user: number; system: number; seconds: number }> {
  const done = new Promise<void>((resolve) => {
    const sub = printer.onPrintEnded(() => {
      sub.dispose();
      resolve();
    });
  });
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await printer.selectFile({ origin: 'local', path: path.basename(file), name: path.basename(file), size: null, diskPath: file }, true);
  await done;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { user: cpu.user, system: cpu.system, seconds };
}

/**
 * Host and floor take turns (floor, host, floor, host, each on half the lines), so that a change
 * of load on a shared machine falls on both alike.
 */
async function cpuPerLine(dir: string): Promise<{ cpuMsPer1000: number; floorMsPer1000: number; linesPerSecond: number; userMs: number; systemMs: number }> {
  const half = Math.floor(LINES / 2);
  const lines = moves(half);
  const files = [0, 1].map((i) => {
    const file = path.join(dir, `stream-${i}.gcode`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  });
  const sim = await startSimulatorProcess(dir, BAUD, ['--no-advanced-ok']);
  const host = await startHost(path.join(dir, 'host-cpu'), { 'serial.temperatureInterval': 0, 'serial.baudrate': BAUD });
  const printer = host.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  try {
    let floor = 0;
    const total = { user: 0, system: 0, seconds: 0 };
    for (const file of files) {
      floor += await floorCpu(sim.link, lines);
      await printer.connect({ port: sim.link, baudrate: BAUD });
      const run = await hostCpu(printer, file);
      await printer.disconnect();
      total.user += run.user;
      total.system += run.system;
      total.seconds += run.seconds;
    }
    const count = half * files.length;
    return {
      floorMsPer1000: floor / 1000 / (count / 1000),
      cpuMsPer1000: (total.user + total.system) / 1000 / (count / 1000),
      linesPerSecond: count / total.seconds,
      userMs: total.user / 1000,
      systemMs: total.system / 1000,
    };
  } finally {
    await host.stop();
    await sim.stop();
  }
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-faults-'));
  try {
    const cpu = await cpuPerLine(dir);
    console.log(`stream: ${LINES} lines over a pty at ${BAUD} baud, one in flight: ${round(cpu.linesPerSecond, 0)} lines/s, host CPU ${round(cpu.cpuMsPer1000)} ms per 1 000 lines (user ${round(cpu.userMs, 0)} ms, system ${round(cpu.systemMs, 0)} ms)`);
    console.log(`floor:  the bare transport (write a line, wait for its ok) ${round(cpu.floorMsPer1000)} ms per 1 000 lines: the host is ${round(cpu.cpuMsPer1000 / cpu.floorMsPer1000, 2)}× the floor`);

    const results = await matrix(dir);
    let exact = 0;
    let clean = 0;
    let worstWait = 0;
    let worstTimeout = 0;
    const failures: string[] = [];
    for (const { variant, fault, result } of results) {
      const label = `${variant.name} / ${fault.name}`;
      if (result instanceof Error) {
        failures.push(`${label}: ${result.message}`);
        continue;
      }
      const verdict = judge(fault, result);
      if (!verdict.ok) {
        failures.push(`${label}: ${verdict.why}`);
        continue;
      }
      if (verdict.kind === 'exact') {
        exact++;
        if (fault.idleWaitOnly) worstWait = Math.max(worstWait, result.worstGapMs);
        else worstTimeout = Math.max(worstTimeout, result.worstGapMs);
      } else clean++;
      console.log(`${verdict.kind === 'exact' ? 'exact' : 'clean'}  ${round(result.worstGapMs, 0).toString().padStart(5)} ms  ${label}`);
    }
    for (const failure of failures) console.log(`FAIL  ${failure}`);
    console.log(
      `${results.length} runs: ${exact} exact, ${clean} clean failures, ${failures.length} wrong; worst recovery ${round(worstWait, 0)} ms with "wait", ${round(worstTimeout, 0)} ms without (timeout ${MATRIX_SERIAL.timeout.communication} ms)`,
    );
    console.log(
      JSON.stringify({
        runs: results.length,
        exact_runs: exact,
        clean_failures: clean,
        wrong_runs: failures.length,
        worst_recovery_ms: round(Math.max(worstWait, worstTimeout), 0),
        worst_recovery_with_wait_ms: round(worstWait, 0),
        worst_recovery_without_wait_ms: round(worstTimeout, 0),
        communication_timeout_ms: MATRIX_SERIAL.timeout.communication,
        cpu_ms_per_1000_lines: round(cpu.cpuMsPer1000),
        floor_cpu_ms_per_1000_lines: round(cpu.floorMsPer1000),
        host_over_floor: round(cpu.cpuMsPer1000 / cpu.floorMsPer1000, 2),
        lines_per_s: round(cpu.linesPerSecond, 0),
        stream_lines: LINES,
        matrix_lines: MATRIX_LINES,
        baudrate: BAUD,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
