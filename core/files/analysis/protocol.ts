/** Messages between the analysis queue (main thread) and its worker thread. */
import type { GcodeAnalysisResult } from '../../events/analysis-result.js';
import type { AnalyserOptions } from './gcode-analyser.js';

export interface WorkerRequest {
  id: number;
  file: string;
  options: AnalyserOptions;
  /** least time between two progress messages */
  progressIntervalMs: number;
}

export type WorkerReply =
  | { id: number; kind: 'progress'; done: number; total: number }
  | { id: number; kind: 'result'; result: GcodeAnalysisResult }
  | { id: number; kind: 'error'; message: string };
