/**
 * A lock file beside a data file (`<file>.lock`, holding the owner's pid), so that processes sharing
 * the file (the host and `cuttle user …` / `cuttle keys …`) take turns at read-modify-write and never
 * overwrite each other's change. Created with O_EXCL; a lock whose owner is gone (kill -9) is broken.
 * Synchronous on purpose: the section it guards is a few milliseconds of small-file I/O, and a
 * synchronous section cannot interleave with other work of the same process either.
 */
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from './atomic-write.js';

export class FileLockTimeout extends Error {}

export interface LockOptions {
  /** give up after this long (ms) */
  timeoutMs?: number;
  /** a lock file older than this whose owner cannot be read is broken (ms) */
  staleMs?: number;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

/** The lock is abandoned: its owner died, or it has been unreadable (half-written) for too long. */
function abandoned(lock: string, staleMs: number): boolean {
  try {
    const owner = Number(fs.readFileSync(lock, 'utf8').trim());
    if (owner > 0) return !processAlive(owner);
    return Date.now() - fs.statSync(lock).mtimeMs > staleMs;
  } catch {
    return false; // gone meanwhile: just try again
  }
}

export function withFileLockSync<R>(file: string, section: () => R, options: LockOptions = {}): R {
  const lock = `${file}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let wait = 1;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        fs.mkdirSync(path.dirname(lock), { recursive: true });
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fd !== undefined) {
      try {
        fs.writeSync(fd, String(process.pid));
      } finally {
        fs.closeSync(fd);
      }
      try {
        return section();
      } finally {
        fs.rmSync(lock, { force: true });
      }
    }
    if (abandoned(lock, options.staleMs ?? 5_000)) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new FileLockTimeout(`${lock}: still held by another process after ${options.timeoutMs ?? 10_000} ms`);
    sleepSync(wait);
    wait = Math.min(wait * 2, 20);
  }
}
