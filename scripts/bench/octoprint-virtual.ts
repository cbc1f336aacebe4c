/**
 * `npm run bench:octoprint-virtual`: cuttle and OctoPrint side by side on OctoPrint's own virtual
 * printer, its default faults on (a resend at N100, a resend with no answer at N105, "No Line
 * Number with checksum" with neither Resend nor ok at N110, a checksum mismatch at N115).
 *
 * The printer is OctoPrint's plugin virtual_printer served on a pty by octoprint-virtual-bridge.py
 * (a new printer for each print). The same file (BENCH_LINES typical moves) is printed by a whole
 * CuttleHost in this process and by OctoPrint's printing layer (octoprint.util.comm.MachineCom, in
 * octoprint-comm-driver.py), taking turns BENCH_ROUNDS times, as the machine is shared and noisy.
 * The printer times each move at its feedrate: the file sets a feedrate so high that moves take no
 * time, so the figure is the host's and the wire's, not the simulated motion's.
 *
 * Both sides are measured at the printer: the bridge records each command it accepted (past its
 * line-number and checksum checks) with a timestamp. lines/s = file lines / (last file line
 * accepted − first). A print is exact when the file's commands, in order, are what the printer
 * accepted of the file's kinds (G0/G1/G90/G92/M82), nothing missing, doubled or altered.
 *
 * Needs (not in CI; no OctoPrint code is in this repository):
 *   OCTOPRINT_SRC   a checkout of OctoPrint (tested with tag 1.11.8: `git archive 1.11.8`); its `src`
 *                   is imported at run time
 *   PYTHON          (default /usr/bin/python3) with what OctoPrint's comm layer imports; on Debian 12:
 *                   apt-get install python3-frozendict python3-serial python3-yaml python3-regex
 *                   python3-pydantic python3-packaging python3-werkzeug python3-more-itertools
 *                   python3-netaddr python3-psutil python3-filetype python3-watchdog python3-click
 *                   python3-webassets python3-semantic-version; pylru and sarge are not packaged:
 *                   put their sources on OCTOPRINT_PYTHONPATH
 *   OCTOPRINT_PYTHONPATH  extra import paths (optional)
 * Env: BENCH_LINES (5000), BENCH_ROUNDS (2), BENCH_KEEP (keep the folder with the printer's serial logs).
 * Last line: {"lines","cuttle_lines_per_s","cuttle_exact","octoprint_lines_per_s","octoprint_exact","ratio","octoprint_version",
 * "…_exact_but_printer_drop", "cuttle_lost_lines"/"octoprint_lost_lines" (per round), …} (ratio = cuttle / OctoPrint; null figures when
 * OctoPrint could not print). Note: the printer's "resend with timeout" fault (N105) takes the line
 * number without carrying the line out, so neither host can be strictly exact there: see judge().
 */
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CuttleHost } from '../../core/host.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
const BAUD = 115200;
const BRIDGE = path.resolve(__dirname, '../../../scripts/bench/octoprint-virtual-bridge.py');
const DRIVER = path.resolve(__dirname, '../../../scripts/bench/octoprint-comm-driver.py');
/** the kinds of command the file holds: what the printer accepted of these must be the file */
const FILE_KINDS = new Set(['G0', 'G1', 'G90', 'G92', 'M82']);
const silent = () => new Writable({ write: (_c, _e, cb) => cb() });

function pythonEnv(): NodeJS.ProcessEnv {
  const src = process.env['OCTOPRINT_SRC'];
  if (!src) throw new Error('OCTOPRINT_SRC is not set: a checkout of OctoPrint (see this script\'s header)');
  return { ...process.env, PYTHONPATH: process.env['OCTOPRINT_PYTHONPATH'] ?? '' };
}

/** Typical moves, absolute, at a feedrate so high that the virtual printer spends no time moving. */
function gcode(count: number): string[] {
  const lines = ['G90', 'M82', 'G92 E0'];
  let e = 0;
  for (let i = 0; lines.length < count; i++) {
    if (i % 50 === 0) lines.push(`G1 Z${(0.2 + (i / 50) * 0.2).toFixed(2)} F99999999 ; layer`);
    else {
      e += 0.0321;
      lines.push(`G1 X${(100 + (i % 37) * 1.37).toFixed(3)} Y${(100 + (i % 23) * 2.11).toFixed(3)} E${e.toFixed(5)}`);
    }
  }
  return lines;
}

interface Bridge {
  link: string;
  record: string;
  serialLog: string;
  stop(): Promise<void>;
}

async function startBridge(dir: string, name: string): Promise<Bridge> {
  const link = path.join(dir, `${name}.pty`);
  const record = path.join(dir, `${name}.jsonl`);
  // OctoPrint's factory for its VIRTUAL port always gives the printer its serial log: so does this
  const serialLog = path.join(dir, `${name}.serial.log`);
  const child = spawn(PYTHON, [BRIDGE, '--link', link, '--record', record, '--serial-log', serialLog], { env: pythonEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`octoprint-virtual-bridge.py exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready on')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return {
    link,
    record,
    serialLog,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Judged {
  exact: boolean;
  linesPerSecond: number;
  /** file lines the printer never accepted (in order), and lines it accepted that the file does not hold there */
  lost: string[];
  extra: number;
  /** nothing lost or extra but the line the printer's own fault dropped (see judge) */
  exactButForPrinter: boolean;
  why?: string;
}

/**
 * What the printer accepted of the file's kinds against the file's commands (comments and blanks
 * dropped). Exact: the same sequence. Otherwise the lines lost and those extra (doubled or altered)
 * are counted. The printer's "resend with timeout" fault at N105 takes N105 as received without
 * carrying it out (it sets its last line to 105, asks for 105 again and ignores the line sent
 * next), so the line a host numbers N105 is lost whatever the host does: `exactButForPrinter`
 * excuses that one line (read from the printer's serial log), and nothing else.
 */
function judge(bridge: Pick<Bridge, 'record' | 'serialLog'>, file: readonly string[]): Judged {
  const record = bridge.record;
  const dropped = /<<< N105 (.*)\*\d+$/m.exec(fs.readFileSync(bridge.serialLog, 'utf8'))?.[1]?.trim();
  const expected = file.map((line) => line.replace(/;.*$/, '').trim()).filter(Boolean);
  const accepted = fs
    .readFileSync(record, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { t: number; line: string })
    .filter((entry) => FILE_KINDS.has(entry.line.split(/\s+/)[0]!.toUpperCase()));
  const first = accepted[0]?.t ?? 0;
  const last = accepted[accepted.length - 1]?.t ?? first;
  const linesPerSecond = last > first ? expected.length / (last - first) : 0;
  const lost: string[] = [];
  let extra = 0;
  let i = 0;
  let j = 0;
  while (i < expected.length || j < accepted.length) {
    if (i < expected.length && j < accepted.length && accepted[j]!.line === expected[i]) {
      i++;
      j++;
    } else if (i < expected.length && (j >= accepted.length || accepted[j]!.line === expected[i + 1])) lost.push(expected[i++]!);
    else {
      extra++;
      j++;
    }
  }
  const exact = lost.length === 0 && extra === 0;
  const exactButForPrinter = extra === 0 && lost.every((line) => line === dropped) && lost.length <= 1;
  return { exact, exactButForPrinter, linesPerSecond, lost, extra, ...(exact ? {} : { why: `${lost.length} lost (${lost.slice(0, 3).map((l) => `"${l}"`).join(', ')}), ${extra} extra` }) };
}

async function cuttlePrint(dir: string, round: number, file: string, lines: readonly string[]): Promise<Judged> {
  const bridge = await startBridge(dir, `cuttle-${round}`);
  const basedir = path.join(dir, `host-${round}`);
  fs.mkdirSync(basedir, { recursive: true });
  const host = CuttleHost.create({
    basedir,
    overrides: { 'server.port': 0, 'server.host': '127.0.0.1', 'serial.baudrate': BAUD, 'serial.additionalPorts': [path.join(dir, '*.pty')] },
    env: {},
    logStream: silent(),
  });
  await host.start();
  const printer = host.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  try {
    await printer.connect({ port: bridge.link, baudrate: BAUD });
    const ended = new Promise<string>((resolve) => {
      const sub = printer.onPrintEnded((event) => {
        sub.dispose();
        resolve(event.end);
      });
    });
    await printer.selectFile({ origin: 'local', path: path.basename(file), name: path.basename(file), size: null, diskPath: file }, true);
    const end = await ended;
    await printer.disconnect();
    const judged = judge(bridge, lines);
    return end === 'done' ? judged : { ...judged, exact: false, why: `print ${end}` };
  } finally {
    await host.stop();
    await bridge.stop();
  }
}

async function octoprintPrint(dir: string, round: number, file: string, lines: readonly string[]): Promise<Judged & { version: string }> {
  const bridge = await startBridge(dir, `octoprint-${round}`);
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, [DRIVER, '--port', bridge.link, '--file', file, '--baudrate', String(BAUD)], { env: pythonEnv(), maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        err ? reject(new Error(`octoprint-comm-driver.py: ${err.message}\n${stderr.slice(-2000)}`)) : resolve(stdout),
      ),
    );
    const result = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number | null; state: string; version: string };
    const judged = judge(bridge, lines);
    return { ...(result.state === 'done' ? judged : { ...judged, exact: false, why: `print ${result.state}` }), version: result.version };
  } finally {
    await bridge.stop();
  }
}

const verdict = (r: Judged) => (r.exact ? 'exact' : r.exactButForPrinter ? `exact but for the line the printer's N105 fault dropped (${r.why})` : `NOT exact (${r.why})`);
const round1 = (n: number) => Math.round(n * 10) / 10;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  pythonEnv();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-octoprint-'));
  const lines = gcode(LINES);
  const file = path.join(dir, 'print.gcode');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const cuttle: Judged[] = [];
  const octoprint: Judged[] = [];
  let version = 'unknown';
  let octoprintError: string | null = null;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const c = await cuttlePrint(dir, round, file, lines);
      cuttle.push(c);
      console.log(`round ${round + 1} cuttle:    ${round1(c.linesPerSecond)} lines/s, ${verdict(c)}`);
      if (octoprintError) continue;
      try {
        const o = await octoprintPrint(dir, round, file, lines);
        version = o.version;
        octoprint.push(o);
        console.log(`round ${round + 1} OctoPrint: ${round1(o.linesPerSecond)} lines/s, ${verdict(o)}`);
      } catch (err) {
        octoprintError = (err as Error).message;
        console.log(`OctoPrint could not print: ${octoprintError}`);
      }
    }
    const cuttleRate = mean(cuttle.map((r) => r.linesPerSecond));
    const octoRate = octoprint.length ? mean(octoprint.map((r) => r.linesPerSecond)) : null;
    console.log(
      JSON.stringify({
        lines: lines.length,
        rounds: ROUNDS,
        cuttle_lines_per_s: round1(cuttleRate),
        cuttle_exact: cuttle.every((r) => r.exact),
        cuttle_exact_but_printer_drop: cuttle.every((r) => r.exactButForPrinter),
        octoprint_lines_per_s: octoRate === null ? null : round1(octoRate),
        octoprint_exact: octoprint.length ? octoprint.every((r) => r.exact) : null,
        octoprint_exact_but_printer_drop: octoprint.length ? octoprint.every((r) => r.exactButForPrinter) : null,
        ratio: octoRate ? Math.round((cuttleRate / octoRate) * 100) / 100 : null,
        cuttle_lost_lines: cuttle.map((r) => r.lost.length),
        cuttle_extra_lines: cuttle.map((r) => r.extra),
        octoprint_lost_lines: octoprint.map((r) => r.lost.length),
        octoprint_extra_lines: octoprint.map((r) => r.extra),
        octoprint_error: octoprintError,
        octoprint_version: version,
      }),
    );
  } finally {
    if (process.env['BENCH_KEEP']) console.log(`kept ${dir} (the printer's serial logs: *.serial.log)`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
