/**
 * A restore asked of the running host (`POST /api/backup/restore`): the archive is extracted and
 * fully checked into `<basedir>/.cuttle-restore-pending/` while the host runs, which changes nothing
 * else (a refused archive leaves no trace). The host then stops for a restart, and the next `cuttle
 * serve` moves the pending files into place before it reads anything (config, users, the database):
 * no file of the basedir is open then, and no service holds state from before. Whoever starts the
 * process again (systemd, by the exit status; a person) gets the restored host; the old basedir is
 * kept in `.cuttle-before-restore-<time>/`, backups included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { moveIntoPlace } from './restore.js';
import { RESTORE_LEFTOVER } from './plan.js';

/** Where a checked restore waits for the next start (a name RESTORE_LEFTOVER matches: never backed up). */
export const PENDING_RESTORE = '.cuttle-restore-pending';

export function pendingRestoreFolder(basedir: string): string {
  return path.join(basedir, PENDING_RESTORE);
}

/** Puts an extracted, checked archive (`staging`, a folder in the basedir) in place of any earlier pending restore. */
export async function makePending(staging: string, basedir: string): Promise<void> {
  const pending = pendingRestoreFolder(basedir);
  await fs.promises.rm(pending, { recursive: true, force: true });
  await fs.promises.rename(staging, pending);
}

/**
 * Applies a pending restore, if there is one: what the basedir holds (but restore leftovers) is set
 * aside and the pending files take its place. For `cuttle serve`, before the host is made.
 */
export async function applyPendingRestore(basedir: string): Promise<{ setAside?: string } | undefined> {
  const pending = pendingRestoreFolder(basedir);
  if (!(await fs.promises.stat(pending).catch(() => undefined))?.isDirectory()) return undefined;
  const existing = (await fs.promises.readdir(basedir)).filter((name) => !RESTORE_LEFTOVER.test(name));
  return { setAside: await moveIntoPlace(pending, basedir, existing) };
}
