/**
 * The analysis worker thread: receives `{ id, file, options }`, answers with progress messages and
 * one `result` or `error` per job. One job at a time; the queue on the main side feeds it.
 */
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { analyseFileSync } from './analyse-file.js';
import { GcodeAnalyser } from './gcode-analyser.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('analysis worker must run in a worker thread');

/**
 * Nice 19 for this thread only (on Linux the nice value is per thread, and setpriority(0) names the
 * calling one): on a small host with fewer cores than busy threads, a long analysis then waits for
 * the main thread, which streams lines to the printers, instead of sharing the core with it.
 */
function yieldToTheMainThread(): void {
  try {
    os.setPriority(0, 19);
  } catch {
    // not permitted or not supported here: the analysis runs at the process's priority
  }
}
yieldToTheMainThread();

/**
 * Runs the parser over a generated sample once at start-up (tens of ms, in this thread), so that the
 * JIT has optimised it before the first real file: the first analysis is otherwise ~20 % slower.
 */
function warmUp(): void {
  const lines = ['G21', 'G90', 'M82', 'G92 E0', 'M204 P1000 T2000', 'T0'];
  let e = 0;
  for (let i = 0; i < 8000; i++) {
    e += 0.01;
    if (i % 400 === 0) lines.push(`G1 Z${(0.2 + i / 2000).toFixed(2)} F600 ; layer`, 'G1 E-0.8 F2400', 'G1 E0.8');
    lines.push(`G1 X${(100 + 30 * Math.cos(i / 50)).toFixed(3)} Y${(100 + 30 * Math.sin(i / 50)).toFixed(3)} E${e.toFixed(5)}${i % 97 === 0 ? ' F1800' : ''}`);
    if (i % 500 === 0) lines.push('G0 X10 Y10 F7800', 'G2 X20 Y10 I5 J0 E0.1', 'M83', 'G1 X11 E0.1', 'M82', 'G92 E0');
  }
  const analyser = new GcodeAnalyser();
  analyser.push(Buffer.from(lines.join('\n') + '\n'));
  analyser.finish();
}
warmUp();

port.on('message', (job: WorkerRequest) => {
  let last = Date.now();
  const post = (reply: WorkerReply) => port.postMessage(reply);
  try {
    const result = analyseFileSync(job.file, job.options, (done, total) => {
      const now = Date.now();
      // throttled, so a fast analysis does not flood the main loop with messages
      if (now - last >= job.progressIntervalMs) {
        last = now;
        post({ id: job.id, kind: 'progress', done, total });
      }
    });
    post({ id: job.id, kind: 'result', result });
  } catch (err) {
    post({ id: job.id, kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
