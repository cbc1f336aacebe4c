/**
 * `mkdir -p` that always ends. Node's `mkdir(dir, { recursive: true })` reads ENOENT as "the parent
 * is missing", makes the parent (EEXIST: fine) and tries again, for ever, at full CPU, where a
 * folder exists but cannot hold the child: a dangling symbolic link (a basedir on a USB stick that
 * is not mounted) or a path under /proc. The sync form froze the event loop, so even SIGTERM went
 * unanswered. Here the missing folders are found first (stat follows links), then made one by one:
 * each level is tried once and its error is the answer.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The folders of `dir` that do not exist, outermost first. */
function missingFolders(dir: string, exists: (folder: string) => boolean): string[] {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !exists(current); current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  return missing;
}

function isDirectory(folder: string): boolean {
  return fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Says what an EEXIST on a folder that is not one means: a file, or a link to nothing. */
function explained(err: NodeJS.ErrnoException, folder: string): Error {
  if (err.code !== 'EEXIST') return err;
  const link = fs.lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink();
  const why = link ? `is a symbolic link to ${fs.readlinkSync(folder)}, which does not exist` : 'is a file, not a folder';
  return Object.assign(new Error(`cannot make the folder ${folder}: it ${why}`), { code: err.code, path: folder });
}

/**
 * Makes `dir` and its missing parents; returns the first folder made (undefined when `dir` existed),
 * as `mkdirSync(dir, { recursive: true })` does.
 */
export function makeDirectorySync(dir: string, mode?: number): string | undefined {
  const missing = missingFolders(dir, (folder) => fs.existsSync(folder));
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder, { mode });
    } catch (err) {
      // made meanwhile by another writer: fine
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(folder)) continue;
      throw explained(err as NodeJS.ErrnoException, folder);
    }
  }
  if (missing.length === 0 && !isDirectory(dir)) throw notAFolder(dir);
  return missing[0];
}

function notAFolder(dir: string): Error {
  return explained(Object.assign(new Error('EEXIST'), { code: 'EEXIST' }), path.resolve(dir));
}

/** `makeDirectorySync`, without blocking the event loop. */
export async function makeDirectory(dir: string, mode?: number): Promise<string | undefined> {
  // stat each level (following links) from `dir` up; the walk stops at the first that exists
  let found: { folder: string; stat: fs.Stats } | undefined;
  for (let current = path.resolve(dir); !found; current = path.dirname(current)) {
    const stat = await fs.promises.stat(current).catch(() => undefined);
    if (stat) found = { folder: current, stat };
    else if (path.dirname(current) === current) break;
  }
  if (found?.folder === path.resolve(dir) && !found.stat.isDirectory()) throw notAFolder(dir);
  const missing = missingFolders(dir, (folder) => folder === found?.folder);
  for (const folder of missing) {
    try {
      await fs.promises.mkdir(folder, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(folder)) continue;
      throw explained(err as NodeJS.ErrnoException, folder);
    }
  }
  return missing[0];
}
