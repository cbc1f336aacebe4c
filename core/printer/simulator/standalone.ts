/**
 * Runs simulated printers until a signal ends them: what `cuttle virtual-printer` does, and what the
 * benchmarks spawn. One printer on a pty (socat) by default; with `--tcp` on TCP ports, with
 * `--printers N` N of them in this one process, each with its own options (comma lists). Options
 * map one to one onto `serial.virtual` config keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FIRMWARE_IDS, type FirmwareId } from '../protocol/dialects.js';
import type { VirtualPrinterOptions, VirtualPrinterOverrides } from './options.js';
import { startPtyPrinter } from './pty.js';
import { startTcpPrinter } from './tcp.js';
import type { VirtualPrinter } from './virtual-printer.js';

export const VIRTUAL_PRINTER_USAGE = `usage: cuttle virtual-printer [options]
  --link PATH                device path to create for the host (default /tmp/cuttle-printer)
  --tcp PORT                 listen on tcp://127.0.0.1:PORT instead of a pty, as a printer behind a
                             serial-to-network bridge (ser2net); no socat
  --host ADDR                address to listen on with --tcp (default 127.0.0.1)
  --printers N               run N printers in this process: on TCP ports PORT, PORT+1, …, or on
                             ptys PATH-1 … PATH-N. Any option below may be a comma list, one value
                             per printer (the last goes on for the rest): --firmware marlin,prusa
  --baudrate N               baud rate for byte pacing (default 115200)
  --speed F                  speed factor for moves, dwell and heating (default 1)
  --no-motion                moves take no time
  --no-pacing                do not pace bytes at the baud rate
  --sleep-pacing             wait out pacing's last millisecond in a timed sleep instead of polling
                             the event loop (no CPU spent waiting; for many simulators on few cores)
  --no-advanced-ok           do not report ADVANCED_OK
  --firmware ID              firmware family to play: marlin, marlin1, prusa, repetier,
                             reprapfirmware, smoothieware, klipper (default marlin)
  --extruders N              number of hotends (default 1)
  --sd-folder DIR            folder behind the SD card (default <tmp>/cuttle-virtual-sd)
  --checksum-error-rate R    share of lines answered with a checksum error and Resend (0..1)
  --garbage-rate R           share of answers preceded by a garbage line (0..1)
  --lost-ok-after N          drop the "ok" of the Nth numbered line
  --disconnect-after N       close the connection after N numbered lines
  --silent-after N           stop answering after N numbered lines
  --duplicate-ok-after N     send the "ok" of the Nth line twice
  --resend-acked-after N     after the Nth line, ask for a line already acknowledged
  --stale-resend-after N     after the Nth line, ask for line 1 again
  --resend-burst-after N     refuse the line after the Nth several times in a row
  --resend-before-error      send "Resend" before the "Error:" line
  --unanswered-error-after N after the Nth line, drop a line with "No Line Number with
                             checksum" and neither Resend nor ok
  --long-line-after N        after the Nth line, send a 10 000-byte line
  --reset-after N            reboot after the Nth line
  --fragment-rate R          share of answers written in two pieces (0..1)
  --seed N                   seed of the fault generator
  --record FILE              write the executed commands to FILE (JSON lines) on exit (one file per
                             printer: a comma list, or FILE-1 … FILE-N when one name is given)
  --ok-gaps FILE             write, on exit, how long each "ok" waited for the next line
                             (JSON: [{ ok, at: epoch ms, ms }])
  --wire-log FILE            write, on exit, every line from the host as it arrived, with the
                             bytes received and sent so far (JSON: [{ at: epoch ms, line, in, out }])`;

const FLAGS = ['no-motion', 'no-pacing', 'sleep-pacing', 'no-advanced-ok', 'resend-before-error', 'help'];

function number(options: Record<string, string | true>, key: string): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value === true || !Number.isFinite(parsed) || parsed < 0) throw new Error(`--${key} expects a number ≥ 0`);
  return parsed;
}

/** One simulated printer's options: where it listens, what it writes on exit, how it behaves. */
export interface StandaloneOptions {
  link: string;
  record?: string;
  okGaps?: string;
  wireLog?: string;
  printer: VirtualPrinterOverrides;
}

/** A simulator process's printers: on TCP ports from `tcp` (on `host`), or each on its pty. */
export interface SimulatorOptions {
  tcp: number | null;
  host: string;
  printers: StandaloneOptions[];
}

const FARM_KEYS = ['printers', 'tcp', 'host'];
const FILE_KEYS = ['record', 'ok-gaps', 'wire-log'];

/** Options from parsed `--key value` pairs; throws with a clear message on a bad value. */
export function simulatorOptions(options: Record<string, string | true>): SimulatorOptions {
  const count = number(options, 'printers') ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 256) throw new Error('--printers expects a whole number from 1 to 256');
  const tcp = number(options, 'tcp') ?? null;
  if (tcp !== null && (!Number.isInteger(tcp) || tcp < 1 || tcp + count - 1 > 65535)) throw new Error('--tcp expects a port such that PORT … PORT+N-1 are from 1 to 65535');
  const host = options['host'];
  if (host === true) throw new Error('--host needs a value');
  if (host !== undefined && tcp === null) throw new Error('--host goes with --tcp');
  if (count > 1 && options['sleep-pacing']) throw new Error('--sleep-pacing blocks the whole process: it cannot pace several printers at once');
  const printers = Array.from({ length: count }, (_, i) => {
    const own: Record<string, string | true> = {};
    for (const [key, value] of Object.entries(options)) {
      if (FARM_KEYS.includes(key)) continue;
      if (value === true) own[key] = value;
      else {
        const values = value.split(',');
        own[key] = values[Math.min(i, values.length - 1)]!;
        // one file name for several printers: each gets its own, numbered
        if (count > 1 && values.length === 1 && FILE_KEYS.includes(key)) own[key] = numbered(value, i + 1);
      }
    }
    if (count > 1 && tcp === null) own['link'] = numbered(typeof own['link'] === 'string' ? own['link'] : DEFAULT_LINK, i + 1);
    return standaloneOptions(own);
  });
  return { tcp, host: host ?? '127.0.0.1', printers };
}

/** `name-N`, before an extension: /tmp/record.jsonl → /tmp/record-2.jsonl */
function numbered(name: string, n: number): string {
  const ext = path.extname(name);
  return `${name.slice(0, name.length - ext.length)}-${n}${ext}`;
}

const DEFAULT_LINK = '/tmp/cuttle-printer';

/** One printer's options from parsed `--key value` pairs; throws with a clear message on a bad value. */
export function standaloneOptions(options: Record<string, string | true>): StandaloneOptions {
  const unknown = Object.keys(options).filter((key) => !FLAGS.includes(key) && !KEYS.includes(key) && !FARM_KEYS.includes(key));
  if (unknown.length) throw new Error(`unknown option --${unknown[0]}\n${VIRTUAL_PRINTER_USAGE}`);
  const text = (key: string) => {
    const value = options[key];
    if (value === true) throw new Error(`--${key} needs a value`);
    return value;
  };
  const faults = {
    checksumErrorRate: number(options, 'checksum-error-rate'),
    garbageRate: number(options, 'garbage-rate'),
    lostOkAfterLines: number(options, 'lost-ok-after'),
    disconnectAfterLines: number(options, 'disconnect-after'),
    silentAfterLines: number(options, 'silent-after'),
    duplicateOkAfterLines: number(options, 'duplicate-ok-after'),
    resendAckedAfterLines: number(options, 'resend-acked-after'),
    staleResendAfterLines: number(options, 'stale-resend-after'),
    resendBurstAfterLines: number(options, 'resend-burst-after'),
    unansweredErrorAfterLines: number(options, 'unanswered-error-after'),
    longLineAfterLines: number(options, 'long-line-after'),
    resetAfterLines: number(options, 'reset-after'),
    fragmentRate: number(options, 'fragment-rate'),
    resendBeforeError: options['resend-before-error'] ? true : undefined,
    seed: number(options, 'seed'),
  };
  for (const [key, flag] of [['checksumErrorRate', 'checksum-error-rate'], ['garbageRate', 'garbage-rate'], ['fragmentRate', 'fragment-rate']] as const) {
    if ((faults[key] ?? 0) > 1) throw new Error(`--${flag} is a share from 0 to 1`);
  }
  const firmware = text('firmware');
  if (firmware !== undefined && !(FIRMWARE_IDS as readonly string[]).includes(firmware)) {
    throw new Error(`--firmware must be one of ${FIRMWARE_IDS.join(', ')}`);
  }
  const printer: VirtualPrinterOverrides = {
    baudrate: number(options, 'baudrate'),
    speedFactor: number(options, 'speed'),
    extruders: number(options, 'extruders'),
    sdFolder: text('sd-folder'),
    firmware: firmware as FirmwareId | undefined,
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
  };
  if (options['no-motion']) printer.motion = false;
  if (options['no-pacing']) printer.pacing = false;
  if (options['sleep-pacing']) printer.sleepPacing = true;
  if (options['no-advanced-ok']) printer.advancedOk = false;
  for (const key of Object.keys(printer) as (keyof VirtualPrinterOverrides)[]) if (printer[key] === undefined) delete printer[key];
  return { link: text('link') ?? DEFAULT_LINK, record: text('record'), okGaps: text('ok-gaps'), wireLog: text('wire-log'), printer };
}

const KEYS = [
  'link',
  'baudrate',
  'speed',
  'extruders',
  'sd-folder',
  'checksum-error-rate',
  'garbage-rate',
  'lost-ok-after',
  'disconnect-after',
  'silent-after',
  'duplicate-ok-after',
  'resend-acked-after',
  'stale-resend-after',
  'resend-burst-after',
  'unanswered-error-after',
  'long-line-after',
  'reset-after',
  'fragment-rate',
  'firmware',
  'seed',
  'record',
  'ok-gaps',
  'wire-log',
];
export const STANDALONE_FLAGS = FLAGS;
export const STANDALONE_KEYS = [...KEYS, ...FARM_KEYS];

/** A running simulated printer, whichever way it is reached. */
interface RunningPrinter {
  readonly where: string;
  readonly options: VirtualPrinterOptions;
  /** every session's printer, in order (a TCP printer powers on afresh with each connection) */
  sessions(): readonly VirtualPrinter[];
  close(): Promise<void>;
}

async function startOne(farm: SimulatorOptions, own: StandaloneOptions, index: number): Promise<RunningPrinter> {
  if (farm.tcp !== null) {
    const tcp = await startTcpPrinter(farm.tcp + index, own.printer, farm.host, { wireLog: own.wireLog !== undefined });
    return { where: tcp.address, options: tcp.options, sessions: () => tcp.sessions, close: () => tcp.close() };
  }
  const pty = await startPtyPrinter(own.link, own.printer);
  if (own.wireLog) pty.printer.wireLog = [];
  return { where: pty.link, options: pty.printer.options, sessions: () => [pty.printer], close: () => pty.close() };
}

/** Starts the printers, prints one "ready" line each, and resolves with 0 once SIGINT or SIGTERM stopped them. */
export async function runStandalone(farm: SimulatorOptions, log: (line: string) => void): Promise<number> {
  const running: RunningPrinter[] = [];
  try {
    for (const [i, own] of farm.printers.entries()) running.push(await startOne(farm, own, i));
  } catch (err) {
    await Promise.all(running.map((r) => r.close()));
    throw err;
  }
  for (const r of running) {
    const { baudrate, pacing, motion, firmware } = r.options;
    log(`virtual printer ready on ${r.where} (${baudrate} baud, pacing ${pacing ? 'on' : 'off'}, motion ${motion ? 'on' : 'off'}) playing ${firmware}`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(running.map((r) => r.close()));
  for (const [i, r] of running.entries()) {
    const { record, okGaps, wireLog } = farm.printers[i]!;
    const sessions = r.sessions();
    if (record) fs.writeFileSync(record, sessions.flatMap((p) => p.executed).map((c) => JSON.stringify(c)).join('\n') + '\n');
    if (okGaps) fs.writeFileSync(okGaps, JSON.stringify(sessions.flatMap((p) => p.okGaps)));
    if (wireLog) fs.writeFileSync(wireLog, JSON.stringify(sessions.flatMap((p) => p.wireLog ?? [])));
  }
  return 0;
}
