/**
 * Reads a G-code file in large chunks and runs the analyser over it, reporting progress by bytes.
 * Synchronous on purpose: it runs inside the analysis worker (or the CLI), never on the server's loop.
 */
import fs from 'node:fs';
import type { GcodeAnalysisResult } from '../../events/analysis-result.js';
import { GcodeAnalyser, type AnalyserOptions } from './gcode-analyser.js';

const CHUNK = 4 * 1024 * 1024;
const LF = 10;

export function analyseFileSync(
  file: string,
  options: AnalyserOptions = {},
  onProgress?: (done: number, total: number) => void,
): GcodeAnalysisResult {
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const analyser = new GcodeAnalyser(options);
    // one plain Uint8Array for the whole file (element access stays monomorphic); the cut line at a
    // chunk's end moves to the front and the next read appends to it
    const buffer = new Uint8Array(CHUNK);
    let carry = 0;
    let done = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, carry, CHUNK - carry, null);
      if (n <= 0) break;
      done += n;
      const filled = carry + n;
      const last = buffer.lastIndexOf(LF, filled - 1);
      if (last < 0 && filled < CHUNK) {
        carry = filled;
        continue;
      }
      // a line longer than the whole buffer is cut (nothing useful is that long)
      const end = last < 0 ? filled : last + 1;
      analyser.pushLines(buffer, end);
      buffer.copyWithin(0, end, filled);
      carry = filled - end;
      onProgress?.(done, total);
    }
    if (carry > 0) analyser.push(buffer.slice(0, carry));
    return analyser.finish();
  } finally {
    fs.closeSync(fd);
  }
}
