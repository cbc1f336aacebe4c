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

/** Reads G-code lines ahead in chunks; `next()` never waits, `onReady` says when more arrived. */
export class FileLineSource {
  private commands: string[] = [];
  private positions: number[] = [];
  private index = 0;
  private readAt: number;
  private carry: Buffer = Buffer.alloc(0);
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
    if (this.commands.length - this.index < LOW_WATER && !this.ended && !this.reading) void this.refill();
    if (this.index < this.commands.length) {
      const i = this.index++;
      return { command: this.commands[i]!, filepos: this.positions[i]! };
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
      const base = this.readAt - this.carry.length;
      this.readAt += bytesRead;
      const data = this.carry.length ? Buffer.concat([this.carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
      if (this.index > 0) {
        this.commands = this.commands.slice(this.index);
        this.positions = this.positions.slice(this.index);
        this.index = 0;
      }
      let start = 0;
      let newline = data.indexOf(10, start);
      while (newline !== -1) {
        this.push(data.toString('utf8', start, newline), base + newline + 1);
        start = newline + 1;
        newline = data.indexOf(10, start);
      }
      if (bytesRead === 0) {
        if (start < data.length) this.push(data.toString('utf8', start), base + data.length);
        this.carry = Buffer.alloc(0);
        this.ended = true;
      } else {
        this.carry = Buffer.from(data.subarray(start));
      }
    } finally {
      this.reading = false;
    }
  }

  private push(raw: string, end: number): void {
    const command = normalizeCommand(raw);
    if (command) {
      this.commands.push(command);
      this.positions.push(end);
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
