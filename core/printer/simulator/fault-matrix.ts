/**
 * The firmware variants the simulator plays and the faults it injects, with the documented
 * outcome of each: an exact print, or a clean failure with a given error. The matrix test and
 * `npm run bench:faults` both run every variant × every fault from here and judge a run with
 * `judge()`, so the two can never disagree about what "exact" or "clean" means.
 */
import type { FirmwareId } from '../protocol/dialects.js';
import { SIMULATED_FIRMWARES } from './firmwares.js';
import type { VirtualPrinterOverrides } from './options.js';

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
}

export const INJECTED_FAULTS: readonly InjectedFault[] = [
  { name: 'no fault', faults: {}, outcome: 'exact' },
  { name: 'a lost "ok" (then "wait" where the firmware sends it, else only temperature reports)', faults: { lostOkAfterLines: 700 }, outcome: 'exact' },
  { name: 'a duplicated "ok"', faults: { duplicateOkAfterLines: 500 }, outcome: 'exact' },
  { name: 'checksum errors (Error, then Resend)', faults: { checksumErrorRate: 0.01 }, outcome: 'exact', numberedOnly: true },
  { name: 'checksum errors (Resend, then Error)', faults: { checksumErrorRate: 0.01, resendBeforeError: true }, outcome: 'exact', numberedOnly: true },
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

export function faultApplies(variant: FirmwareVariant, fault: InjectedFault): boolean {
  return !fault.numberedOnly || SIMULATED_FIRMWARES[variant.firmware].checksLines;
}

/** Host settings for the matrix: quick timeouts, and temperature reports on (chatter that must not count as progress). */
export const MATRIX_SERIAL = {
  temperatureInterval: 1,
  historySize: 100,
  timeout: { connection: 5000, hello: 300, communication: 400, maxNudges: 2 },
};

export interface RunRecord {
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
