/**
 * The print job: a selected file streamed line by line from disk (comments and blank lines
 * stripped, never the whole file in memory), its progress by bytes and by lines, and its timing
 * (elapsed without pauses, time left by linear extrapolation).
 */
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { JobFile, JobProgress } from './printer-service.js';
import { normalizeCommand } from './protocol/gcode.js';

const CHUNK = 64 * 1024;
const LOW_WATER = 512;
const EMPTY = Buffer.alloc(0);

/**
 * Reads G-code lines ahead in chunks; `next()` never waits, `onReady` says when more arrived.
 * The lines read ahead stay bytes (the chunk, and typed arrays of where each line is): a chunk
 * lasts seconds of printing, and as strings its two thousand lines outlived every young-generation
 * collection meanwhile, were copied and then promoted; with 16 printers that was the largest part
 * of what each scavenge copied. A line becomes a string when it is sent.
 */
export class FileLineSource {
  /** the unsent lines read ahead and, after the last newline, the start of the next line */
  private data: Buffer = EMPTY;
  /** per buffered line: its bytes in `data` [start, end) and the file offset just after it */
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private positions = new Float64Array(0);
  private count = 0;
  private index = 0;
  /** where in `data` the bytes after the last newline begin */
  private tail = 0;
  private readAt: number;
  private reading = false;
  private ended = false;
  private closed = false;

  private constructor(
    private readonly handle: fs.FileHandle,
    startAt: number,
    private readonly onReady: () => void,
    private readonly onError: (err: Error) => void,
  ) {
    this.readAt = startAt;
  }

  static async open(file: string, onReady: () => void, onError: (err: Error) => void, startAt = 0): Promise<FileLineSource> {
    const source = new FileLineSource(await fs.open(file, 'r'), startAt, onReady, onError);
    await source.fill();
    return source;
  }

  /** The next command with the byte offset just after it; null when none is buffered yet; 'eof' at the end. */
  next(): { command: string; filepos: number } | null | 'eof' {
    if (this.count - this.index < LOW_WATER && !this.ended && !this.reading) void this.refill();
    while (this.index < this.count) {
      const i = this.index++;
      // comments and blank lines are dropped here, as they are sent
      const command = normalizeCommand(this.data.toString('utf8', this.starts[i]!, this.ends[i]!));
      if (command) return { command, filepos: this.positions[i]! };
    }
    return this.ended ? 'eof' : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
  }

  private async refill(): Promise<void> {
    try {
      await this.fill();
      if (!this.closed) this.onReady();
    } catch (err) {
      this.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async fill(): Promise<void> {
    if (this.reading || this.closed) return;
    this.reading = true;
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await this.handle.read(buffer, 0, CHUNK, this.readAt);
      if (this.closed) return;
      // keep the unsent lines and the partial last one, then the new bytes
      const keepFrom = this.index < this.count ? this.starts[this.index]! : this.tail;
      const kept = this.data.subarray(keepFrom);
      const base = this.readAt - kept.length;
      this.readAt += bytesRead;
      const data = kept.length ? Buffer.concat([kept, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
      const unsent = this.count - this.index;
      const scanFrom = this.tail - keepFrom;
      let newlines = 0;
      for (let at = data.indexOf(10, scanFrom); at !== -1; at = data.indexOf(10, at + 1)) newlines++;
      const starts = new Int32Array(unsent + newlines + 1);
      const ends = new Int32Array(unsent + newlines + 1);
      const positions = new Float64Array(unsent + newlines + 1);
      for (let k = 0; k < unsent; k++) {
        starts[k] = this.starts[this.index + k]! - keepFrom;
        ends[k] = this.ends[this.index + k]! - keepFrom;
        positions[k] = this.positions[this.index + k]!;
      }
      let count = unsent;
      let start = scanFrom;
      for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
        starts[count] = start;
        ends[count] = newline;
        positions[count++] = base + newline + 1;
        start = newline + 1;
      }
      if (bytesRead === 0) {
        if (start < data.length) {
          starts[count] = start;
          ends[count] = data.length;
          positions[count++] = base + data.length;
        }
        this.ended = true;
        start = data.length;
      }
      this.data = data;
      this.starts = starts;
      this.ends = ends;
      this.positions = positions;
      this.count = count;
      this.index = 0;
      this.tail = start;
    } finally {
      this.reading = false;
    }
  }
}

export class PrintJob {
  filepos = 0;
  linesSent = 0;
  private startedAt = performance.now();
  private pausedAt: number | null = null;
  private pausedMs = 0;
  /** set when the job ended: its print time stops there */
  private endedAt: number | null = null;

  constructor(
    readonly file: JobFile,
    public source: FileLineSource | null,
  ) {}

  restartClock(): void {
    this.startedAt = performance.now();
    this.pausedAt = null;
    this.pausedMs = 0;
    this.endedAt = null;
    this.filepos = 0;
    this.linesSent = 0;
  }

  pause(): void {
    this.pausedAt ??= performance.now();
  }

  resume(): void {
    if (this.pausedAt !== null) this.pausedMs += performance.now() - this.pausedAt;
    this.pausedAt = null;
  }

  /** The job ended (done, failed or cancelled): its print time is frozen from now on. */
  stop(): void {
    this.endedAt ??= this.pausedAt ?? performance.now();
  }

  /** seconds printed, pauses excluded */
  get elapsed(): number {
    const end = this.endedAt ?? this.pausedAt ?? performance.now();
    return (end - this.startedAt - this.pausedMs) / 1000;
  }

  /** % of the file's bytes sent, null when its size is unknown */
  completion(): number | null {
    const size = this.file.size;
    return size ? Math.min(100, (this.filepos / size) * 100) : null;
  }

  progress(): JobProgress {
    const completion = this.completion();
    const elapsed = this.elapsed;
    return {
      completion,
      filepos: this.filepos,
      linesSent: this.linesSent,
      printTime: elapsed,
      printTimeLeft: completion && completion > 0 ? (elapsed * (100 - completion)) / completion : null,
    };
  }
}
