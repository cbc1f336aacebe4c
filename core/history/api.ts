/**
 * The job history contract: one record per print job, written when it starts and completed when it
 * ends, in the host database, so a print cut short by a crash or a power cut is still there (marked
 * `interrupted` at the next start).
 */
import type { StorageOrigin } from '../events/catalogue.js';

export const JOB_RESULTS = ['printing', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobResult = (typeof JOB_RESULTS)[number];

export interface JobRecord {
  id: number;
  printer: string;
  file: { name: string; path: string; origin: StorageOrigin };
  /** who uploaded the file, when known (the printer does not say who started a job) */
  user: string | null;
  /** ISO-8601 */
  started: string;
  /** ISO-8601; for an interrupted job, the last sign of life before the process died */
  ended: string | null;
  result: JobResult;
  /** seconds */
  printTime: number | null;
  /** mm of filament: the analysis' total, scaled by the completion a job reached */
  filament: number | null;
}

export interface HistoryQuery {
  printer?: string;
  result?: JobResult;
  /** epoch ms: jobs started at or after */
  from?: number;
  /** epoch ms: jobs started at or before */
  to?: number;
  limit: number;
  offset: number;
}

export interface Totals {
  jobs: number;
  printTime: number;
  filament: number;
  /** seconds: the longest print time of one job */
  longestPrint: number;
  /** seconds: the longest start-to-end of one ended job (pauses included) */
  longestJob: number;
}

export interface HistoryTotals extends Totals {
  byPrinter: Record<string, Totals>;
}

export interface JobHistory {
  list(query: HistoryQuery): { jobs: JobRecord[]; total: number };
  /** one job, null when there is none with that id */
  get(id: number): JobRecord | null;
  /** Deletes ended jobs (one by id, or all of a printer's); the deleted ones. A running job stays. */
  delete(which: { id: number } | { printer: string }): JobRecord[];
  totals(query: Omit<HistoryQuery, 'limit' | 'offset' | 'result'>): HistoryTotals;
}
export const JobHistory = Symbol.for('cuttle.JobHistory');
