/**
 * Reads a G-code file in large chunks and runs the analyser over it, reporting progress by bytes.
 * Synchronous on purpose: it runs inside the analysis worker (or the CLI), never on the server's loop.
 */
import fs from 'node:fs';
import type { GcodeAnalysisResult } from '../analysis-result.js';
import { GcodeAnalyser, type AnalyserOptions } from './gcode-analyser.js';

const CHUNK = 4 * 1024 * 1024;

export function analyseFileSync(
  file: string,
  options: AnalyserOptions = {},
  onProgress?: (done: number, total: number) => void,
): GcodeAnalysisResult {
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const analyser = new GcodeAnalyser(options);
    const buffer = Buffer.allocUnsafe(CHUNK);
    let done = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, CHUNK, null);
      if (n <= 0) break;
      analyser.push(buffer.subarray(0, n));
      done += n;
      onProgress?.(done, total);
    }
    return analyser.finish();
  } finally {
    fs.closeSync(fd);
  }
}
