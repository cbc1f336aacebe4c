/**
 * A lock file beside a data file (`<file>.lock`, holding the owner's pid), so that processes sharing
 * the file (the host and `cuttle user …` / `cuttle keys …`) take turns at read-modify-write and never
 * overwrite each other's change. Created with O_EXCL; a lock whose owner is gone (kill -9) is broken.
 * Two forms of the one protocol: synchronous for the CLI and small authenticated changes (a
 * synchronous section cannot interleave with other work of its process either), and asynchronous
 * for the host's background writes, which must not block its event loop.
 *
 * A section may take the lock again for the same file (a read-modify-write whose write locks too):
 * the nested call runs inside it. Only calls made from within the section count as nested (tracked
 * per async context), so a concurrent, unrelated section of the same process still waits its turn.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from './atomic-write.js';
import { makeDirectorySync } from './make-directory.js';

export class FileLockTimeout extends Error {}

export interface LockOptions {
  /** give up after this long (ms) */
  timeoutMs?: number;
  /** a lock file older than this whose owner cannot be read is broken (ms) */
  staleMs?: number;
}

const DEFAULTS = { timeoutMs: 10_000, staleMs: 5_000 };
const pause = new Int32Array(new SharedArrayBuffer(4));
/** the lock files held by the section whose async context this is */
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();
/** sections running now, in this process */
let running = 0;

/**
 * Runs `section` with `lock` held in its async context. On Node 20 an AsyncLocalStorage in use
 * turns on async hooks for every promise, tick, microtask and I/O callback of the process (+6 % CPU
 * on a bare loopback ping-pong), and the one run at start-up (pending app keys) kept them on for
 * good: so the storage is switched off again once no section runs, when no context holds a lock.
 */
function holding<R>(lock: string, section: () => R): R {
  running++;
  let result: R;
  try {
    result = heldHere.run(new Set([...(heldHere.getStore() ?? []), lock]), section);
  } catch (err) {
    left();
    throw err;
  }
  if (result instanceof Promise) return result.finally(left) as R;
  left();
  return result;
}

function left(): void {
  if (--running === 0) heldHere.disable();
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

/** One attempt: true when this process now holds the lock. */
function tryAcquire(lock: string, staleMs: number): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') makeDirectorySync(path.dirname(lock));
    else if (code !== 'EEXIST') throw err;
    else if (abandoned(lock, staleMs)) fs.rmSync(lock, { force: true });
    return false;
  }
  try {
    fs.writeSync(fd, String(process.pid));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function timeout(lock: string, ms: number): FileLockTimeout {
  return new FileLockTimeout(`${lock}: still held by another process after ${ms} ms`);
}

export function withFileLockSync<R>(file: string, section: () => R, options: LockOptions = {}): R {
  const { timeoutMs, staleMs } = { ...DEFAULTS, ...options };
  const lock = `${file}.lock`;
  if (heldHere.getStore()?.has(lock)) return section();
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; !tryAcquire(lock, staleMs); wait = Math.min(wait * 2, 20)) {
    if (Date.now() > deadline) throw timeout(lock, timeoutMs);
    Atomics.wait(pause, 0, 0, wait);
  }
  try {
    return holding(lock, section);
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** The same lock, waited for with timers: the event loop goes on meanwhile. */
export async function withFileLock<R>(file: string, section: () => Promise<R>, options: LockOptions = {}): Promise<R> {
  const { timeoutMs, staleMs } = { ...DEFAULTS, ...options };
  const lock = `${file}.lock`;
  if (heldHere.getStore()?.has(lock)) return section();
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; !tryAcquire(lock, staleMs); wait = Math.min(wait * 2, 20)) {
    if (Date.now() > deadline) throw timeout(lock, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  try {
    return await holding(lock, section);
  } finally {
    await fs.promises.rm(lock, { force: true });
  }
}
