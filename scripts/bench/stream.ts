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
 *
 * The last line is a JSON object: {"pty_lines_per_s", "pty_pct_of_limit", "inproc_lines_per_s", …}.
 * Env: BENCH_LINES (10000), BENCH_BAUD (250000), BENCH_WINDOW (6).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { CuttleHost } from '../../core/host.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { frame } from '../../core/printer/protocol/gcode.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 10_000);
const BAUD = Number(process.env['BENCH_BAUD'] ?? 250_000);
const WINDOW = Number(process.env['BENCH_WINDOW'] ?? 6);
const CLI = path.resolve(__dirname, '../../core/cli/main.js');

/** Extrusion moves as a slicer writes them, ~42 bytes each once framed as `N<n> …*<cs>`. */
function typicalFile(dir: string): { file: string; framedBytes: number } {
  const lines: string[] = [];
  let e = 0;
  for (let i = 0; i < LINES; i++) {
    e += 0.031273;
    lines.push(`G1 X${(80 + ((i * 7) % 61) * 1.137).toFixed(3)} Y${(75 + ((i * 11) % 53) * 1.291).toFixed(3)} E${(100 + e).toFixed(5)}`);
  }
  const file = path.join(dir, 'bench.gcode');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const framedBytes = lines.reduce((sum, line, i) => sum + frame(i + 2, line).length + 1, 0);
  return { file, framedBytes };
}

interface Run {
  seconds: number;
  linesPerSecond: number;
  sentBytes: number;
  receivedBytes: number;
  /** "Resend" requests: lines the printer lost or refused (0 expected without injected faults) */
  resends: number;
}

async function printOnce(basedir: string, file: string, port: string, extra: Record<string, unknown>): Promise<Run> {
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
      ...extra,
    },
    env: {},
    logStream: silent,
  });
  await host.start();
  const printer = host.get<PrinterService>(PrinterService);
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
  await printer.disconnect();
  await host.stop();
  const seconds = (end - start) / 1000;
  return { seconds, linesPerSecond: LINES / seconds, sentBytes, receivedBytes, resends };
}

async function startSimulator(dir: string): Promise<{ link: string; stop: () => Promise<void> }> {
  const link = path.join(dir, 'printer');
  const child = spawn(process.execPath, [CLI, 'virtual-printer', '--link', link, '--baudrate', String(BAUD), '--no-motion', '--sd-folder', path.join(dir, 'sd')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`virtual-printer exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready on') && resolve());
  });
  return {
    link,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-stream-'));
  try {
    const { file, framedBytes } = typicalFile(dir);
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
    try {
      fs.mkdirSync(path.join(dir, 'host-pty'));
      pty = await printOnce(path.join(dir, 'host-pty'), file, sim.link, {});
      fs.mkdirSync(path.join(dir, 'host-pty-4'));
      ptyWindow4 = await printOnce(path.join(dir, 'host-pty-4'), file, sim.link, { 'serial.window': 4 });
    } finally {
      await sim.stop();
    }
    const bytesPerSecond = BAUD / 10;
    const sentPerLine = pty.sentBytes / LINES;
    const receivedPerLine = pty.receivedBytes / LINES;
    const limit = bytesPerSecond / Math.max(sentPerLine, receivedPerLine);
    const halfDuplexLimit = bytesPerSecond / (sentPerLine + receivedPerLine);
    const pct = (pty.linesPerSecond / limit) * 100;
    console.log(
      `pty:        ${fmt(pty.linesPerSecond)} lines/s (${fmt(pty.seconds, 2)} s); per line ${fmt(sentPerLine, 1)} bytes sent, ${fmt(receivedPerLine, 1)} received; ${pty.resends} resends`,
    );
    console.log(`            8N1 limit ${fmt(limit)} lines/s (full duplex) → ${fmt(pct, 1)} %; half-duplex view ${fmt(halfDuplexLimit)} lines/s → ${fmt((pty.linesPerSecond / halfDuplexLimit) * 100, 1)} %`);
    const pctWindow4 = (ptyWindow4.linesPerSecond / limit) * 100;
    console.log(`            window 4: ${fmt(ptyWindow4.linesPerSecond)} lines/s → ${fmt(pctWindow4, 1)} % of the limit`);

    console.log(
      JSON.stringify({
        pty_lines_per_s: Math.round(pty.linesPerSecond),
        pty_pct_of_limit: Math.round(pct * 10) / 10,
        inproc_lines_per_s: Math.round(inproc.linesPerSecond),
        pty_limit_lines_per_s: Math.round(limit),
        pty_pct_of_half_duplex_limit: Math.round((pty.linesPerSecond / halfDuplexLimit) * 1000) / 10,
        pty_resends: pty.resends,
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
