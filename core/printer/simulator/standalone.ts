/**
 * Runs the simulated printer on a pty until a signal ends it: what `cuttle virtual-printer` does,
 * and what the stream benchmark spawns. Options map one to one onto `serial.virtual` config keys.
 */
import fs from 'node:fs';
import { FIRMWARE_IDS, type FirmwareId } from '../protocol/dialects.js';
import { startPtyPrinter } from './pty.js';
import type { VirtualPrinterOverrides } from './options.js';

export const VIRTUAL_PRINTER_USAGE = `usage: cuttle virtual-printer [options]
  --link PATH                device path to create for the host (default /tmp/cuttle-printer)
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
  --record FILE              write the executed commands to FILE (JSON lines) on exit
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

/** Options from parsed `--key value` pairs; throws with a clear message on a bad value. */
export function standaloneOptions(options: Record<string, string | true>): { link: string; record?: string; okGaps?: string; wireLog?: string; printer: VirtualPrinterOverrides } {
  const unknown = Object.keys(options).filter((key) => !FLAGS.includes(key) && !KEYS.includes(key));
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
  return { link: text('link') ?? '/tmp/cuttle-printer', record: text('record'), okGaps: text('ok-gaps'), wireLog: text('wire-log'), printer };
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
export const STANDALONE_KEYS = KEYS;

/** Starts the printer, prints one "ready" line, and resolves with 0 once SIGINT or SIGTERM stopped it. */
export async function runStandalone(options: ReturnType<typeof standaloneOptions>, log: (line: string) => void): Promise<number> {
  const pty = await startPtyPrinter(options.link, options.printer);
  if (options.wireLog) pty.printer.wireLog = [];
  const { baudrate, pacing, motion } = pty.printer.options;
  log(`virtual printer ready on ${pty.link} (${baudrate} baud, pacing ${pacing ? 'on' : 'off'}, motion ${motion ? 'on' : 'off'})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await pty.close();
  if (options.record) fs.writeFileSync(options.record, pty.printer.executed.map((c) => JSON.stringify(c)).join('\n') + '\n');
  if (options.okGaps) fs.writeFileSync(options.okGaps, JSON.stringify(pty.printer.okGaps));
  if (options.wireLog) fs.writeFileSync(options.wireLog, JSON.stringify(pty.printer.wireLog));
  return 0;
}
