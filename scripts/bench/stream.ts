/**
 * `npm run bench:stream`: how fast the host streams a print.
 *
 * 1. pty: `cuttle virtual-printer` in its own process on a socat pty, bytes paced at 250 000 baud
 *    (8N1: 10 bits a byte), motion time off; the host (a whole CuttleHost, plugins and events on)
 *    prints 10 000 typical lines through serialport with the firmware's ADVANCED_OK window.
 *    Window 6: what Marlin holds (BUFSIZE 4 commands, one of them executing, plus ~3 lines of
 *    ~41 bytes in its 128-byte RX ring; the simulator drops what does not fit). A window of 4 is
 *    measured too: with fewer lines in flight the pty round trip (two processes and socat) shows.
 *    The limit: a serial line is full duplex, each direction carries baud/10 bytes a second, so the
 *    line rate cannot exceed (baud/10) / (bytes per line in the busier direction), where the bytes
 *    sent per line are the framed command and its newline and the bytes received are the "ok"
 *    replies (and anything else the printer said). Also shown: the stricter half-duplex view
 *    (both directions' bytes added up), which a ping-pong host with window 1 is bounded by.
 * 2. in-process: the same file on the `virtual` port with pacing off (run first: once with window 1,
 *    then three times with the configured window, reporting the median).
 * 3. pty under load: the pty run again while 500 socket.io push clients (in a child process) get
 *    every `current` and `event` message and a 50 MB file is being analysed. The simulator records
 *    how long each "ok" waited for the host's next line (from the "ok" leaving the printer to the
 *    next line arriving): its p99.9 says whether the printer's planner could run dry because the
 *    host was busy. The same figure without load is shown for comparison.
 *
 * The last line is a JSON object: {"pty_lines_per_s", "pty_pct_of_limit", "inproc_lines_per_s",
 * "ok_gap_p999_ms_loaded", …}.
 * Env: BENCH_LINES (10000), BENCH_BAUD (250000), BENCH_WINDOW (6), BENCH_PUSH_CLIENTS (500),
 * BENCH_ANALYSIS_MB (50).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { CuttleHost } from '../../core/host.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { FileManager } from '../../core/files/file-manager.js';
import { HttpServer } from '../../core/http/http-server.js';
import { Readable } from 'node:stream';
import { startPushClients } from './push-clients.js';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.js';
import { gapsInside, quantile, readJson, typicalFile, wireLimits, type OkGap } from './wire.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 10_000);
const BAUD = Number(process.env['BENCH_BAUD'] ?? 250_000);
const WINDOW = Number(process.env['BENCH_WINDOW'] ?? 6);
const PUSH_CLIENTS = Number(process.env['BENCH_PUSH_CLIENTS'] ?? 500);
const ANALYSIS_MB = Number(process.env['BENCH_ANALYSIS_MB'] ?? 50);
const KEY = 'BenchKey0123456789abcdefghijklmn';

interface Run {
  /** wall clock (ms since the epoch) of the print's start and end, to pick the simulator's gaps */
  window: [number, number];
  seconds: number;
  linesPerSecond: number;
  sentBytes: number;
  receivedBytes: number;
  /** "Resend" requests: lines the printer lost or refused (0 expected without injected faults) */
  resends: number;
}

/** Load put on the host while it prints; returns what stops it. */
type Load = (host: CuttleHost) => Promise<() => Promise<void>>;

async function printOnce(basedir: string, file: string, port: string, extra: Record<string, unknown>, load?: Load): Promise<Run> {
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const host = CuttleHost.create({
    basedir,
    overrides: {
      'server.port': 0,
      'server.host': '127.0.0.1',
      'serial.window': WINDOW,
      'serial.temperatureInterval': 0,
      'serial.baudrate': BAUD,
      'serial.virtual.motion': false,
      'serial.virtual.pacing': false,
      'api.key': KEY,
      ...extra,
    },
    env: {},
    logStream: silent,
  });
  await host.start();
  const stopLoad = load ? await load(host) : null;
  const printer = host.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  await printer.connect({ port, baudrate: BAUD });
  let sentBytes = 0;
  let receivedBytes = 0;
  let resends = 0;
  let counting = false;
  printer.onLog(({ direction, line }) => {
    if (!counting) return;
    if (direction === 'send') sentBytes += line.length + 1;
    else {
      receivedBytes += line.length + 1;
      if (line.startsWith('Resend')) resends++;
    }
  });
  const done = new Promise<number>((resolve) => printer.onPrintEnded(() => resolve(performance.now())));
  counting = true;
  const start = performance.now();
  await printer.selectFile({ origin: 'local', path: 'bench.gcode', name: 'bench.gcode', size: null, diskPath: file }, true);
  const end = await done;
  counting = false;
  await stopLoad?.();
  await printer.disconnect();
  await host.stop();
  const seconds = (end - start) / 1000;
  const window: [number, number] = [performance.timeOrigin + start, performance.timeOrigin + end];
  return { window, seconds, linesPerSecond: LINES / seconds, sentBytes, receivedBytes, resends };
}

async function startSimulator(dir: string): Promise<SimulatorProcess & { gapsFile: string }> {
  const gapsFile = path.join(dir, 'ok-gaps.json');
  return { ...(await startSimulatorProcess(dir, BAUD, ['--ok-gaps', gapsFile])), gapsFile };
}

/** p99.9 of the gaps that fell inside a print's window */
const gapP999 = (gaps: OkGap[], window: [number, number]): number => quantile(gapsInside(gaps, window), 0.999);

// ---- load: push clients in a child process, and a big file under analysis ---------------------

/** Lines of a slicer's G-code until `bytes` are written. */
function bigGcode(bytes: number): Readable {
  let written = 0;
  let i = 0;
  return new Readable({
    read() {
      let chunk = '';
      while (chunk.length < 1 << 16 && written < bytes) {
        const line = `G1 X${(100 + (i % 97) * 0.731).toFixed(3)} Y${(100 + (i % 89) * 0.613).toFixed(3)} E${(i * 0.0312).toFixed(5)}\n`;
        chunk += line;
        written += line.length;
        i++;
      }
      this.push(chunk || null);
    },
  });
}

const underLoad: Load = async (host) => {
  const clients = await startPushClients(PUSH_CLIENTS, host.get<HttpServer>(HttpServer).baseUrl(), KEY);
  const files = host.get<FileManager>(FileManager);
  // stored first, so that the analysis (which follows every upload) runs during the print
  await files.addFile('local', 'big.gcode', bigGcode(ANALYSIS_MB * 1024 * 1024), { upload: true });
  return async () => {
    clients.stop();
  };
};

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-stream-'));
  try {
    const { file, framedBytes } = typicalFile(dir, LINES);
    console.log(`${fmt(LINES)} lines, ${fmt(framedBytes / LINES, 1)} bytes each framed (with newline), ${fmt(BAUD)} baud 8N1, window ${WINDOW} (ADVANCED_OK)`);

    // in-process first: the window-1 run also warms the JIT for the measured runs
    fs.mkdirSync(path.join(dir, 'host-inproc-1'));
    const inprocWindow1 = await printOnce(path.join(dir, 'host-inproc-1'), file, 'virtual', { 'serial.window': 1 });
    // a run lasts well under a second, so one stray GC or a neighbour's burst moves it: take the median of 3
    const inprocRuns: Run[] = [];
    for (let i = 0; i < 3; i++) {
      fs.mkdirSync(path.join(dir, `host-inproc-${WINDOW}-${i}`));
      inprocRuns.push(await printOnce(path.join(dir, `host-inproc-${WINDOW}-${i}`), file, 'virtual', {}));
    }
    const inproc = [...inprocRuns].sort((a, b) => a.linesPerSecond - b.linesPerSecond)[1]!;
    console.log(
      `in-process: ${fmt(inproc.linesPerSecond)} lines/s median of ${inprocRuns.map((r) => fmt(r.linesPerSecond)).join(', ')} (pacing off); ${fmt(inprocWindow1.linesPerSecond)} lines/s with window 1`,
    );

    const sim = await startSimulator(dir);
    let pty: Run;
    let ptyWindow4: Run;
    let loaded: Run;
    try {
      fs.mkdirSync(path.join(dir, 'host-pty'));
      pty = await printOnce(path.join(dir, 'host-pty'), file, sim.link, {});
      fs.mkdirSync(path.join(dir, 'host-pty-4'));
      ptyWindow4 = await printOnce(path.join(dir, 'host-pty-4'), file, sim.link, { 'serial.window': 4 });
      fs.mkdirSync(path.join(dir, 'host-pty-loaded'));
      loaded = await printOnce(path.join(dir, 'host-pty-loaded'), file, sim.link, {}, underLoad);
    } finally {
      await sim.stop();
    }
    const gaps = readJson<OkGap[]>(sim.gapsFile);
    const gapQuiet = gapP999(gaps, pty.window);
    const gapLoaded = gapP999(gaps, loaded.window);
    const sentPerLine = pty.sentBytes / LINES;
    const receivedPerLine = pty.receivedBytes / LINES;
    const { fullDuplex: limit, halfDuplex: halfDuplexLimit } = wireLimits(BAUD, sentPerLine, receivedPerLine);
    const pct = (pty.linesPerSecond / limit) * 100;
    console.log(
      `pty:        ${fmt(pty.linesPerSecond)} lines/s (${fmt(pty.seconds, 2)} s); per line ${fmt(sentPerLine, 1)} bytes sent, ${fmt(receivedPerLine, 1)} received; ${pty.resends} resends`,
    );
    console.log(`            8N1 limit ${fmt(limit)} lines/s (full duplex) → ${fmt(pct, 1)} %; half-duplex view ${fmt(halfDuplexLimit)} lines/s → ${fmt((pty.linesPerSecond / halfDuplexLimit) * 100, 1)} %`);
    const pctWindow4 = (ptyWindow4.linesPerSecond / limit) * 100;
    console.log(`            window 4: ${fmt(ptyWindow4.linesPerSecond)} lines/s → ${fmt(pctWindow4, 1)} % of the limit`);
    console.log(
      `            "ok" → next line p99.9: ${fmt(gapQuiet, 2)} ms alone; ${fmt(gapLoaded, 2)} ms with ${PUSH_CLIENTS} push clients and a ${ANALYSIS_MB} MB analysis (${fmt(loaded.linesPerSecond)} lines/s, ${fmt((loaded.linesPerSecond / limit) * 100, 1)} % of the limit)`,
    );

    console.log(
      JSON.stringify({
        pty_lines_per_s: Math.round(pty.linesPerSecond),
        pty_pct_of_limit: Math.round(pct * 10) / 10,
        inproc_lines_per_s: Math.round(inproc.linesPerSecond),
        pty_limit_lines_per_s: Math.round(limit),
        pty_pct_of_half_duplex_limit: Math.round((pty.linesPerSecond / halfDuplexLimit) * 1000) / 10,
        pty_resends: pty.resends,
        ok_gap_p999_ms: Math.round(gapQuiet * 100) / 100,
        ok_gap_p999_ms_loaded: Math.round(gapLoaded * 100) / 100,
        pty_loaded_pct_of_limit: Math.round((loaded.linesPerSecond / limit) * 1000) / 10,
        push_clients: PUSH_CLIENTS,
        analysis_mb: ANALYSIS_MB,
        pty_window4_lines_per_s: Math.round(ptyWindow4.linesPerSecond),
        pty_window4_pct_of_limit: Math.round(pctWindow4 * 10) / 10,
        bytes_sent_per_line: Math.round(sentPerLine * 10) / 10,
        bytes_received_per_line: Math.round(receivedPerLine * 10) / 10,
        inproc_window1_lines_per_s: Math.round(inprocWindow1.linesPerSecond),
        lines: LINES,
        baudrate: BAUD,
        window: WINDOW,
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
