/** The analysis worker thread runs at nice 19 while the main thread, which streams to the printers, keeps its priority. */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { needs } from '../support/tools.js';
import { waitFor } from '../support/wait.js';

function niceOf(tid: string): number {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  // fields after "(comm) ": state is field 3, nice field 19
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('files: analysis worker priority', function () {
  before(function () {
    needs(this, 'Linux (threads in /proc/self/task)', process.platform === 'linux');
  });

  it('lowers only its own thread to nice 19', async () => {
    const before = new Set(fs.readdirSync('/proc/self/task'));
    const mainNice = niceOf(String(process.pid));
    const worker = new Worker(path.resolve(__dirname, '../../core/files/analysis/worker.js'));
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('online', () => resolve());
        worker.once('error', reject);
      });
      // the worker sets its priority first thing; its warm-up runs after, so wait until a new thread shows nice 19
      let lowered: string[] = [];
      await waitFor(() => (lowered = fs.readdirSync('/proc/self/task').filter((tid) => !before.has(tid) && niceOf(tid) === 19)).length > 0, 10_000, 'a new thread at nice 19').catch(() => undefined);
      expect(lowered, 'a new thread at nice 19').to.have.length(1);
      expect(niceOf(String(process.pid)), 'the main thread keeps its priority').to.equal(mainNice);
    } finally {
      await worker.terminate();
    }
  });
});
