/**
 * The printer's state in OctoPrint's push data model (`state {text, flags}`, `job`, `progress`,
 * `temps` points …), built from PrinterService's snapshot. Shared by `history` and `current`.
 */
import type { JobFile, PrinterSnapshot, PrinterStateId, TemperatureReading, TemperatureSample } from '../printer/printer-service.js';

export interface StateFlags {
  operational: boolean;
  printing: boolean;
  cancelling: boolean;
  pausing: boolean;
  resuming: boolean;
  finishing: boolean;
  closedOrError: boolean;
  error: boolean;
  paused: boolean;
  ready: boolean;
  sdReady: boolean;
}

/** One point of OctoPrint's `temps` list: `{time, tool0: {actual, target}, bed: {…}}`. */
export type TempPoint = { time: number } & { [heater: string]: number | TemperatureReading };

/** What the file's metadata adds to the job: from its G-code analysis and print history. */
export interface JobDetails {
  estimatedPrintTime: number | null;
  lastPrintTime: number | null;
  filament: Record<string, { length: number; volume: number }> | null;
  user: string | null;
}

export interface PushJob extends JobDetails {
  file: { name: string | null; path: string | null; display: string | null; origin: string | null; size: number | null; date: number | null };
}

const NO_DETAILS: JobDetails = { estimatedPrintTime: null, lastPrintTime: null, filament: null, user: null };

export interface PushProgress {
  completion: number | null;
  filepos: number | null;
  printTime: number | null;
  printTimeLeft: number | null;
  printTimeLeftOrigin: string | null;
}

/** The part of `history` and `current` that describes the printer at one moment. */
export interface PushPrinterState {
  state: { text: string; flags: StateFlags; error: string };
  job: PushJob;
  progress: PushProgress;
  currentZ: number | null;
  offsets: Record<string, number>;
  busyFiles: { origin: string; path: string }[];
  resends: { count: number; transmitted: number; ratio: number };
  serverTime: number;
}

const ACTIVE: ReadonlySet<PrinterStateId> = new Set(['PRINTING', 'PAUSING', 'PAUSED', 'RESUMING', 'CANCELLING', 'FINISHING']);

export function stateFlags(id: PrinterStateId): StateFlags {
  const closed = id === 'OFFLINE' || id === 'ERROR' || id === 'CLOSED_WITH_ERROR';
  const operational = !closed && id !== 'OPEN_SERIAL' && id !== 'CONNECTING';
  return {
    operational,
    printing: id === 'PRINTING' || id === 'FINISHING',
    cancelling: id === 'CANCELLING',
    pausing: id === 'PAUSING',
    resuming: id === 'RESUMING',
    finishing: id === 'FINISHING',
    closedOrError: closed,
    error: id === 'ERROR' || id === 'CLOSED_WITH_ERROR',
    paused: id === 'PAUSED',
    ready: id === 'OPERATIONAL',
    sdReady: false,
  };
}

function jobOf(file: JobFile | null, details: JobDetails): PushJob {
  return {
    ...(file ? details : NO_DETAILS),
    file: {
      name: file?.name ?? null,
      path: file?.path ?? null,
      display: file?.name ?? null,
      origin: file?.origin ?? null,
      size: file?.size ?? null,
      date: file?.date ?? null,
    },
  };
}

export function pushPrinterState(snapshot: PrinterSnapshot, details: JobDetails = NO_DETAILS): PushPrinterState {
  const { state, job, progress } = snapshot;
  return {
    state: { text: state.text, flags: stateFlags(state.id), error: state.error },
    job: jobOf(job, details),
    progress: {
      completion: progress.completion,
      filepos: progress.filepos,
      printTime: progress.printTime,
      printTimeLeft: progress.printTimeLeft,
      printTimeLeftOrigin: progress.printTimeLeft === null ? null : 'linear',
    },
    currentZ: snapshot.currentZ,
    offsets: {},
    busyFiles: job && ACTIVE.has(state.id) ? [{ origin: job.origin, path: job.path }] : [],
    resends: { count: 0, transmitted: progress.linesSent, ratio: 0 },
    serverTime: Date.now() / 1000,
  };
}

export function tempPoint(sample: TemperatureSample): TempPoint {
  // OctoPrint sends epoch seconds; accept a sample stamped in milliseconds too
  const seconds = sample.time > 1e11 ? sample.time / 1000 : sample.time;
  const point: TempPoint = { time: Math.round(seconds) } as TempPoint;
  for (const [heater, reading] of Object.entries(sample.heaters)) point[heater] = { actual: reading.actual, target: reading.target };
  return point;
}

/** What the hub shows while no printer service is bound (tests, or a host without a printer). */
export const OFFLINE_SNAPSHOT: PrinterSnapshot = {
  state: { id: 'OFFLINE', text: 'Offline', error: '' },
  connection: null,
  temperatures: {},
  job: null,
  progress: { completion: null, filepos: null, linesSent: 0, printTime: null, printTimeLeft: null },
  currentZ: null,
};
