/**
 * The log file: appended to line by line, rotated by size (`cuttle.log` → `cuttle.log.1` … up to
 * `logging.keep` old files, the oldest dropped) and reopened on demand, so logrotate's move-and-HUP
 * works too (`cuttle serve` reopens on SIGHUP). Writes are synchronous: a line is on disk before the
 * next one, none is lost at exit, and a rotation never races a write.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { makeDirectorySync } from '../common/make-directory.js';

export interface RotationOptions {
  /** rotate when the file would grow past this many bytes (0: never) */
  maxBytes: number;
  /** old files kept beside it */
  keep: number;
}

export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    readonly file: string,
    private readonly rotation: RotationOptions,
  ) {
    makeDirectorySync(path.dirname(file));
    this.fd = openSync(file, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /** pino's destination: one JSON line */
  write(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    if (this.rotation.maxBytes > 0 && this.size > 0 && this.size + bytes > this.rotation.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
    return true;
  }

  /** Closes the file and opens its name again (after logrotate moved it). */
  reopen(): void {
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.file}.${this.rotation.keep}`, { force: true });
    for (let n = this.rotation.keep - 1; n >= 1; n--) {
      try {
        renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    if (this.rotation.keep > 0) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
    this.fd = openSync(this.file, 'a', 0o640);
    this.size = 0;
  }
}
