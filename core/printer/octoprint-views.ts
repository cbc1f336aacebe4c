/**
 * The printer's state as OctoPrint's clients read it (state flags, `job`, `progress`), built from a
 * PrinterSnapshot. One definition for the REST API (`/api/job`, `/api/printer`) and the push channel
 * (`current`, `history`), so the two can never disagree.
 */
import type { JobFile, JobProgress, PrinterStateId, TemperatureReading } from './printer-service.js';

/** Connected and not in an error state: the printer answers commands (printing counts). */
export const CONNECTED_STATES: readonly PrinterStateId[] = ['OPERATIONAL', 'PRINTING', 'PAUSING', 'PAUSED', 'RESUMING', 'CANCELLING', 'FINISHING'];
/** A job is running or paused: its file is busy. */
export const JOB_STATES: readonly PrinterStateId[] = ['PRINTING', 'PAUSING', 'PAUSED', 'RESUMING', 'CANCELLING', 'FINISHING'];

/** OctoPrint's "operational". */
export function isOperational(id: PrinterStateId): boolean {
  return CONNECTED_STATES.includes(id);
}

export function isJobActive(id: PrinterStateId): boolean {
  return JOB_STATES.includes(id);
}

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

export function stateFlags(id: PrinterStateId, sdReady = false): StateFlags {
  const closed = id === 'OFFLINE' || id === 'ERROR' || id === 'CLOSED_WITH_ERROR';
  return {
    operational: isOperational(id),
    printing: id === 'PRINTING' || id === 'FINISHING',
    cancelling: id === 'CANCELLING',
    pausing: id === 'PAUSING',
    resuming: id === 'RESUMING',
    finishing: id === 'FINISHING',
    closedOrError: closed,
    error: id === 'ERROR' || id === 'CLOSED_WITH_ERROR',
    paused: id === 'PAUSED',
    ready: id === 'OPERATIONAL',
    sdReady,
  };
}

/** What the file's metadata adds to the job: its G-code analysis and print history. */
export interface JobDetails {
  estimatedPrintTime: number | null;
  lastPrintTime: number | null;
  filament: Record<string, { length: number; volume: number }> | null;
  user: string | null;
}

export const NO_JOB_DETAILS: JobDetails = { estimatedPrintTime: null, lastPrintTime: null, filament: null, user: null };

export interface JobJson extends JobDetails {
  file: { name: string | null; path: string | null; display: string | null; origin: string | null; size: number | null; date: number | null };
}

export interface ProgressJson {
  completion: number | null;
  filepos: number | null;
  printTime: number | null;
  printTimeLeft: number | null;
  printTimeLeftOrigin: string | null;
}

export function jobJson(file: JobFile | null, details: JobDetails = NO_JOB_DETAILS): JobJson {
  return {
    ...(file ? details : NO_JOB_DETAILS),
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

export function progressJson(progress: JobProgress | undefined): ProgressJson {
  return {
    completion: progress?.completion ?? null,
    filepos: progress?.filepos ?? null,
    printTime: progress?.printTime ?? null,
    printTimeLeft: progress?.printTimeLeft ?? null,
    printTimeLeftOrigin: progress?.printTimeLeft == null ? null : 'linear',
  };
}

/** The part of a stored file's metadata that the job shows (structural, so the printer needs no file-manager types). */
export interface JobFileMetadata {
  analysis?: { estimatedPrintTime: number; filament: Record<string, { length: number; volume: number }> };
  prints?: { last?: { printTime?: number | null } };
}

export function jobDetailsOf(file: JobFileMetadata | undefined, user: string | null): JobDetails {
  return {
    estimatedPrintTime: file?.analysis?.estimatedPrintTime ?? null,
    filament: file?.analysis?.filament ?? null,
    lastPrintTime: file?.prints?.last?.printTime ?? null,
    user,
  };
}

/** OctoPrint's temperature objects: `{ tool0: { actual, target, offset } }`. */
export function temperatureJson(temperatures: Record<string, TemperatureReading>): Record<string, { actual: number; target: number | null; offset: number }> {
  const out: Record<string, { actual: number; target: number | null; offset: number }> = {};
  for (const [heater, reading] of Object.entries(temperatures)) out[heater] = { actual: reading.actual, target: reading.target, offset: 0 };
  return out;
}
