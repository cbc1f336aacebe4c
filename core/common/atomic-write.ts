/**
 * Atomic file replacement: write a temporary file beside the target, flush it to disk, then
 * rename over the target. A crash at any point leaves either the old or the new file, never half.
 * Temporary names carry the writer's pid and random bytes (`.<name>.<pid>.<hex>.tmp`): two writers,
 * in one process or several, never share one, and a leftover of a process that died (kill -9
 * mid-write) is recognised by its pid and swept at the next start.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeDirectory, makeDirectorySync } from './make-directory.js';

function temporaryFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * `fsync: false` skips flushing to disk (data that can be rebuilt, where speed matters more);
 * `mkdir: false` fails rather than create a missing folder (one deleted meanwhile stays deleted).
 */
export async function writeFileAtomic(target: string, content: string | Uint8Array, options: { fsync?: boolean; mkdir?: boolean } = {}): Promise<void> {
  if (options.mkdir !== false) await makeDirectory(path.dirname(target));
  const temporary = temporaryFor(target);
  const handle = await fs.promises.open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(content);
    if (options.fsync !== false) await handle.sync();
    await handle.close();
    await fs.promises.rename(temporary, target);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(temporary, { force: true });
    throw err;
  }
}

/** The same, synchronously: for the small files that the CLI and the host share under a lock. */
export function writeFileAtomicSync(target: string, content: string | Uint8Array): void {
  makeDirectorySync(path.dirname(target));
  const temporary = temporaryFor(target);
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temporary, target);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {
      // closed already
    }
    fs.rmSync(temporary, { force: true });
    throw err;
  }
}

/** Is a process with this pid running (or at least existing, owned by someone else)? */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `.<name>.<pid>.<random>.tmp`, and the names earlier versions used (no leading dot, a time for the random part) */
const TEMPORARY = /^\.*(.+?)\.(\d+)\.[0-9a-z]+\.tmp$/;

/** Whether `name` is a temporary file of `basename` (of any file when undefined) whose writer is gone. */
function leftoverOf(name: string, basename: string | undefined): boolean {
  const match = TEMPORARY.exec(name);
  return !!match && (basename === undefined || match[1] === basename.replace(/^\.+/, '')) && !processAlive(Number(match[2]));
}

/**
 * Removes the temporary files of `basename` in `dir` (of every file there when undefined) left by
 * processes that are gone (a writer that is still running keeps its own). Returns the names removed.
 */
export async function sweepTemporaries(dir: string, basename?: string): Promise<string[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const removed = names.filter((name) => leftoverOf(name, basename));
  for (const name of removed) await fs.promises.rm(path.join(dir, name), { force: true });
  return removed;
}

/** The same in `root` and every folder below it (one metadata file per folder); paths relative to root. */
export async function sweepTemporariesUnder(root: string, basename: string): Promise<string[]> {
  const entries = await fs.promises.readdir(root, { recursive: true }).catch(() => [] as string[]);
  const removed = entries.filter((entry) => leftoverOf(path.basename(entry), basename));
  for (const entry of removed) await fs.promises.rm(path.join(root, entry), { force: true });
  return removed;
}
