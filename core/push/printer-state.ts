/**
 * The printer's state in OctoPrint's push data model (`state {text, flags}`, `job`, `progress`,
 * `temps` points …), built from PrinterService's snapshot. Shared by `history` and `current`.
 */
import { isJobActive, jobJson, NO_JOB_DETAILS, progressJson, stateFlags, type JobDetails, type JobJson, type ProgressJson, type StateFlags } from '../printer/octoprint-views.js';
import type { PrinterSnapshot, TemperatureReading, TemperatureSample } from '../printer/printer-service.js';

export type { JobDetails };

/** One point of OctoPrint's `temps` list: `{time, tool0: {actual, target}, bed: {…}}`. */
export type TempPoint = { time: number } & { [heater: string]: number | TemperatureReading };

/** The part of `history` and `current` that describes the printer at one moment. */
export interface PushPrinterState {
  state: { text: string; flags: StateFlags; error: string };
  job: JobJson;
  progress: ProgressJson;
  currentZ: number | null;
  offsets: Record<string, number>;
  busyFiles: { origin: string; path: string }[];
  resends: { count: number; transmitted: number; ratio: number };
  serverTime: number;
}

export function pushPrinterState(snapshot: PrinterSnapshot, details: JobDetails = NO_JOB_DETAILS): PushPrinterState {
  const { state, job, progress } = snapshot;
  return {
    state: { text: state.text, flags: stateFlags(state.id), error: state.error },
    job: jobJson(job, details),
    progress: progressJson(progress),
    currentZ: snapshot.currentZ,
    offsets: {},
    busyFiles: job && isJobActive(state.id) ? [{ origin: job.origin, path: job.path }] : [],
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
