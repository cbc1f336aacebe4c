/**
 * The analysis worker thread: receives `{ id, file, options }`, answers with progress messages and
 * one `result` or `error` per job. One job at a time; the queue on the main side feeds it.
 */
import { parentPort } from 'node:worker_threads';
import { analyseFileSync } from './analyse-file.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('analysis worker must run in a worker thread');

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
