/**
 * The firmware variants the simulator plays and the faults it injects, with the documented
 * outcome of each: an exact print, or a clean failure with a given error. The matrix test and
 * `npm run bench:faults` both run every variant × every fault from here and judge a run with
 * `judge()`, so the two can never disagree about what "exact" or "clean" means.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PrinterService } from '../printer-service.js';
import type { FirmwareId } from '../protocol/dialects.js';
import { SIMULATED_FIRMWARES } from './firmwares.js';
import type { VirtualPrinterOverrides } from './options.js';
import { startPtyPrinter } from './pty.js';

export interface FirmwareVariant {
  name: string;
  firmware: FirmwareId;
  advancedOk: boolean;
}

export const FIRMWARE_VARIANTS: readonly FirmwareVariant[] = [
  { name: 'Marlin 2 (ADVANCED_OK)', firmware: 'marlin', advancedOk: true },
  { name: 'Marlin 2', firmware: 'marlin', advancedOk: false },
  { name: 'Marlin 1.1', firmware: 'marlin1', advancedOk: false },
  { name: 'Prusa-Firmware', firmware: 'prusa', advancedOk: false },
  { name: 'Repetier-Firmware', firmware: 'repetier', advancedOk: false },
  { name: 'RepRapFirmware', firmware: 'reprapfirmware', advancedOk: false },
  { name: 'Smoothieware', firmware: 'smoothieware', advancedOk: false },
  { name: 'Klipper', firmware: 'klipper', advancedOk: false },
];

export interface InjectedFault {
  name: string;
  faults: VirtualPrinterOverrides['faults'];
  /** an exact print, or a clean failure whose error matches */
  outcome: 'exact' | RegExp;
  /** resends exist only where the firmware checks line numbers */
  numberedOnly?: boolean;
  /** only for firmwares that send "wait" when idle */
  idleWaitOnly?: boolean;
  /** the host's communication timeout for this case, when not MATRIX_SERIAL's */
  communicationTimeout?: number;
}

export const INJECTED_FAULTS: readonly InjectedFault[] = [
  { name: 'no fault', faults: {}, outcome: 'exact' },
  { name: 'a lost "ok" (then "wait" where the firmware sends it, else only temperature reports)', faults: { lostOkAfterLines: 700 }, outcome: 'exact' },
  // a timeout far beyond the test: only "wait" can recover the lost "ok"
  { name: 'a lost "ok" with only "wait" to recover it', faults: { lostOkAfterLines: 700 }, outcome: 'exact', idleWaitOnly: true, communicationTimeout: 60000 },
  { name: 'a duplicated "ok"', faults: { duplicateOkAfterLines: 500 }, outcome: 'exact' },
  { name: 'checksum errors (Error, then Resend)', faults: { checksumErrorRate: 0.01 }, outcome: 'exact', numberedOnly: true },
  { name: 'checksum errors (Resend, then Error)', faults: { checksumErrorRate: 0.01, resendBeforeError: true }, outcome: 'exact', numberedOnly: true },
  { name: 'an error with neither Resend nor ok (No Line Number with checksum)', faults: { unansweredErrorAfterLines: 600 }, outcome: 'exact', numberedOnly: true },
  { name: 'Resend for a line already acknowledged', faults: { resendAckedAfterLines: 900 }, outcome: 'exact', numberedOnly: true },
  { name: 'a burst of resends for one line', faults: { resendBurstAfterLines: 1200, resendBurstLength: 5 }, outcome: 'exact', numberedOnly: true },
  { name: 'Resend for a line older than the kept history', faults: { staleResendAfterLines: 1500 }, outcome: /no longer kept/, numberedOnly: true },
  { name: 'bytes that are not UTF-8', faults: { garbageRate: 0.02 }, outcome: 'exact' },
  { name: 'an over-long line', faults: { longLineAfterLines: 300 }, outcome: 'exact' },
  { name: 'lines split across reads', faults: { fragmentRate: 0.05 }, outcome: 'exact' },
  // a board with a serial chip prints its banner; a native-USB board drops off the bus
  { name: 'a firmware reset mid-print', faults: { resetAfterLines: 1000 }, outcome: /printer reset during the print|closed unexpectedly|disconnected/ },
  { name: 'USB unplugged', faults: { disconnectAfterLines: 1100 }, outcome: /closed unexpectedly|disconnected|failed/ },
  { name: 'silence', faults: { silentAfterLines: 800 }, outcome: /communication timeout/ },
];

/** The file length the `…AfterLines` positions above are written for (what `npm run bench:faults` prints). */
export const FAULT_POSITIONS_FOR_LINES = 2000;

/**
 * A fault's settings for a file of `lineCount` lines: each `…AfterLines` position moved in proportion, so
 * a shorter file (the test suite's) meets every fault at the same point of the print; rates stay as they are.
 */
export function faultsForLength(faults: InjectedFault['faults'], lineCount: number): InjectedFault['faults'] {
  const scaled: Record<string, unknown> = { ...faults };
  for (const [key, value] of Object.entries(faults ?? {})) {
    if (key.endsWith('AfterLines') && typeof value === 'number') scaled[key] = Math.max(1, Math.round((value * lineCount) / FAULT_POSITIONS_FOR_LINES));
  }
  return scaled as InjectedFault['faults'];
}

export function faultApplies(variant: FirmwareVariant, fault: InjectedFault): boolean {
  const firmware = SIMULATED_FIRMWARES[variant.firmware];
  return (!fault.numberedOnly || firmware.checksLines) && (!fault.idleWaitOnly || firmware.idleWait);
}

/** The host's serial settings for one case. */
export function matrixSerial(fault: InjectedFault): typeof MATRIX_SERIAL {
  const communication = fault.communicationTimeout ?? MATRIX_SERIAL.timeout.communication;
  return { ...MATRIX_SERIAL, timeout: { ...MATRIX_SERIAL.timeout, communication } };
}

/** Host settings for the matrix: quick timeouts, and temperature reports on (chatter that must not count as progress). */
export const MATRIX_SERIAL = {
  temperatureInterval: 1,
  historySize: 100,
  timeout: { connection: 5000, hello: 300, communication: 400, maxNudges: 2 },
};

export interface RunRecord {
  /** the longest wait between two job lines sent, in ms: the time a fault cost */
  worstGapMs: number;
  /** the file's lines */
  lines: readonly string[];
  /** the G1 lines the simulator executed, in order */
  executed: readonly string[];
  /** bus event names, in order */
  events: readonly string[];
  /** the Error event's message, if any */
  error: string | null;
  finalState: string;
}

export type Verdict = { ok: true; kind: 'exact' | 'clean failure' } | { ok: false; why: string };

export function judge(fault: InjectedFault, run: RunRecord): Verdict {
  const ends = run.events.filter((n) => n === 'PrintDone' || n === 'PrintFailed' || n === 'Error' || n === 'Disconnected');
  if (fault.outcome === 'exact') {
    if (ends.join() !== 'PrintDone') return { ok: false, why: `expected only PrintDone, got ${ends.join(', ') || 'nothing'} (${run.error ?? 'no error'})` };
    if (run.executed.length !== run.lines.length) return { ok: false, why: `executed ${run.executed.length} of ${run.lines.length} lines` };
    const at = run.executed.findIndex((line, i) => line !== run.lines[i]);
    if (at !== -1) return { ok: false, why: `line ${at + 1} differs: ${run.executed[at]} instead of ${run.lines[at]}` };
    return { ok: true, kind: 'exact' };
  }
  if (ends.join() !== 'Error,Disconnected,PrintFailed') return { ok: false, why: `expected Error, Disconnected, PrintFailed, got ${ends.join(', ') || 'nothing'}` };
  if (!run.error || !fault.outcome.test(run.error)) return { ok: false, why: `error "${run.error}" does not match ${fault.outcome}` };
  if (run.finalState !== 'CLOSED_WITH_ERROR') return { ok: false, why: `ended in ${run.finalState}` };
  if (run.executed.length >= run.lines.length) return { ok: false, why: 'the whole file ran' };
  const at = run.executed.findIndex((line, i) => line !== run.lines[i]);
  if (at !== -1) return { ok: false, why: `line ${at + 1} was replayed or skipped: ${run.executed[at]}` };
  return { ok: true, kind: 'clean failure' };
}

/** A host that runs cases one after another (connected to nothing between them): the test's and the benchmark's both fit. */
export interface MatrixHost {
  printer: PrinterService;
  /** names of the bus events fired so far, in order */
  names(): string[];
  /** the message of each Error event so far, in order */
  errors(): string[];
  /** resolves once the bus has delivered everything fired so far */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One case: the simulator on its own pty (pacing off, so the matrix runs quickly), the given host
 * (disconnected again afterwards), and a print of `lines` (G1 moves, which is what is compared).
 */
export async function runFaultCase(
  dir: string,
  index: number,
  variant: FirmwareVariant,
  fault: InjectedFault,
  lines: readonly string[],
  host: MatrixHost,
): Promise<RunRecord> {
  const pty = await startPtyPrinter(path.join(dir, `printer-${index}`), {
    firmware: variant.firmware,
    advancedOk: variant.advancedOk,
    pacing: false,
    motion: false,
    sdFolder: path.join(dir, `sd-${index}`),
    faults: { seed: index + 1, ...faultsForLength(fault.faults, lines.length) },
  });
  const eventsBefore = host.names().length;
  const errorsBefore = host.errors().length;
  const events = () => host.names().slice(eventsBefore);
  let last = 0;
  let worstGapMs = 0;
  const sent = host.printer.onCommandSent(({ fromJob }) => {
    if (!fromJob) return;
    const now = performance.now();
    if (last) worstGapMs = Math.max(worstGapMs, now - last);
    last = now;
  });
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const end = host.printer.onPrintEnded(() => resolveEnded());
  try {
    const file = path.join(dir, `job-${index}.gcode`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await host.printer.connect({ port: pty.link, baudrate: 250000 });
    await host.printer.selectFile({ origin: 'local', path: `job-${index}.gcode`, name: `job-${index}.gcode`, size: null, diskPath: file }, true);
    await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error('the job did not end within 30 s')), 30000).unref())]);
    // the bus delivers asynchronously: wait for the job's last event to arrive
    for (let waited = 0; waited < 5000 && !events().some((n) => n === 'PrintDone' || n === 'PrintFailed'); waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return {
      worstGapMs,
      lines,
      executed: pty.printer.executed.filter((c) => c.source === 'serial' && c.command.startsWith('G1')).map((c) => c.command),
      events: events(),
      error: host.errors()[errorsBefore] ?? null,
      finalState: host.printer.state.id,
    };
  } finally {
    sent.dispose();
    end.dispose();
    await host.printer.disconnect().catch(() => undefined);
    await pty.close();
    // the next case counts its events from here: this one's last ones must have arrived
    await host.settled();
  }
}

/**
 * Runs every applicable case, `parallel` at a time; a case that throws is returned as its Error.
 * Each worker keeps one host per distinct set of serial settings and reuses it case after case.
 */
export async function runFaultMatrix(
  dir: string,
  lines: readonly string[],
  startHost: (serial: typeof MATRIX_SERIAL) => Promise<MatrixHost>,
  parallel = 4,
): Promise<{ variant: FirmwareVariant; fault: InjectedFault; result: RunRecord | Error }[]> {
  const cases = FIRMWARE_VARIANTS.flatMap((variant) => INJECTED_FAULTS.filter((fault) => faultApplies(variant, fault)).map((fault) => ({ variant, fault })));
  const results: { variant: FirmwareVariant; fault: InjectedFault; result: RunRecord | Error }[] = [];
  const hosts: MatrixHost[] = [];
  let next = 0;
  const worker = async () => {
    const mine = new Map<string, MatrixHost>();
    while (next < cases.length) {
      const index = next++;
      const { variant, fault } = cases[index]!;
      const serial = matrixSerial(fault);
      const key = JSON.stringify(serial);
      let host = mine.get(key);
      if (!host) {
        host = await startHost(serial);
        mine.set(key, host);
        hosts.push(host);
      }
      const result = await runFaultCase(dir, index, variant, fault, lines, host).catch((err: Error) => err);
      results[index] = { variant, fault, result };
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    await Promise.all(hosts.map((host) => host.stop()));
  }
  return results;
}
