/**
 * Main-thread side of the G-code analysis: a FIFO of files analysed one at a time by a single
 * long-lived worker thread (started on first use, restarted if it dies, ended by `dispose`).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GcodeAnalysisResult } from '../../events/analysis-result.js';
import type { AnalyserOptions } from './gcode-analyser.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

export interface AnalysisJob {
  file: string;
  options: AnalyserOptions;
  /** least time between two progress reports (default 250 ms) */
  progressIntervalMs?: number;
  /** called when the worker takes the job */
  onStart?: () => void;
  onProgress?: (done: number, total: number) => void;
}

interface Pending extends AnalysisJob {
  id: number;
  resolve(result: GcodeAnalysisResult): void;
  reject(err: Error): void;
}

export class AnalysisQueue {
  private worker: Worker | null = null;
  private readonly waiting: Pending[] = [];
  private current: Pending | null = null;
  private nextId = 1;
  private disposed = false;

  /** Resolves with the result once the file's turn has come and the worker is done with it. */
  analyse(job: AnalysisJob): Promise<GcodeAnalysisResult> {
    if (this.disposed) return Promise.reject(new Error('analysis queue stopped'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...job, id: this.nextId++, resolve, reject });
      this.pump();
    });
  }

  get pending(): number {
    return this.waiting.length + (this.current ? 1 : 0);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const stopped = new Error('analysis queue stopped');
    for (const job of this.waiting.splice(0)) job.reject(stopped);
    this.current?.reject(stopped);
    this.current = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const job = this.waiting.shift();
    if (!job) return;
    this.current = job;
    job.onStart?.();
    const worker = this.ensureWorker();
    // keeps the process alive only while a job runs
    worker.ref();
    const request: WorkerRequest = { id: job.id, file: job.file, options: job.options, progressIntervalMs: job.progressIntervalMs ?? 250 };
    worker.postMessage(request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(__dirname, 'worker.js'));
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (err) => this.onWorkerGone(worker, err));
    worker.on('exit', (code) => this.onWorkerGone(worker, new Error(`analysis worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private onReply(reply: WorkerReply): void {
    const job = this.current;
    if (!job || job.id !== reply.id) return;
    if (reply.kind === 'progress') {
      job.onProgress?.(reply.done, reply.total);
      return;
    }
    this.current = null;
    this.worker?.unref();
    if (reply.kind === 'result') job.resolve(reply.result);
    else job.reject(new Error(reply.message));
    this.pump();
  }

  private onWorkerGone(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const job = this.current;
    this.current = null;
    job?.reject(err);
    this.pump();
  }
}
