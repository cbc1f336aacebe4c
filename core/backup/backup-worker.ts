/**
 * The host's backup thread: writes one archive (./archive-writer.ts), or extracts and checks one for
 * a restore (./archive-reader.ts), and answers with the result (a backup's progress on the way), so the database snapshot, file reads
 * and writes, hashing and (de)compression never run on the event loop that dispatches the bus. It
 * runs at nice 19 (on Linux the nice value is per thread, and setpriority(0) names the calling one):
 * on a small host with fewer cores than busy threads, the backup then waits for the main thread
 * instead of sharing a core with it.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { extractBackup, type Extracted } from './archive-reader.js';
import { writeBackup, type BackupProgress, type BackupResult } from './archive-writer.js';
import { BackupError } from './format.js';
import type { BackupPlan } from './plan.js';

type Job = { kind: 'write'; plan: BackupPlan; output: string } | { kind: 'extract'; archive: string; staging: string };
type Answer<T> = { result: T } | { error: string; status?: number };
/** what the thread posts: a backup's progress (any number of times), then one answer */
type Message<T> = Answer<T> | { progress: number };

export interface BackupThread<T> {
  readonly result: Promise<T>;
  /** Stops the thread mid-work (the host is stopping); `result` then rejects. Its partial files stay for the next sweep. */
  cancel(): Promise<void>;
}

/** Runs writeBackup in a worker thread, `progress` hearing how far it got; `result` rejects with its error (a BackupError keeps its status). */
export function writeBackupInWorker(plan: BackupPlan, output: string, progress?: BackupProgress): BackupThread<BackupResult> {
  return runInWorker<BackupResult>({ kind: 'write', plan, output }, progress);
}

/** Runs extractBackup in a worker thread (the archive checked as it is read into `staging`). */
export function extractBackupInWorker(archive: string, staging: string): BackupThread<Extracted> {
  return runInWorker<Extracted>({ kind: 'extract', archive, staging });
}

function runInWorker<T>(job: Job, progress: BackupProgress = () => undefined): BackupThread<T> {
  const worker = new Worker(path.join(__dirname, 'backup-worker.js'), { workerData: job });
  const result = new Promise<T>((resolve, reject) => {
    let answered = false;
    worker.on('message', (answer: Message<T>) => {
      if ('progress' in answer) return progress(answer.progress);
      answered = true;
      if ('result' in answer) resolve(answer.result);
      else reject(answer.status === undefined ? new Error(answer.error) : new BackupError(answer.error, answer.status));
    });
    worker.once('error', (err) => reject(err));
    worker.once('exit', (code) => {
      if (!answered) reject(new BackupError(`the backup was stopped before it finished (thread exit code ${code})`, 503));
    });
  });
  return { result, cancel: async () => void (await worker.terminate()) };
}

if (parentPort && (workerData as Partial<Job> | undefined)?.kind) {
  const job = workerData as Job;
  const port = parentPort;
  try {
    os.setPriority(0, 19);
  } catch {
    // not permitted here: the backup runs at the host's priority
  }
  const progress = (fraction: number) => port.postMessage({ progress: fraction } satisfies Message<unknown>);
  const work: Promise<unknown> = job.kind === 'write' ? writeBackup(job.plan, job.output, progress) : extractBackup(job.archive, job.staging);
  work.then(
    (result) => port.postMessage({ result } satisfies Message<unknown>),
    (err: unknown) => port.postMessage({ error: (err as Error).message, status: err instanceof BackupError ? err.status : undefined } satisfies Message<unknown>),
  );
}
